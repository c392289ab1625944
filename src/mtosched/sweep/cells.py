"""A sweep's cells (variant x seed), their rows, and the key that caches them.

A cell's key is the SHA-256 of everything that decides its answer: the
merged scenario as canonical JSON, the solve parameters, the seed and the
mtosched version. A rerun with the same key reuses the stored row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from mtosched.errors import Issue
from mtosched.params import SearchParams
from mtosched.problem.previous import PreviousPlan
from mtosched.schedule import Schedule

#: A row's status: the schedule's, or why there is none.
RowStatus = Literal["optimal", "feasible", "invalid", "infeasible", "unknown", "error"]
#: The contract's exit code for each status ("error": an internal error or
#: a task lost with its workers).
STATUS_EXIT: dict[str, int] = {
    "optimal": 0,
    "feasible": 0,
    "invalid": 1,
    "infeasible": 3,
    "unknown": 4,
    "error": 70,
}
#: Exit code of a sweep in which some cells failed and others succeeded.
EXIT_PARTIAL = 6
#: Failures that a rerun would repeat, so they are cached like successes.
CACHED_STATUSES = frozenset({"optimal", "feasible", "invalid", "infeasible"})


@dataclass(frozen=True, slots=True)
class SweepRow:
    """One cell's outcome: objective terms and KPIs, or the error.

    `seconds` is the solve's wall time in the worker (0 for a cell that
    never ran); `cached` says it came from an earlier run's results.
    """

    variant: str
    seed: int
    status: RowStatus
    objective: dict[str, int] = field(default_factory=dict)
    kpis: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    key: str = ""
    cached: bool = False

    @property
    def ok(self) -> bool:
        """Whether the cell produced a schedule."""
        return STATUS_EXIT[self.status] == 0

    @property
    def exit_code(self) -> int:
        """The exit code a `schedule` run of this cell would have ended with."""
        return STATUS_EXIT[self.status]

    def to_json(self) -> dict[str, Any]:
        """The row as `summary.json` holds it (the documented keys only)."""
        return {
            "variant": self.variant,
            "seed": self.seed,
            "status": self.status,
            "objective": dict(self.objective),
            "kpis": dict(self.kpis),
            "seconds": self.seconds,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], key: str) -> SweepRow:
        """A row read back from the cache (marked `cached`)."""
        return cls(
            variant=str(data["variant"]),
            seed=int(data["seed"]),
            status=data["status"],
            objective={str(k): int(v) for k, v in data["objective"].items()},
            kpis=dict(data["kpis"]),
            seconds=float(data["seconds"]),
            error=data["error"],
            key=key,
            cached=True,
        )


@dataclass(frozen=True, slots=True)
class CellTask:
    """What travels to a worker: the scenario as JSON text, and how to solve.

    Plain data, so that a worker on another host needs no shared folder,
    only the same mtosched installed.
    """

    variant: str
    seed: int
    key: str
    scenario_json: str
    time_limit: float
    workers: int
    search: SearchParams = field(default_factory=SearchParams)
    now: datetime | None = None
    previous: PreviousPlan | None = None


@dataclass(frozen=True, slots=True)
class CellOutcome:
    """What comes back: the row, the schedule JSON, and a failure's details.

    `reasons` (infeasible) and `issues` (invalid) let a caller raise the
    same typed error a plain solve would have raised.
    """

    row: SweepRow
    schedule_json: str | None = None
    reasons: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()


def canonical_json(data: Any) -> str:
    """Sorted keys, no spaces: equal data gives equal text, hence equal keys."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def cell_key(
    scenario_json: str,
    *,
    seed: int,
    time_limit: float,
    workers: int,
    search: SearchParams,
    version: str,
) -> str:
    """The SHA-256 hex digest of a cell's inputs and parameters."""
    scenario = json.loads(scenario_json)
    settings = {
        "seed": seed,
        "time_limit": time_limit,
        "workers": workers,
        "search": asdict(search),
        "mtosched": version,
    }
    text = canonical_json({"scenario": scenario, "settings": settings})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class SweepResult:
    """All rows of a sweep, the best seed of each variant and its schedule.

    `rows` are in the order variants and seeds were given; `best` maps a
    variant to its best seed (lexicographic objective; variants without a
    schedule are absent); `interrupted` says the sweep was stopped before
    every cell ran.
    """

    rows: tuple[SweepRow, ...]
    best: dict[str, int]
    schedules: dict[str, Schedule]
    variants: tuple[str, ...]
    interrupted: bool = False

    @property
    def failed(self) -> tuple[SweepRow, ...]:
        """Rows without a schedule."""
        return tuple(row for row in self.rows if not row.ok)

    @property
    def exit_code(self) -> int:
        """0 all cells ok; 6 some failed; a failure's own code when all did.

        When every cell failed, the first row's code (the base's first seed)
        is the sweep's, as if that cell had been run with `schedule`.
        """
        if not self.failed:
            return 0
        if len(self.failed) < len(self.rows):
            return EXIT_PARTIAL
        return self.rows[0].exit_code

    def best_row(self, variant: str) -> SweepRow | None:
        """The row of the variant's best seed, or None when none succeeded."""
        seed = self.best.get(variant)
        for row in self.rows:
            if row.variant == variant and row.seed == seed:
                return row
        return None

    def summary(self) -> str:
        """One line for logs."""
        ok = len(self.rows) - len(self.failed)
        stopped = ", interrupted" if self.interrupted else ""
        return (
            f"{len(self.variants)} variants, {len(self.rows)} cells: {ok} ok, "
            f"{len(self.failed)} failed{stopped}"
        )

    def to_json(self) -> dict[str, Any]:
        """`summary.json`: every row and the best seed per variant."""
        return {"rows": [row.to_json() for row in self.rows], "best": dict(self.best)}
