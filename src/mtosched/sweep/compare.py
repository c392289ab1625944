"""The comparison table: one line per variant, its best seed against the base.

What a planner reads first: weighted tardiness, late orders, on-time rate,
makespan and the most loaded machine, and how far each moved from `base`.
Every format (terminal, JSON, CSV, XLSX, HTML) shows these same lines.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mtosched.sweep.cells import SweepResult, SweepRow

#: The name of the variant that is the base alone.
BASE = "base"


@dataclass(frozen=True, slots=True)
class Comparison:
    """One variant's best seed; `delta_*` are this minus the base (None: n/a).

    For a variant without a schedule, the figures are None and `status`
    and `error` come from its first failed row.
    """

    variant: str
    seed: int | None
    status: str
    weighted_tardiness: int | None
    late_orders: int | None
    on_time_rate: float | None
    makespan_minutes: int | None
    busiest_machine: str | None
    busiest_utilization: float | None
    seconds: float
    delta_weighted_tardiness: int | None
    delta_late_orders: int | None
    delta_makespan_minutes: int | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The line as a JSON object (field names as above)."""
        return asdict(self)


def compare(result: SweepResult) -> list[Comparison]:
    """One `Comparison` per variant, in the order the variants were given."""
    base = result.best_row(BASE)
    lines = []
    for variant in result.variants:
        best = result.best_row(variant)
        if best is None:
            rows = [r for r in result.rows if r.variant == variant]
            lines.append(_failed(variant, rows))
        else:
            lines.append(_line(best, base))
    return lines


def _line(row: SweepRow, base: SweepRow | None) -> Comparison:
    kpis = row.kpis
    load: dict[str, float] = kpis.get("machine_utilization") or {}
    busiest = max(load, key=lambda m: (load[m], m)) if load else None

    def delta(name: str) -> int | None:
        if base is None:
            return None
        return int(kpis[name]) - int(base.kpis[name])

    return Comparison(
        variant=row.variant,
        seed=row.seed,
        status=row.status,
        weighted_tardiness=int(kpis["weighted_tardiness"]),
        late_orders=int(kpis["late_orders"]),
        on_time_rate=float(kpis["on_time_rate"]),
        makespan_minutes=int(kpis["makespan_minutes"]),
        busiest_machine=busiest,
        busiest_utilization=None if busiest is None else load[busiest],
        seconds=row.seconds,
        delta_weighted_tardiness=delta("weighted_tardiness"),
        delta_late_orders=delta("late_orders"),
        delta_makespan_minutes=delta("makespan_minutes"),
    )


def _failed(variant: str, rows: list[SweepRow]) -> Comparison:
    first = rows[0] if rows else None
    return Comparison(
        variant=variant,
        seed=None,
        status=first.status if first else "not run",
        weighted_tardiness=None,
        late_orders=None,
        on_time_rate=None,
        makespan_minutes=None,
        busiest_machine=None,
        busiest_utilization=None,
        seconds=sum(r.seconds for r in rows),
        delta_weighted_tardiness=None,
        delta_late_orders=None,
        delta_makespan_minutes=None,
        error=first.error if first else "interrupted before it ran",
    )
