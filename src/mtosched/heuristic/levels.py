"""Levels over time the list schedule books against: crews and stock.

A crew's use is a step function of held units (`Profile`); a material's is
its level after receipts and bookings (`Stock`). Both answer "from when does
this fit?" by bisection, so thousands of bookings stay cheap.
"""

from __future__ import annotations

import bisect
from itertools import accumulate

from mtosched.problem.parts import MaterialInfo


class Profile:
    """How much of one resource is held over time: a step function.

    `levels[k]` is held from `times[k]` up to `times[k + 1]`; queries and
    bookings bisect instead of scanning every booking, so a crew shared by
    thousands of operations stays cheap.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.times: list[int] = []
        self.levels: list[int] = []

    def _breakpoint(self, minute: int) -> int:
        """The index of the step starting at `minute`, made if needed."""
        k = bisect.bisect_left(self.times, minute)
        if k < len(self.times) and self.times[k] == minute:
            return k
        self.times.insert(k, minute)
        self.levels.insert(k, self.levels[k - 1] if k > 0 else 0)
        return k

    def add(self, start: int, end: int, amount: int) -> None:
        """Hold (or with a negative amount, give back) `amount` in `[start, end)`."""
        if end <= start:
            return
        first = self._breakpoint(start)
        last = self._breakpoint(end)
        for k in range(first, last):
            self.levels[k] += amount

    def blocked_until(self, start: int, end: int, amount: int) -> int | None:
        """None when `amount` more fits all through `[start, end)`, else a retry."""
        k = max(bisect.bisect_right(self.times, start) - 1, 0)
        limit = self.capacity - amount
        times, levels = self.times, self.levels
        while k < len(times) and times[k] < end:
            if levels[k] > limit:
                # the first step from which `amount` fits again; the last step
                # lies after every booking's end, where nothing is held
                while k + 1 < len(times) and levels[k] > limit:
                    k += 1
                return times[k] if times[k] > start else None
            k += 1
        return None


class Stock:
    """Supply and booked consumption of one material, as a level over time."""

    def __init__(self, material: MaterialInfo, demand: int) -> None:
        supply = list(material.supply)
        if material.lead_time is not None:
            supply.append((material.lead_time, demand))
        self.supply = sorted(supply)
        # (minute, kind, change): receipts (kind 0) count before consumptions
        # (kind 1) at the same minute (rule 13)
        self.events: list[tuple[int, int, int]] = sorted(
            (at, 0, q) for at, q in self.supply
        )
        self._levels: tuple[list[int], list[int], list[int]] | None = None
        self._receipt_minutes = [at for at, _ in self.supply]
        self._received = list(accumulate(q for _, q in self.supply))
        self.taken = 0

    def take(self, minute: int, quantity: int) -> None:
        """Book `quantity` taken at `minute`."""
        bisect.insort(self.events, (minute, 1, -quantity))
        self.taken += quantity
        self._levels = None

    def give_back(self, minute: int, quantity: int) -> None:
        """Undo a `take`."""
        self.events.remove((minute, 1, -quantity))
        self.taken -= quantity
        self._levels = None

    def _steps(self) -> tuple[list[int], list[int], list[int]]:
        """Event minutes, the level after each, the lowest level from each on."""
        if self._levels is None:
            minutes = [at for at, _, _ in self.events]
            levels = list(accumulate(change for _, _, change in self.events))
            lowest = list(accumulate(reversed(levels), min))[::-1]
            self._levels = (minutes, levels, lowest)
        return self._levels

    def earliest(self, start: int, quantity: int) -> int | None:
        """The first time >= start at which `quantity` can be taken for good.

        Taking at t lowers the level from t on, so it must leave every later
        level (after later receipts and bookings) at or above zero.
        """
        # What has arrived by `start`, less everything booked anywhere, is a
        # floor under every later level: when that covers `quantity`, no
        # level need be rebuilt (the usual case for stock that is plentiful).
        arrived = bisect.bisect_right(self._receipt_minutes, start)
        if arrived and self._received[arrived - 1] - self.taken >= quantity:
            return start
        minutes, levels, lowest = self._steps()
        candidates = [start, *(at for at, _ in self.supply if at > start)]
        for t in candidates:
            k = bisect.bisect_right(minutes, t) - 1  # the last event at or before t
            now = levels[k] if k >= 0 else 0
            later = lowest[k + 1] if k + 1 < len(levels) else now
            if min(now, later) >= quantity:
                return t
        return None
