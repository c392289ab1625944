"""The data an HTML Gantt page draws, as one JSON-ready dict.

The page never receives HTML from Python: every name travels as a JSON string
and the page script puts it on screen with `textContent`. Instants become whole
minutes from the planning start, and operations and orders are short arrays
rather than objects, so 5,000 operations cost a few hundred kilobytes. The
time zone travels as the list of its UTC-offset changes over the horizon,
worked out here with `zoneinfo`, so the axis draws midnight and shift lines
where the plant's clocks have them, even on a daylight-saving day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mtosched.schedule import Schedule, ScheduledMachine, local, zone_of

#: Version of the payload layout, for anyone reading it out of a page.
PAYLOAD_VERSION = 1

#: Field order of one row of `orders` in the payload.
ORDER_FIELDS = (
    "id",
    "customer",
    "product",
    "priority",
    "due",
    "completion",
    "lateness",
    "released",
)

#: Field order of one row of `ops`; `setup` is null without a changeover,
#: `batch` null off batch machines (rows with one batch id are one bar).
OP_FIELDS = (
    "order",
    "operation",
    "machine",
    "start",
    "end",
    "setup",
    "running",
    "batch",
)


def closed_time(schedule: Schedule) -> dict[str, list[tuple[datetime, datetime]]]:
    """Intervals, per machine id, in which a machine is closed (drawn grey)."""
    return {
        machine.id: [(period.from_, period.to) for period in machine.closed]
        for machine in schedule.machines
        if machine.closed
    }


def gantt_payload(schedule: Schedule) -> dict[str, Any]:
    """Everything the page shows, with instants as minutes from `t0`.

    `t0` is the planning start in minutes since the Unix epoch; `offsets` is
    a list of `[epoch minute, UTC offset in minutes]` pairs, each valid from
    its minute until the next one. An unknown zone name is a `ValueError`,
    as in every other report: a page silently drawn in UTC would put every
    bar and midnight line hours off.
    """
    zone = zone_of(schedule)
    t0 = _epoch_minute(schedule.start, zone)

    def minute(moment: datetime | None) -> int | None:
        return None if moment is None else _epoch_minute(moment, zone) - t0

    machines = _machines(schedule)
    machine_index = {machine.id: i for i, machine in enumerate(machines)}
    utilization = schedule.kpis.machine_utilization
    orders: list[list[Any]] = [
        [
            o.id,
            o.customer,
            o.product,
            o.priority,
            minute(o.due),
            minute(o.completion),
            o.lateness_minutes,
            minute(o.released),
        ]
        for o in schedule.orders
    ]
    order_index = {row[0]: i for i, row in enumerate(orders)}
    ops: list[list[Any]] = []
    for op in schedule.operations:
        if op.order not in order_index:
            # A hand-edited schedule may name an order it does not list.
            order_index[op.order] = len(orders)
            orders.append([op.order, None, None, 1, None, None, 0, None])
        ops.append(
            [
                order_index[op.order],
                op.operation,
                machine_index[op.machine],
                minute(op.start),
                minute(op.end),
                minute(op.setup_start),
                1 if op.running else 0,
                op.batch,
            ]
        )
    closed = [
        [machine_index[machine], minute(begin), minute(end)]
        for machine, intervals in closed_time(schedule).items()
        if machine in machine_index
        for begin, end in intervals
    ]
    instants = [m for row in ops for m in row[3:6] if m is not None]
    first, last = min(instants, default=0), max(instants, default=0)
    return {
        "version": PAYLOAD_VERSION,
        "title": schedule.scenario or "Schedule",
        "timezone": schedule.timezone,
        "t0": t0,
        "offsets": offset_changes(zone, t0 + min(first, 0), t0 + max(last, 0)),
        "status": schedule.status,
        "objective": dict(schedule.objective),
        "bound": dict(schedule.bound),
        "solver": schedule.solver.model_dump(include={"source", "seconds", "workers"})
        if schedule.solver
        else None,
        "kpis": schedule.kpis.model_dump(exclude={"machine_utilization"}),
        "machines": [
            [m.id, m.name, m.work_center, utilization.get(m.id)] for m in machines
        ],
        "orders": orders,
        "ops": ops,
        "closed": closed,
    }


def offset_changes(zone: ZoneInfo, first: int, last: int) -> list[list[int]]:
    """UTC offsets of `zone` between two epoch minutes, two days padded.

    Samples every hour and bisects each change to its minute: offsets change
    at most a few times a year, and never twice within an hour.
    """
    begin, end = first - 2 * 1440, last + 2 * 1440
    changes = [[begin, _offset(zone, begin)]]
    for at in range(begin + 60, end + 60, 60):
        if _offset(zone, at) != changes[-1][1]:
            low, high = at - 60, at  # offset(low) is the old one
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, middle) == changes[-1][1]:
                    low = middle
                else:
                    high = middle
            changes.append([high, _offset(zone, high)])
    return changes


def _machines(schedule: Schedule) -> list[ScheduledMachine]:
    """The listed machines, then any that only operations name (old files)."""
    machines = list(schedule.machines)
    known = {machine.id for machine in machines}
    for op in schedule.operations:
        if op.machine not in known:
            known.add(op.machine)
            machines.append(ScheduledMachine(id=op.machine))
    return machines


def _epoch_minute(moment: datetime, zone: ZoneInfo) -> int:
    return round(local(moment, zone).timestamp() / 60)


def _offset(zone: ZoneInfo, epoch_minute: int) -> int:
    moment = datetime.fromtimestamp(epoch_minute * 60, UTC).astimezone(zone)
    offset = moment.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)
