"""What changed between two schedules: the nightly "what moved" report.

Planners reschedule every night; the new plan usually starts a day later,
some orders have finished and new ones have arrived. `diff_schedules` matches
operations by (order, operation) and orders by id, and reports moves as
differences of absolute instants: `+01:00` and `Z` spellings of the same
moment are the same moment, and a later planning start moves nothing by
itself. All minutes are signed, later is positive.

Pure logic: no OR-Tools, no terminal. `mtosched diff` renders the result.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from mtosched.schedule import (
    Kpis,
    Schedule,
    ScheduledOperation,
    ScheduledOrder,
    local,
    utc,
    zone_of,
)

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


def duplicate_operations(schedule: Schedule) -> list[int]:
    """Indexes of operations whose (order, operation) appeared earlier."""
    seen: set[tuple[str, str]] = set()
    repeated = []
    for k, op in enumerate(schedule.operations):
        key = (op.order, op.operation)
        if key in seen:
            repeated.append(k)
        seen.add(key)
    return repeated


def diff_schedules(
    old: Schedule, new: Schedule, *, tolerance_minutes: int = 0
) -> ScheduleDiff:
    """Compare two schedules of the same plant.

    An operation in both counts as moved when its machine changed or its
    start moved by more than `tolerance_minutes`; an order in both is listed
    when its completion or lateness moved by more than the tolerance, or
    when it became late or on time (always, however small the move).
    Raises `ValueError` for a negative tolerance, an unknown time zone, or
    an (order, operation) that a schedule lists twice.
    """
    if tolerance_minutes < 0:
        raise ValueError("tolerance_minutes must be zero or more")
    for label, schedule in (("old", old), ("new", new)):
        if duplicate_operations(schedule):
            raise ValueError(f"the {label} schedule lists an operation twice")
    a, b = _Side(old), _Side(new)
    moves = _moves(a, b, tolerance_minutes)
    changes = _order_changes(a, b, tolerance_minutes)
    only_old = _only(a, b)
    only_new = _only(b, a)
    gone = [a.order_ref(o) for o in old.orders if o.id not in b.orders]
    arrived = [b.order_ref(o) for o in new.orders if o.id not in a.orders]
    shifts = [c.completion_delta_minutes for c in changes]
    later = [d for d in shifts if d > tolerance_minutes]
    earlier = [d for d in shifts if d < -tolerance_minutes]
    counts = DiffCounts(
        operations_compared=len(a.ops.keys() & b.ops.keys()),
        moved=len(moves),
        machine_changed=sum(m.machine_changed for m in moves),
        later=sum(m.delta_minutes > tolerance_minutes for m in moves),
        earlier=sum(m.delta_minutes < -tolerance_minutes for m in moves),
        operations_added=sum(len(g.operations) for g in only_new),
        operations_removed=sum(len(g.operations) for g in only_old),
        orders_compared=len(a.orders.keys() & b.orders.keys()),
        orders_later=len(later),
        orders_earlier=len(earlier),
        max_order_delay_minutes=max(later, default=0),
        max_order_gain_minutes=-min(earlier, default=0),
        became_late=sum(c.became == "late" for c in changes),
        became_on_time=sum(c.became == "on_time" for c in changes),
        orders_new=len(arrived),
        orders_gone=len(gone),
    )
    return ScheduleDiff(
        old_start=a.aware(old.start),
        new_start=b.aware(new.start),
        start_shift_minutes=_minutes(a.utc(old.start), b.utc(new.start)),
        tolerance_minutes=tolerance_minutes,
        counts=counts,
        moved=moves,
        operations_removed=only_old,
        operations_added=only_new,
        orders_changed=changes,
        orders_new=arrived,
        orders_gone=gone,
        kpis=_kpis(old.kpis, new.kpis),
    )


class _Side:
    """One schedule indexed for comparison, with its time zone at hand."""

    def __init__(self, schedule: Schedule) -> None:
        self.zone: ZoneInfo = zone_of(schedule)
        self.ops = {(op.order, op.operation): op for op in schedule.operations}
        self.orders = {o.id: o for o in schedule.orders}

    def utc(self, moment: datetime) -> datetime:
        return utc(moment, self.zone)

    def aware(self, moment: datetime) -> datetime:
        """The instant in this schedule's zone, offset included."""
        return local(moment, self.zone)

    def placed(self, op: ScheduledOperation) -> PlacedOperation:
        return PlacedOperation(
            operation=op.operation,
            machine=op.machine,
            start=self.aware(op.start),
            end=self.aware(op.end),
        )

    def order_ref(self, order: ScheduledOrder) -> OrderRef:
        return OrderRef(
            order=order.id,
            customer=order.customer,
            due=self.aware(order.due),
            completion=self.aware(order.completion),
            lateness_minutes=order.lateness_minutes,
        )


