"""The schedule output contract: instants with offsets, lateness, KPIs.

`Schedule` is what `solve` returns, what `-o plan.json` writes and what
`mtosched check` reads back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from mtosched.problem.model import Placement, Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.models import Instant, ObjectiveTerm
from mtosched.verify.evaluate import Evaluation, moved_tasks
from mtosched.verify.sequences import changeovers

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
    whether it ran or why not.
    """

    compile: float | None = None
    dispatch: float
    dispatch_runs: int = Field(description="Dispatch runs: rules and search steps.")
    dispatch_accepted: int = Field(description="Search steps kept (no worse).")
    model_build: float
    presolve: float
    search: float
    full_model: str
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


def kpis_of(problem: Problem, evaluation: Evaluation) -> Kpis:
    """KPIs from a recomputed evaluation (never from solver internals)."""
    outcomes = evaluation.outcomes
    late = sum(1 for o in outcomes if o.lateness > 0)
    return Kpis(
        orders=len(outcomes),
        late_orders=late,
        on_time_rate=round(1 - late / len(outcomes), 4) if outcomes else 1.0,
        total_tardiness_minutes=sum(o.tardiness for o in outcomes),
        max_tardiness_minutes=max((o.tardiness for o in outcomes), default=0),
        max_lateness_minutes=max((o.lateness for o in outcomes), default=0),
        weighted_tardiness=evaluation.terms["weighted_tardiness"],
        total_flow_time_minutes=evaluation.terms["flow_time"],
        makespan_minutes=evaluation.terms["makespan"],
        machine_utilization=evaluation.utilization,
    )


def build_schedule(
    problem: Problem,
    solution: Solution,
    evaluation: Evaluation,
    *,
    status: ScheduleStatus,
    bound: dict[ObjectiveTerm, int] | None = None,
    solver: SolverInfo | None = None,
) -> Schedule:
    """Turn placements in minutes into the output contract."""
    instant = problem.instant
    orders = [
        ScheduledOrder(
            id=order.id,
            customer=order.customer,
            product=order.product,
            priority=order.priority,
            released=instant(order.released),
            due=instant(order.due),
            completion=instant(outcome.completion),
            lateness_minutes=outcome.lateness,
            tardiness_minutes=outcome.tardiness,
        )
        for order, outcome in zip(problem.orders, evaluation.outcomes, strict=True)
    ]
    # one changeover per batch, its start written on every member (rule 18)
    setups = {
        t: problem.setup_start(
            solution.placements[c.task].machine,
            solution.placements[c.task].start,
            c.minutes,
        )
        for c in changeovers(problem, solution)
        for t in c.served
    }
    indexed = sorted(
        enumerate(solution.placements),
        key=lambda item: (item[1].machine, item[1].start, item[0]),
    )
    batches = batch_ids(problem, solution)
    operations = [
        ScheduledOperation(
            order=problem.orders[problem.tasks[t].order].id,
            operation=problem.tasks[t].operation,
            machine=problem.machines[place.machine].id,
            setup_start=instant(setups[t]) if t in setups else None,
            start=instant(place.start),
            end=instant(place.end),
            running=problem.tasks[t].running,
            frozen=problem.tasks[t].frozen,
            batch=batches.get(t),
        )
        for t, place in indexed
    ]
    return Schedule(
        scenario=problem.name,
        start=problem.instant(0),
        timezone=problem.timezone,
        status=status,
        objective={term: evaluation.terms[term] for term in problem.objective},
        bound=bound or {},
        solver=solver,
        machines=[
            ScheduledMachine(
                id=m.id,
                name=m.name,
                work_center=m.work_center,
                closed=_closed(problem, m.calendar, solution),
            )
            for m in problem.machines
        ],
        orders=orders,
        operations=operations,
        kpis=kpis_of(problem, evaluation),
        previous=_previous_info(problem, solution),
    )


def batch_ids(problem: Problem, solution: Solution) -> dict[int, str]:
    """Each task on a batch machine: its batch's id, `MACHINE/k` by start.

    The tasks of a batch share machine and start, and batches on one
    machine never overlap, so the start names the batch (rule 20).
    """
    starts: dict[int, set[int]] = {}
    for place in solution.placements:
        if problem.machines[place.machine].batches:
            starts.setdefault(place.machine, set()).add(place.start)
    number = {
        (machine, start): k
        for machine, found in starts.items()
        for k, start in enumerate(sorted(found), start=1)
    }
    ids: dict[int, str] = {}
    for t, place in enumerate(solution.placements):
        k = number.get((place.machine, place.start))
        if k is not None:
            ids[t] = f"{problem.machines[place.machine].id}/{k}"
    return ids


