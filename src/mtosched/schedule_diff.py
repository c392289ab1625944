"""The nightly "what moved" report as data: what `diff_schedules` returns.

Frozen pydantic models, so that `mtosched diff --format json` prints the
same fields the Python API hands back, and the one-line summary a log
shows. The comparison itself is in `diff.py`, the terminal view in
`cli/diff_view.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

#: KPIs compared, in report order (each only when both schedules state it).
KPI_NAMES: tuple[str, ...] = (
    "orders",
    "late_orders",
    "on_time_rate",
    "total_tardiness_minutes",
    "max_tardiness_minutes",
    "max_lateness_minutes",
    "weighted_tardiness",
    "total_flow_time_minutes",
    "makespan_minutes",
)


class _Diff(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OperationMove(_Diff):
    """An operation in both schedules that changed machine or start time.

    `delta_minutes` is new start minus old start (positive = later); it is
    reported even when only the machine changed.
    """

    order: str
    operation: str
    old_machine: str
    new_machine: str
    old_start: datetime
    new_start: datetime
    delta_minutes: int
    machine_changed: bool


class PlacedOperation(_Diff):
    """An operation found in only one of the two schedules."""

    operation: str
    machine: str
    start: datetime
    end: datetime


class OperationGroup(_Diff):
    """One order's operations found in only one schedule.

    `whole_order` is true when the order itself is missing from the other
    schedule (a new or a gone order) rather than just some of its operations.
    """

    order: str
    whole_order: bool
    operations: list[PlacedOperation]


class OrderChange(_Diff):
    """An order in both schedules whose completion or lateness changed.

    Lateness is completion minus due in minutes (negative = early); an order
    is late when its tardiness is positive. `became` is "late" or "on_time"
    when the verdict flipped, else None.
    """

    order: str
    customer: str | None
    old_completion: datetime
    new_completion: datetime
    completion_delta_minutes: int
    old_lateness_minutes: int
    new_lateness_minutes: int
    lateness_delta_minutes: int
    became: Literal["late", "on_time"] | None


class OrderRef(_Diff):
    """An order present in only one schedule, as that schedule has it."""

    order: str
    customer: str | None
    due: datetime
    completion: datetime
    lateness_minutes: int


class KpiDelta(_Diff):
    """One KPI in both schedules; `delta` is new minus old."""

    old: int | float
    new: int | float
    delta: int | float


class DiffCounts(_Diff):
    """The numbers the summary line is made of.

    `moved` splits into `later` and `earlier` (start beyond the tolerance)
    and machine changes within it. `operations_added`/`_removed` count every
    operation found in only one schedule, those of new and gone orders too.
    `orders_later`/`_earlier` count completions moved beyond the tolerance;
    the largest of each way is given in positive minutes (0 when none).
    """

    operations_compared: int
    moved: int
    machine_changed: int
    later: int
    earlier: int
    operations_added: int
    operations_removed: int
    orders_compared: int
    orders_later: int
    orders_earlier: int
    max_order_delay_minutes: int
    max_order_gain_minutes: int
    became_late: int
    became_on_time: int
    orders_new: int
    orders_gone: int


class ScheduleDiff(_Diff):
    """Everything that changed from `old` to `new`, largest changes first.

    Instants are given in their own schedule's time zone with offsets.
    Makespan KPIs count from each schedule's own start, so a plan that starts
    a day later has a makespan about a day shorter for the same end.
    """

    old_start: datetime
    new_start: datetime
    start_shift_minutes: int
    tolerance_minutes: int
    counts: DiffCounts
    moved: list[OperationMove]
    operations_removed: list[OperationGroup]
    operations_added: list[OperationGroup]
    orders_changed: list[OrderChange]
    orders_new: list[OrderRef]
    orders_gone: list[OrderRef]
    kpis: dict[str, KpiDelta]

    def summary(self) -> str:
        """One line for logs and the top of the report."""
        c = self.counts
        head = f"{c.moved} of {_plural(c.operations_compared, 'operation')} moved"
        if c.machine_changed:
            head += f" ({c.machine_changed} changed machine)"
        first = [head]
        if c.orders_later:
            worst = duration_text(c.max_order_delay_minutes)
            first.append(f"{_plural(c.orders_later, 'order')} later (max {worst})")
        if c.orders_earlier:
            best = duration_text(-c.max_order_gain_minutes)
            first.append(f"{_plural(c.orders_earlier, 'order')} earlier (max {best})")
        if c.became_late:
            first.append(f"{_plural(c.became_late, 'order')} became late")
        if c.became_on_time:
            first.append(f"{_plural(c.became_on_time, 'order')} became on time")
        second = []
        if c.orders_new:
            second.append(_plural(c.orders_new, "new order"))
        if c.orders_gone:
            second.append(f"{_plural(c.orders_gone, 'order')} gone")
        # Operations of new and gone orders go without saying; those of
        # orders in both plans were added or finished in between.
        added = _partial(self.operations_added)
        if added:
            second.append(f"{_plural(added, 'operation')} added to kept orders")
        removed = _partial(self.operations_removed)
        if removed:
            second.append(f"{_plural(removed, 'operation')} gone from kept orders")
        line = ", ".join(first)
        return f"{line}; {', '.join(second)}" if second else line


def duration_text(minutes: int, *, signed: bool = True) -> str:
    """Minutes for people: "+2 h 05 min", "-1 d 3 h", "45 min", "0 min".

    A negative value gets a true minus sign (U+2212), not the hyphen shown
    here, so that it is as wide as the plus in a column.
    """
    if minutes == 0:
        return "0 min"
    sign = ("+" if minutes > 0 else "\u2212") if signed else ""
    days, rest = divmod(abs(minutes), 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours or (days and mins):
        parts.append(f"{hours} h")
    if mins:
        parts.append(f"{mins:02d} min" if parts else f"{mins} min")
    return sign + " ".join(parts)


def _partial(groups: list[OperationGroup]) -> int:
    """Operations listed for orders that both schedules have."""
    return sum(len(g.operations) for g in groups if not g.whole_order)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
