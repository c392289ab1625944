"""Between a solution in minutes and the schedule contract, both ways.

`build_schedule` turns a checked solution into a `Schedule` (instants with
offsets, per-order lateness, KPIs recomputed by the evaluator);
`solution_from_schedule` maps a schedule read from JSON back onto a
problem's tasks, so that `check`, `explain` and `--previous` can judge it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.schedule import (
    ClosedPeriod,
    Kpis,
    PreviousInfo,
    Schedule,
    ScheduledMachine,
    ScheduledOperation,
    ScheduledOrder,
    ScheduleStatus,
    SolverInfo,
)
from mtosched.verify.evaluate import Evaluation, moved_tasks
from mtosched.verify.sequences import changeovers


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
