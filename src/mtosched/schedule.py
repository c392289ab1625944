"""The schedule output contract: instants with offsets, lateness, KPIs.

`Schedule` is what `solve` returns, what `-o plan.json` writes and what
`mtosched check` reads back; `schedule_mapping.py` builds it from a solution
and maps it back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from mtosched.scenario.fields import Instant, ObjectiveTerm

ScheduleStatus = Literal["optimal", "feasible", "infeasible", "unknown"]


class _Output(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ScheduledOrder(_Output):
    """One order's outcome; minutes are signed (negative lateness = early)."""

    id: str
    customer: str | None = None
    product: str | None = None
    priority: int = 1
    released: Instant | None = None
    due: Instant
    completion: Instant
    lateness_minutes: int
    tardiness_minutes: int


class ScheduledOperation(_Output):
    """One operation placed on a machine; busy from `setup_start` (or `start`)."""

    order: str
    operation: str
    machine: str
    setup_start: Instant | None = None
    start: Instant
    end: Instant
    running: bool = Field(default=False, description="Already running at start.")
    frozen: bool = Field(
        default=False, description="Kept from the previous plan's frozen horizon."
    )
    batch: str | None = Field(
        default=None,
        description="On a batch machine: the batch's id; operations with the "
        "same id run together (rule 20).",
    )


class ClosedPeriod(_Output):
    """Time in which a machine does not work (outside shifts, closures)."""

    from_: Instant = Field(alias="from")
    to: Instant

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class ScheduledMachine(_Output):
    """A machine as reports show it: grouped by work centre, closed time."""

    id: str
    name: str | None = None
    work_center: str | None = None
    closed: list[ClosedPeriod] = Field(
        default=[], description="Non-working time from start to the last end."
    )


class Kpis(_Output):
    """Plant-level indicators for the summary and for CI gates."""

    orders: int
    late_orders: int
    on_time_rate: float
    total_tardiness_minutes: int
    max_tardiness_minutes: int = 0
    max_lateness_minutes: int
    weighted_tardiness: int = 0
    total_flow_time_minutes: int = 0
    makespan_minutes: int = 0
    machine_utilization: dict[str, float] = {}


class StageInfo(_Output):
    """How one lexicographic stage of the solve ended."""

    term: ObjectiveTerm
    status: Literal["optimal", "feasible", "unknown"]
    value: int
    bound: int | None = None
    seconds: float


class NeighbourhoodTiming(_Output):
    """Neighbourhood steps of one kind: tried, kept, and their seconds."""

    steps: int
    accepted: int
    seconds: float


class TimingInfo(_Output):
    """Where the seconds of the solve went, phase by phase (for tuning).

    `compile` is None when the caller passed a compiled problem. `presolve`
    and `search` are CP-SAT's time on the full model; `full_model` says
    whether it ran or why not, and `relaxed_model` the same of the
    whole-plant pass with changeovers in elapsed time (`relaxed`: its
    seconds, presolve included; `relaxed_found`: schedules it found;
    `relaxed_kept`: replays of them that were better).
    """

    compile: float | None = None
    dispatch: float
    dispatch_runs: int = Field(description="Dispatch runs: rules and search steps.")
    dispatch_accepted: int = Field(description="Search steps kept (no worse).")
    model_build: float
    presolve: float
    search: float
    full_model: str
    relaxed_model: str = "not run"
    relaxed: float = 0.0
    relaxed_presolve: float = 0.0
    relaxed_found: int = 0
    relaxed_kept: int = 0
    neighbourhood: float
    neighbourhood_steps: int
    neighbourhood_accepted: int
    neighbourhood_kinds: dict[str, NeighbourhoodTiming] = {}
    check: float
    total: float


class SolverInfo(_Output):
    """The run's settings and effort, to reproduce or compare runs."""

    seconds: float
    workers: int
    seed: int
    time_limit: float
    source: Literal["cp-sat", "dispatch", "input"] = "cp-sat"
    horizon: Instant | None = Field(
        default=None,
        description="The model's horizon: 'optimal' is among schedules ending by it.",
    )
    stages: list[StageInfo] = []
    dispatch_objective: dict[ObjectiveTerm, int] = {}
    interrupted: bool = Field(
        default=False,
        description="Stopped early on request (Ctrl-C, SIGTERM): the best "
        "schedule found until then.",
    )
    timing: TimingInfo | None = None


class PreviousInfo(_Output):
    """How this plan relates to the previous one it was rescheduled from."""

    source: str = Field(description="The previous schedule (file name).")
    freeze_until: Instant | None = Field(
        default=None, description="End of the frozen horizon; none when not frozen."
    )
    stability_tolerance_minutes: int = 0
    planned_operations: int = Field(
        description="Operations of the previous plan still to place tonight."
    )
    frozen_operations: int
    moved_operations: int = Field(
        description="Planned operations on another machine or moved beyond tolerance."
    )
    notes: list[str] = []


class Schedule(_Output):
    """A machine schedule with its objective values, bounds and KPIs."""

    scenario: str | None = None
    start: Instant
    timezone: str = "UTC"
    status: ScheduleStatus
    objective: dict[ObjectiveTerm, int]
    bound: dict[ObjectiveTerm, int] = {}
    solver: SolverInfo | None = None
    machines: list[ScheduledMachine] = []
    orders: list[ScheduledOrder]
    operations: list[ScheduledOperation]
    kpis: Kpis
    previous: PreviousInfo | None = None

    @property
    def late_orders(self) -> list[ScheduledOrder]:
        """Orders that complete after their due date, latest first."""
        late = [o for o in self.orders if o.tardiness_minutes > 0]
        return sorted(late, key=lambda o: -o.tardiness_minutes)

    def gap(self, term: ObjectiveTerm) -> float | None:
        """Relative gap of a term to its proved bound (CP-SAT's definition)."""
        if term not in self.bound:
            return None
        value = self.objective[term]
        return abs(value - self.bound[term]) / max(1, abs(value))

    def summary(self) -> str:
        """One line for logs: status, objective terms and late orders."""
        terms = ", ".join(f"{k}={v}" for k, v in self.objective.items())
        return (
            f"{self.status}: {terms}; {self.kpis.late_orders} of "
            f"{self.kpis.orders} orders late"
        )


# --- time zones: every report and `diff` read a schedule's instants so ---


def zone_of(schedule: Schedule) -> ZoneInfo:
    """The schedule's time zone; a hand-edited unknown name is a `ValueError`."""
    try:
        return ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a tzdata folder such as "Europe" is not a zone (it crashed
        # `show` and `diff` with IsADirectoryError before).
        raise ValueError(f"unknown time zone '{schedule.timezone}'") from None


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` in `zone`; a naive instant is already wall-clock in `zone`."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` in UTC, the safe form to sort, compare and subtract.

    Aware datetimes that share a tzinfo compare as wall-clock times, which
    misorders the repeated autumn hour; naive ones cannot be compared with
    aware ones at all.
    """
    return local(moment, zone).astimezone(UTC)
