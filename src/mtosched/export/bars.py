"""What a machine runs at once, as charts and tables draw it.

A batch (rule 18) is one load of an oven: its members share machine, start
and end, so every view draws it as ONE bar that lists its members, and
counts its busy time once. Everything else is one bar per operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mtosched.schedule import ScheduledOperation


@dataclass(frozen=True)
class Bar:
    """One operation, or every member of one batch, in schedule order.

    `batch` is the schedule's batch id (None off batch machines). Times are
    the first member's; the checker makes sure the members agree, and a
    view must not hide a hand-edited file's disagreement, so `end` is the
    latest member's end.
    """

    batch: str | None
    operations: tuple[ScheduledOperation, ...]

    @property
    def lead(self) -> ScheduledOperation:
        """The member listed first, standing for the bar's times."""
        return self.operations[0]

    @property
    def machine(self) -> str:
        """The machine's id."""
        return self.lead.machine

    @property
    def start(self) -> datetime:
        """When processing starts."""
        return self.lead.start

    @property
    def end(self) -> datetime:
        """When the last member ends."""
        return max(op.end for op in self.operations)

    @property
    def busy_from(self) -> datetime:
        """When the machine becomes busy: the changeover's start, if any."""
        return self.lead.setup_start or self.lead.start

    @property
    def running(self) -> bool:
        """Already running at the planning start."""
        return any(op.running for op in self.operations)

    @property
    def orders(self) -> list[str]:
        """Order ids of the members, each once, in order."""
        return list(dict.fromkeys(op.order for op in self.operations))

    @property
    def members(self) -> str:
        """The members as people read them: "SO-1/paint, SO-2/paint"."""
        return ", ".join(f"{op.order}/{op.operation}" for op in self.operations)

    @property
    def is_batch(self) -> bool:
        """More than one operation in the bar."""
        return len(self.operations) > 1


def bars(operations: list[ScheduledOperation]) -> list[Bar]:
    """The operations grouped into bars: one per batch id and machine.

    Bars come in the order of their first member; members keep theirs.
    """
    grouped: dict[tuple[str, str] | int, list[ScheduledOperation]] = {}
    for k, op in enumerate(operations):
        key: tuple[str, str] | int = (op.machine, op.batch) if op.batch else k
        grouped.setdefault(key, []).append(op)
    return [Bar(ops[0].batch, tuple(ops)) for ops in grouped.values()]
