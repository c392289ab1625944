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

from mtosched.schedule import (
    Kpis,
    Schedule,
    ScheduledOperation,
    ScheduledOrder,
    local,
    utc,
    zone_of,
)
from mtosched.schedule_diff import (
    KPI_NAMES,
    DiffCounts,
    KpiDelta,
    OperationGroup,
    OperationMove,
    OrderChange,
    OrderRef,
    PlacedOperation,
    ScheduleDiff,
)


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
