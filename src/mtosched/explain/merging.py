"""Pieces of a chain merged into causes, and the tardiness shared among them.

Pieces of one step that are about the same thing (the same blocking task,
the same night, the same material arrival) merge into one item, whatever
lies between them: a machine busy with one order before and after a night
is one cause of that many minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import floor

from mtosched.explain.attribution import Key, Piece
from mtosched.explain.words import CauseKind


@dataclass
class Item:
    """Pieces merged by key: minutes, first and last minute, owners, holders.

    `machine` is the machine of the step the pieces belong to; `share` the
    item's share of the order's tardiness.
    """

    kind: CauseKind
    key: Key
    machine: int
    minutes: int = 0
    first: int = 0
    last: int = 0
    closed: set[str] = field(default_factory=set)
    holders: set[int] = field(default_factory=set)
    share: int = 0

    def add(self, piece: Piece) -> None:
        """Count one more piece."""
        if self.minutes == 0:
            self.first, self.last = piece.start, piece.end
        self.minutes += piece.end - piece.start
        self.first = min(self.first, piece.start)
        self.last = max(self.last, piece.end)
        self.closed |= piece.closed
        self.holders |= piece.holders


def merge(pieces: list[tuple[Piece, int]]) -> list[Item]:
    """Pieces (with their step's machine) merged by key, first seen first."""
    items: dict[Key, Item] = {}
    for piece, machine in pieces:
        item = items.setdefault(piece.key, Item(piece.kind, piece.key, machine))
        item.add(piece)
    return list(items.values())


def share_tardiness(items: list[Item], tardiness: int) -> int:
    """Share `tardiness` among the items; returns what processing keeps.

    In proportion to the items' minutes, rounded by largest remainder so
    that the shares add up exactly. When the waiting is shorter than the
    tardiness each item gets all its minutes and the rest stays with the
    chain's own processing: even without any wait it would have been late.
    """
    waiting = sum(i.minutes for i in items)
    if tardiness <= 0 or not items:
        return max(tardiness, 0)
    if waiting <= tardiness:
        for item in items:
            item.share = item.minutes
        return tardiness - waiting
    exact = [tardiness * i.minutes / waiting for i in items]
    for item, value in zip(items, exact, strict=True):
        item.share = floor(value)
    left = tardiness - sum(i.share for i in items)
    by_fraction = sorted(
        range(len(items)), key=lambda k: (-(exact[k] - floor(exact[k])), k)
    )
    for k in by_fraction[:left]:
        items[k].share += 1
    return 0