def _previous_info(problem: Problem, solution: Solution) -> PreviousInfo | None:
    baseline = problem.baseline
    if baseline is None:
        return None
    return PreviousInfo(
        source=baseline.source,
        freeze_until=(
            problem.instant(baseline.freeze_until)
            if baseline.freeze_until is not None
            else None
        ),
        stability_tolerance_minutes=baseline.tolerance,
        planned_operations=len(baseline.planned),
        frozen_operations=sum(1 for task in problem.tasks if task.frozen),
        moved_operations=len(moved_tasks(problem, solution)),
        notes=list(baseline.notes),
    )


def _closed(
    problem: Problem, calendar: int | None, solution: Solution
) -> list[ClosedPeriod]:
    """The gaps between a calendar's working periods, up to the last end."""
    if calendar is None:
        return []
    last = max((p.end for p in solution.placements), default=0)
    closed, cursor = [], 0
    for start, end in problem.calendars[calendar].periods:
        if end <= 0:
            continue
        if start > cursor:
            closed.append((cursor, min(start, last)))
        cursor = max(cursor, end)
        if cursor >= last:
            break
    if cursor < last:
        closed.append((cursor, last))
    return [
        ClosedPeriod(from_=problem.instant(a), to=problem.instant(b))
        for a, b in closed
        if b > a
    ]


def solution_from_schedule(
    problem: Problem, schedule: Schedule
) -> tuple[Solution | None, list[str]]:
    """Map a schedule read from JSON back onto the problem's tasks.

    Returns the solution (None when tasks are missing or unknown) and the
    mismatches found, phrased as violations.
    """
    problems: list[str] = []
    placements: list[Placement | None] = [None] * len(problem.tasks)
    machine_index = {m.id: i for i, m in enumerate(problem.machines)}
    for k, op in enumerate(schedule.operations):
        where = f"operations[{k}] ({op.order}/{op.operation})"
        t = problem.task_index.get((op.order, op.operation))
        if t is None:
            problems.append(f"{where}: no such operation to schedule")
            continue
        if op.machine not in machine_index:
            problems.append(f"{where}: unknown machine '{op.machine}'")
            continue
        if placements[t] is not None:
            problems.append(f"{where}: scheduled twice")
            continue
        placements[t] = Placement(
            machine_index[op.machine],
            _minute(problem, op.start),
            _minute(problem, op.end),
        )
    for t, place in enumerate(placements):
        if place is None:
            task = problem.tasks[t]
            problems.append(
                f"{problem.orders[task.order].id}/{task.operation}: not scheduled"
            )
    problems.extend(batch_id_mismatches(problem, schedule))
    if any(p is None for p in placements):
        return None, problems
    return Solution(tuple(p for p in placements if p is not None)), problems


def batch_id_mismatches(problem: Problem, schedule: Schedule) -> list[str]:
    """Where a schedule's `batch` ids disagree with who runs together (rule 20).

    Operations that share machine and start on a batch machine are one
    batch, and one id names exactly them: same machine, start and end, and
    one `setup_start` (or none) for all.
    """
    found: list[str] = []
    batching = {m.id for m in problem.machines if m.batches}
    first_of_id: dict[str, int] = {}
    id_at: dict[tuple[str, int], tuple[str, int]] = {}
    for k, op in enumerate(schedule.operations):
        where = f"operations[{k}] ({op.order}/{op.operation})"
        if op.machine not in batching:
            if op.batch is not None:
                found.append(
                    f"{where}: carries batch '{op.batch}' but {op.machine} is not "
                    "a batch machine (rule 20)"
                )
            continue
        if op.batch is None:
            found.append(
                f"{where}: runs on batch machine {op.machine} without a batch id "
                "(rule 20)"
            )
            continue
        if op.batch in first_of_id:
            j = first_of_id[op.batch]
            first = schedule.operations[j]
            differ = [
                field
                for field, mine, theirs in (
                    ("machine", op.machine, first.machine),
                    ("start", _minute(problem, op.start),
                     _minute(problem, first.start)),
                    ("end", _minute(problem, op.end), _minute(problem, first.end)),
                    ("setup_start", _maybe(problem, op.setup_start),
                     _maybe(problem, first.setup_start)),
                )
                if mine != theirs
            ]  # fmt: skip
            if differ:
                found.append(
                    f"{where}: in batch '{op.batch}' with operations[{j}] but a "
                    f"different {' and '.join(differ)} (rules 18 and 20)"
                )
        else:
            first_of_id[op.batch] = k
        slot = (op.machine, _minute(problem, op.start))
        other = id_at.setdefault(slot, (op.batch, k))
        if other[0] != op.batch:
            found.append(
                f"{where}: starts on {op.machine} with operations[{other[1]}], so "
                f"they are one batch, but their ids differ ('{op.batch}', "
                f"'{other[0]}') (rule 20)"
            )
    return found


def _maybe(problem: Problem, moment: datetime | None) -> int | None:
    return None if moment is None else _minute(problem, moment)


def _minute(problem: Problem, moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(problem.timezone))
    return problem.minute(moment)


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