def _minutes(first: datetime, last: datetime) -> int:
    """Whole minutes from `first` to `last` (both aware, any offsets)."""
    return round((last - first).total_seconds() / 60)


def _moves(a: _Side, b: _Side, tolerance: int) -> list[OperationMove]:
    """Operations in both that changed machine or moved beyond the tolerance."""
    moves = []
    for key, was in a.ops.items():
        now = b.ops.get(key)
        if now is None:
            continue
        delta = _minutes(a.utc(was.start), b.utc(now.start))
        switched = was.machine != now.machine
        if switched or abs(delta) > tolerance:
            moves.append(
                OperationMove(
                    order=was.order,
                    operation=was.operation,
                    old_machine=was.machine,
                    new_machine=now.machine,
                    old_start=a.aware(was.start),
                    new_start=b.aware(now.start),
                    delta_minutes=delta,
                    machine_changed=switched,
                )
            )
    # Largest moves first; machine changes before pure shifts of equal size.
    moves.sort(
        key=lambda m: (
            -abs(m.delta_minutes),
            not m.machine_changed,
            m.order,
            m.operation,
        )
    )
    return moves


def _order_changes(a: _Side, b: _Side, tolerance: int) -> list[OrderChange]:
    """Orders in both whose completion or lateness moved, or verdict flipped."""
    changes = []
    for oid, was in a.orders.items():
        now = b.orders.get(oid)
        if now is None:
            continue
        delta = _minutes(a.utc(was.completion), b.utc(now.completion))
        lateness = now.lateness_minutes - was.lateness_minutes
        late_before, late_now = was.tardiness_minutes > 0, now.tardiness_minutes > 0
        became: Literal["late", "on_time"] | None = None
        if late_now != late_before:
            became = "late" if late_now else "on_time"
        if became is None and abs(delta) <= tolerance and abs(lateness) <= tolerance:
            continue
        changes.append(
            OrderChange(
                order=oid,
                customer=now.customer,
                old_completion=a.aware(was.completion),
                new_completion=b.aware(now.completion),
                completion_delta_minutes=delta,
                old_lateness_minutes=was.lateness_minutes,
                new_lateness_minutes=now.lateness_minutes,
                lateness_delta_minutes=lateness,
                became=became,
            )
        )
    changes.sort(key=lambda c: (-abs(c.completion_delta_minutes), c.order))
    return changes


def _only(here: _Side, there: _Side) -> list[OperationGroup]:
    """Operations of `here` missing from `there`, grouped by order, by start."""
    groups: dict[str, list[ScheduledOperation]] = {}
    for key, op in here.ops.items():
        if key not in there.ops:
            groups.setdefault(op.order, []).append(op)
    return [
        OperationGroup(
            order=order,
            whole_order=order not in there.orders,
            operations=[
                here.placed(op) for op in sorted(ops, key=lambda o: here.utc(o.start))
            ],
        )
        for order, ops in sorted(groups.items())
    ]


def _kpis(old: Kpis, new: Kpis) -> dict[str, KpiDelta]:
    """KPIs both schedules state (an optional KPI left out of a file is skipped)."""
    stated = old.model_fields_set & new.model_fields_set
    result = {}
    for name in KPI_NAMES:
        if name not in stated:
            continue
        before, after = getattr(old, name), getattr(new, name)
        delta = after - before
        result[name] = KpiDelta(
            old=before,
            new=after,
            delta=round(delta, 4) if isinstance(delta, float) else delta,
        )
    return result


def _partial(groups: list[OperationGroup]) -> int:
    """Operations listed for orders that both schedules have."""
    return sum(len(g.operations) for g in groups if not g.whole_order)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
