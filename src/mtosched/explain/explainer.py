"""`explain`: why an order completes when it does, and what would change it.

explanation = explain(scenario, schedule)            # every late order
explanation = explain(scenario, schedule, ["SO-2414"], what_if=False)

The schedule is verified against the scenario first: a schedule that does
not match its scenario cannot be explained (`ScheduleMismatchError`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from mtosched.api import check
from mtosched.errors import Issue, ScheduleMismatchError, UnknownOrderError
from mtosched.explain.chain import critical_chain
from mtosched.explain.describe import ClosureLookup, Describer
from mtosched.explain.levers import candidates
from mtosched.explain.occupancy import Occupancy
from mtosched.explain.plant import plant_view
from mtosched.explain.report import (
    Change,
    Explanation,
    NoChange,
    OrderExplanation,
    WhatIf,
)
from mtosched.explain.whatif import WhatIfRunner, change_key
from mtosched.params import SolveParams
from mtosched.problem import Problem, build_problem
from mtosched.problem.previous import PreviousPlan
from mtosched.problem.solution import Solution
from mtosched.scenario.models import Scenario
from mtosched.scenario.references import localize, scenario_zone
from mtosched.schedule import Schedule
from mtosched.schedule_mapping import solution_from_schedule
from mtosched.sweep.address import wants_cluster
from mtosched.verify.evaluate import evaluate


@dataclass(frozen=True, slots=True)
class ExplainParams:
    """How hard to try the what-if levers.

    `lever_time` is the time limit in seconds of each re-solve (the control
    and every lever); levers are tried for the first `what_if_orders` late
    orders explained. `workers` and `seed` are passed to the solver;
    `shift_minutes` is the length of an extra shift. `progress` hears one
    line per re-solve.

    With `parallel`, or a `cluster` address (or `MTOSCHED_CLUSTER` set),
    the control and every lever of every order tried are re-solved at once
    on Dask (a local cluster unless an address is given), each with
    `workers` CP-SAT workers (default 1), and then judged as one by one:
    the same answers, sooner when there are cores or hosts to spare.
    """

    lever_time: float = 10.0
    what_if_orders: int = 3
    workers: int | None = None
    seed: int = 0
    shift_minutes: int = 480
    progress: Callable[[str], None] | None = None
    cluster: str | None = None
    parallel: bool = False

    def __post_init__(self) -> None:
        if self.lever_time <= 0:
            raise ValueError("lever_time must be positive")
        if self.what_if_orders < 0:
            raise ValueError("what_if_orders must not be negative")
        if not 0 < self.shift_minutes < 1440:
            raise ValueError("shift_minutes must be between 1 and 1439")


def explain(
    problem_or_scenario: Problem | Scenario,
    schedule: Schedule | Solution,
    orders: Sequence[str] | None = None,
    *,
    what_if: bool = True,
    params: ExplainParams | None = None,
    now: datetime | None = None,
    previous: PreviousPlan | None = None,
) -> Explanation:
    """Explain the late orders of a schedule (or the named orders).

    With a `Scenario`, it is compiled at the schedule's start (or `now`),
    against `previous` when the schedule was rescheduled from one (see
    `previous_plan`: frozen work, `stability`), and the what-if levers can
    be tried, each re-solved against the same `previous`; with a compiled
    `Problem` they cannot (levers change the scenario). Raises `ScheduleMismatchError`
    when the schedule fails the independent check against the scenario,
    and `UnknownOrderError` (an `InputError`) for an order id that is not
    in the schedule.
    """
    params = params or ExplainParams()
    scenario = (
        problem_or_scenario if isinstance(problem_or_scenario, Scenario) else None
    )
    if isinstance(problem_or_scenario, Problem):
        problem = problem_or_scenario
    else:
        at = now or (schedule.start if isinstance(schedule, Schedule) else None)
        problem = build_problem(problem_or_scenario, now=at, previous=previous)
    solution = _verified(problem, schedule)
    evaluation = evaluate(problem, solution)
    outcomes = evaluation.outcomes
    index = {o.id: k for k, o in enumerate(problem.orders)}
    late = sorted(
        (k for k, outcome in enumerate(outcomes) if outcome.tardiness > 0),
        key=lambda k: (-outcomes[k].tardiness, problem.orders[k].id),
    )
    chosen = _chosen(orders, index, scenario) if orders is not None else late
    occ = Occupancy(problem, solution)
    describer = Describer(occ, _closure_lookup(scenario, problem))
    explained: dict[int, OrderExplanation] = {}
    for k in dict.fromkeys([*chosen, *late]):
        explained[k] = describer.order(critical_chain(occ, k), outcomes[k])
    notes: list[str] = []
    seconds = 0.0
    if what_if:
        runner = _runner(scenario, schedule, params, notes, previous)
        if runner is not None and wants_cluster(
            params.cluster, parallel=params.parallel
        ):
            tried_first = [k for k in chosen if outcomes[k].tardiness > 0]
            trying = [explained[k] for k in tried_first[: params.what_if_orders]]
            _solve_ahead(runner, problem, trying, params)
        tried = 0
        for k in chosen:
            if outcomes[k].tardiness <= 0:
                continue
            if runner is None or tried >= params.what_if_orders:
                why = "not tried: " + (
                    notes[0] if runner is None else "what-if order limit reached"
                )
                explained[k] = explained[k].model_copy(
                    update={"what_if": WhatIf(note=why)}
                )
                continue
            tried += 1
            explained[k] = _levers(runner, problem, explained[k], params)
        seconds = runner.seconds if runner is not None else 0.0
    return Explanation(
        scenario=problem.name,
        start=problem.instant(0),
        timezone=problem.timezone,
        late_orders=len(late),
        orders=[explained[k] for k in chosen],
        plant=plant_view(problem, [explained[k] for k in late], evaluation.utilization),
        what_if_seconds=round(seconds, 2),
        notes=notes,
    )


def _verified(problem: Problem, schedule: Schedule | Solution) -> Solution:
    """The schedule as a solution of the problem, or `ScheduleMismatchError`."""
    report = check(problem, schedule)
    if not report.ok:
        raise ScheduleMismatchError(list(report.violations))
    if isinstance(schedule, Solution):
        return schedule
    solution, problems = solution_from_schedule(problem, schedule)
    if solution is None:  # check found these too; kept for the type checker
        raise ScheduleMismatchError(problems)
    return solution


def _chosen(
    orders: Sequence[str], index: dict[str, int], scenario: Scenario | None
) -> list[int]:
    """Indices of the named orders; unknown or unscheduled ones are input errors."""
    issues = []
    statuses = {o.id: o.status for o in scenario.orders} if scenario else {}
    for name in orders:
        if name in index:
            continue
        if name in statuses:
            why = (
                f"order '{name}' is not scheduled ({statuses[name]})"
                if statuses[name] != "confirmed"
                else f"order '{name}' is finished: every operation is done"
            )
        else:
            why = f"no order '{name}' in the schedule"
        issues.append(Issue("orders", "", why))
    if issues:
        raise UnknownOrderError(issues)
    return [index[name] for name in dict.fromkeys(orders)]


def _runner(
    scenario: Scenario | None,
    schedule: Schedule | Solution,
    params: ExplainParams,
    notes: list[str],
    previous: PreviousPlan | None,
) -> WhatIfRunner | None:
    if scenario is None or not isinstance(schedule, Schedule):
        notes.append("what-if levers need the scenario and a schedule")
        return None
    solve_params = SolveParams(
        time_limit=params.lever_time, workers=params.workers, seed=params.seed
    )
    return WhatIfRunner(
        scenario, schedule, solve_params, previous=previous, progress=params.progress
    )


def _solve_ahead(
    runner: WhatIfRunner,
    problem: Problem,
    trying: list[OrderExplanation],
    params: ExplainParams,
) -> None:
    """The control and every order's levers, re-solved at once on the cluster.

    Each distinct change once: the loop that follows judges them per order
    exactly as it judges the re-solves it makes itself.
    """
    if not trying:
        return
    changes: dict[str, Change] = {change_key(NoChange()): NoChange()}
    for explained in trying:
        for change in candidates(problem, explained, params.shift_minutes)[0]:
            changes.setdefault(change_key(change), change)
    runner.solve_all(list(changes.values()), params.cluster)


def _levers(
    runner: WhatIfRunner,
    problem: Problem,
    explained: OrderExplanation,
    params: ExplainParams,
) -> OrderExplanation:
    changes, skipped = candidates(problem, explained, params.shift_minutes)
    results = [runner.control(explained.order)]
    results += [runner.lever(change, explained.order) for change in changes]
    note = "; ".join(skipped) if skipped else None
    return explained.model_copy(update={"what_if": WhatIf(levers=results, note=note)})


def _closure_lookup(
    scenario: Scenario | None, problem: Problem
) -> ClosureLookup | None:
    """Reasons of the dated closures of owners' calendars within a window."""
    if scenario is None:
        return None
    zone = scenario_zone(scenario) or ZoneInfo("UTC")
    owner_calendar = {m.id: m.calendar for m in scenario.machines}
    owner_calendar.update({r.id: r.calendar for r in scenario.resources})
    calendars = {c.id: c for c in scenario.calendars}

    def lookup(owners: list[str], first: int, last: int) -> list[str]:
        found: list[str] = []
        for owner in owners:
            calendar = calendars.get(owner_calendar.get(owner) or "")
            for closure in calendar.closures if calendar else []:
                begin = problem.minute(localize(closure.from_, zone))
                end = problem.minute(localize(closure.to, zone))
                reason = closure.reason or "closure"
                if begin < last and end > first and reason not in found:
                    found.append(reason)
        return found

    return lookup
