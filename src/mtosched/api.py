"""The public API: the same four calls the CLI makes.

scenario = load_scenario("plant.json", "orders.json")
schedule = solve(scenario, SolveParams(time_limit=30))
report = check(build_problem(scenario), schedule)
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from mtosched.errors import InputError, Issue, NoScheduleFoundError
from mtosched.params import SolveParams, TimeAccount
from mtosched.problem import Problem, build_problem
from mtosched.problem.previous import PlannedOperation, PreviousPlan
from mtosched.problem.solution import Solution
from mtosched.scenario import Scenario
from mtosched.scenario.loading import validation_issues
from mtosched.schedule import (
    NeighbourhoodTiming,
    Schedule,
    SolverInfo,
    StageInfo,
    TimingInfo,
)
from mtosched.schedule_mapping import build_schedule, kpis_of, solution_from_schedule
from mtosched.verify.check import CheckReport
from mtosched.verify.check import check as check_solution


def solve(
    scenario: Scenario | Problem,
    params: SolveParams | None = None,
    *,
    now: datetime | None = None,
    previous: PreviousPlan | None = None,
    started: float | None = None,
) -> Schedule:
    """Schedule a scenario (or a compiled problem) and return the best plan.

    `previous` (see `previous_plan`) reschedules against last night's plan:
    frozen work keeps its place, the plan warm-starts the search and the
    `stability` term counts what moved. Raises `InputError` for unusable
    input, `InfeasibleError` when no plan meets the hard constraints and
    `NoScheduleFoundError` when none was found within the time limit. A
    `params.stop` request ends the solve early with the best schedule so
    far (`solver.interrupted`); `solver.timing` says where the time went.
    The time limit counts from `started` (a `time.monotonic()` value; by
    default the call), so that a caller can count reading the files too.
    With `params.portfolio` > 1 the solve is a portfolio of that many
    searches on Dask (`mtosched.sweep.portfolio`).
    """
    # Imported here: OR-Tools takes most of a second to load, and `validate`
    # and `check` must stay quick in CI loops over many files.
    from mtosched.cpsat import solve_problem

    began = time.monotonic() if started is None else started
    params = params or SolveParams()
    _refuse_hopeless_limit(scenario, params)
    if params.portfolio > 1:
        if not isinstance(scenario, Scenario):
            raise ValueError("a portfolio solve takes a Scenario, not a Problem")
        from mtosched.sweep.portfolio import solve_portfolio

        return solve_portfolio(
            scenario, params, now=now, previous=previous, started=began
        )
    account = TimeAccount()
    if isinstance(scenario, Problem):
        problem = scenario
    else:
        compiling = time.monotonic()
        problem = build_problem(scenario, now=now, previous=previous)
        account.compile = time.monotonic() - compiling
    _refuse_slow_first_schedule(problem, params, began)
    outcome = solve_problem(problem, params, account, began=began)
    checking = time.monotonic()
    report = check_solution(problem, outcome.solution)
    if not report.ok or report.evaluation is None:
        raise RuntimeError(
            "the solver produced a schedule that fails the independent check: "
            + "; ".join(report.violations)
        )
    account.check = time.monotonic() - checking
    account.total = time.monotonic() - began
    solver = SolverInfo(
        seconds=round(outcome.seconds, 3),
        workers=params.effective_workers,
        seed=params.seed,
        time_limit=params.time_limit,
        source=outcome.source,
        horizon=problem.instant(outcome.horizon),
        stages=[
            StageInfo(
                term=s.term,
                status=s.status,
                value=s.value,
                bound=s.bound,
                seconds=round(s.seconds, 3),
            )
            for s in outcome.stages
        ],
        dispatch_objective=dict(outcome.dispatch_objective),
        interrupted=outcome.interrupted,
        timing=timing_info(account),
    )
    bound = {s.term: s.bound for s in outcome.stages if s.bound is not None}
    return build_schedule(
        problem,
        outcome.solution,
        report.evaluation,
        status=outcome.status,
        bound=bound,
        solver=solver,
    )


#: Seconds a first schedule takes per order, compiling included (measured on
#: the 2-core machine: 250,000 orders compile in 66 s, and 1,390 orders of the
#: grown all-600 plant compile and dispatch in 1.8 s), and how far over the
#: time limit that estimate must be before a solve is refused outright.
_FIRST_SCHEDULE_SECONDS_PER_ORDER = 1e-3
_HOPELESS_FACTOR = 10.0


def _refuse_hopeless_limit(scenario: Scenario | Problem, params: SolveParams) -> None:
    """Fail at once when no first schedule can be made within the time limit.

    A 3 s limit on 250,000 orders would otherwise compile for a minute and
    more before it could even begin (issue 16); a CI job is better told at
    once which size the limit allows.
    """
    orders = len(scenario.orders)
    per_order = _FIRST_SCHEDULE_SECONDS_PER_ORDER
    needed = orders * per_order
    if needed > _HOPELESS_FACTOR * params.time_limit:
        fits = int(params.time_limit / per_order)
        raise NoScheduleFoundError(
            f"{orders} orders need about {needed:.0f} s for a first schedule, "
            f"far beyond the {params.time_limit:g} s limit (which fits about "
            f"{fits} orders): raise --time-limit"
        )


#: One list schedule's seconds per (operation x operation / machine): it
#: grows with the square of the work each machine holds (plant-40x5's
#: orders repeated, 8 machines: 4,250 operations 0.25 s, 42,500 13.6 s,
#: 212,500 300 s; the lowest of these rates, so that no solve that could
#: finish is refused).
_LIST_SCHEDULE_SECONDS_PER_SQUARED_TASK = 5e-8


#: Seconds over the limit a solve may take (issue 15: max(2 s, 3 %)).
_OVERRUN_ALLOWED = 2.0


def first_schedule_seconds(problem: Problem) -> float:
    """About how long one list schedule of `problem` takes, at the least."""
    tasks = len(problem.free_tasks)
    machines = max(1, len(problem.machines))
    return _LIST_SCHEDULE_SECONDS_PER_SQUARED_TASK * tasks * tasks / machines


def _refuse_slow_first_schedule(
    problem: Problem, params: SolveParams, began: float
) -> None:
    """Fail before the list schedule when even one cannot end within the limit.

    The first list schedule must finish (there is nothing to return
    without it), so a limit it cannot meet would be overrun by minutes:
    50,000 orders under a 60 s limit ran 320 s (benchmarks/RESULTS.md).
    The message names how many orders of this plant the limit fits.
    """
    left = params.time_limit - (time.monotonic() - began)
    needed = first_schedule_seconds(problem)
    # the contract allows max(2 s, 3 %) over the limit: a shorter schedule
    # may always run
    if needed <= max(left, _OVERRUN_ALLOWED, 0.03 * params.time_limit):
        return
    tasks, machines = len(problem.free_tasks), max(1, len(problem.machines))
    tasks_per_order = tasks / max(1, len(problem.orders))
    tasks_that_fit = (
        max(0.0, left) * machines / _LIST_SCHEDULE_SECONDS_PER_SQUARED_TASK
    ) ** 0.5
    fits = int(tasks_that_fit / max(tasks_per_order, 1e-9))
    raise NoScheduleFoundError(
        f"{len(problem.orders)} orders ({tasks} operations to place on "
        f"{machines} machine{'s' if machines != 1 else ''}) need about "
        f"{needed:.0f} s for a first schedule, beyond the {left:.0f} s the "
        f"{params.time_limit:g} s limit leaves after reading them (it fits "
        f"about {fits} orders of this plant): raise --time-limit"
    )


def timing_info(account: TimeAccount) -> TimingInfo:
    """The time account as the output contract writes it (seconds, rounded)."""

    def sec(value: float) -> float:
        return round(value, 3)

    return TimingInfo(
        compile=None if account.compile is None else sec(account.compile),
        dispatch=sec(account.dispatch),
        dispatch_runs=account.dispatch_runs,
        dispatch_accepted=account.dispatch_accepted,
        model_build=sec(account.model_build),
        presolve=sec(account.presolve),
        search=sec(account.search),
        full_model=account.full_model,
        relaxed_model=account.relaxed_model,
        relaxed=sec(account.relaxed),
        relaxed_presolve=sec(account.relaxed_presolve),
        relaxed_found=account.relaxed_found,
        relaxed_kept=account.relaxed_kept,
        neighbourhood=sec(account.neighbourhood),
        neighbourhood_steps=account.neighbourhood_steps,
        neighbourhood_accepted=account.neighbourhood_accepted,
        neighbourhood_kinds={
            kind: NeighbourhoodTiming(
                steps=int(steps), accepted=int(kept), seconds=sec(seconds)
            )
            for kind, (steps, kept, seconds) in sorted(
                account.neighbourhood_kinds.items()
            )
        },
        check=sec(account.check),
        total=sec(account.total),
    )


def check(
    problem: Problem | Scenario,
    solution: Solution | Schedule,
    *,
    now: datetime | None = None,
    previous: PreviousPlan | None = None,
) -> CheckReport:
    """Verify a solution or a schedule independently of the solver.

    For a `Schedule` the reported objective values and KPIs are recomputed
    and compared too, so a hand-edited or stale file is caught. For a
    scenario, `now` and `previous` compile it as `solve` did: with a
    previous plan, frozen work must not have moved.
    """
    if isinstance(problem, Scenario):
        problem = build_problem(problem, now=now, previous=previous)
    if isinstance(solution, Solution):
        return check_solution(problem, solution)
    mapped, mismatches = solution_from_schedule(problem, solution)
    if mapped is None:
        return CheckReport(tuple(mismatches), None)
    report = check_solution(problem, mapped)
    claims = list(mismatches)
    if report.evaluation is not None:
        for term, claimed in solution.objective.items():
            if term == "stability" and problem.baseline is None:
                continue  # only the previous schedule can tell; see check --previous
            actual = report.evaluation.terms[term]
            if claimed != actual:
                claims.append(
                    f"objective {term}: file says {claimed}, schedule gives {actual}"
                )
        kpis = kpis_of(problem, report.evaluation)
        if kpis.late_orders != solution.kpis.late_orders:
            claims.append(
                f"kpis.late_orders: file says {solution.kpis.late_orders}, "
                f"schedule gives {kpis.late_orders}"
            )
    return CheckReport(report.violations + tuple(claims), report.evaluation)


def previous_plan(
    schedule: Schedule | str | Path,
    *,
    freeze_hours: float | None = None,
    stability_tolerance: int = 0,
    add_stability: bool = True,
    source: str | None = None,
) -> PreviousPlan:
    """Last night's schedule (or its file) as the reference for tonight.

    `freeze_hours` keeps what it started before now + that many hours on
    its machine and start; `stability_tolerance` is how far (minutes) a
    start may shift and still count as unmoved; `add_stability` puts the
    `stability` term after `weighted_tardiness` when the objective lacks it.
    """
    if not isinstance(schedule, Schedule):
        source = source or str(schedule)
        schedule = read_schedule(schedule)
    operations = {
        (op.order, op.operation): PlannedOperation(op.machine, op.start, op.setup_start)
        for op in schedule.operations
    }
    return PreviousPlan(
        source=source or schedule.scenario or "previous schedule",
        operations=operations,
        freeze_hours=freeze_hours,
        stability_tolerance=stability_tolerance,
        add_stability=add_stability,
    )


def read_schedule(path: str | Path) -> Schedule:
    """Read a schedule JSON file; problems are `InputError`s with JSON paths."""
    label = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Issue(label, "", f"cannot read file: {exc}")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InputError(
            [Issue(label, "", f"{where}: invalid JSON: {exc.msg}")]
        ) from None
    try:
        return Schedule.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_issues(label, exc)) from None
