"""The plant view: which machines and crews the late orders waited at.

Over the chains of *every* late order (not only the ones asked about), each
waiting cause is charged to where it happened:

* `machine_busy`, `changeover`, `running_work`, `frozen_plan`,
  `batch_wait`: the machine of the waiting operation (a load that waits
  for its last member is a cost of batching at that machine);
* `non_working`: that machine when its own calendar was closed, else the
  first closed resource (a crew off shift while the machine works);
* `resource`: the resource.

Release dates, minimum waits, materials and idle time belong to no
machine. A row's `lateness_minutes` sums the causes' shares of tardiness
(`describe.py`), so over all rows it is at most the total tardiness.
Rows come out by lateness caused, then by load (utilization, as the
schedule reports it).
"""

from __future__ import annotations

from collections.abc import Iterable

from mtosched.explain.report import Cause, OrderExplanation, PlantRow
from mtosched.problem.model import Problem

_AT_MACHINE = {
    "machine_busy",
    "changeover",
    "running_work",
    "frozen_plan",
    "batch_wait",
}


def _where(cause: Cause, machine: str, resources: set[str]) -> tuple[str, str] | None:
    """(kind, id) the cause is charged to, or None."""
    if cause.kind in _AT_MACHINE:
        return "machine", machine
    if cause.kind == "resource" and cause.resource is not None:
        return "resource", cause.resource
    if cause.kind == "non_working":
        if machine in cause.closed or not cause.closed:
            return "machine", machine
        closed = [c for c in cause.closed if c in resources]
        return ("resource", closed[0]) if closed else ("machine", machine)
    return None


def plant_view(
    problem: Problem,
    late: Iterable[OrderExplanation],
    utilization: dict[str, float],
) -> list[PlantRow]:
    """Rows for every machine and resource, most lateness caused first."""
    resources = {r.id for r in problem.resources}
    waiting: dict[tuple[str, str], int] = {}
    share: dict[tuple[str, str], int] = {}
    orders: dict[tuple[str, str], list[str]] = {}
    for explained in late:
        for step in explained.chain:
            for cause in step.causes:
                where = _where(cause, step.machine, resources)
                if where is None:
                    continue
                waiting[where] = waiting.get(where, 0) + cause.minutes
                share[where] = share.get(where, 0) + cause.lateness_share
                seen = orders.setdefault(where, [])
                if explained.order not in seen:
                    seen.append(explained.order)
    rows = [
        PlantRow(
            id=m.id,
            kind="machine",
            name=m.name,
            utilization=utilization.get(m.id),
            waiting_minutes=waiting.get(("machine", m.id), 0),
            lateness_minutes=share.get(("machine", m.id), 0),
            late_orders=orders.get(("machine", m.id), []),
        )
        for m in problem.machines
    ]
    rows += [
        PlantRow(
            id=r.id,
            kind="resource",
            waiting_minutes=waiting.get(("resource", r.id), 0),
            lateness_minutes=share.get(("resource", r.id), 0),
            late_orders=orders.get(("resource", r.id), []),
        )
        for r in problem.resources
    ]
    return sorted(
        rows,
        key=lambda row: (
            -row.lateness_minutes,
            -row.waiting_minutes,
            -(row.utilization or 0.0),
            row.id,
        ),
    )
