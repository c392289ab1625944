"""Lexicographic solving: one stage per objective term, within one time limit.

First the dispatch portfolio (rules, then a search over order keys) gives a
schedule; it hints CP-SAT and is the fallback. On a mid-sized plant whose
key search stalls, the whole-plant pass (relaxed.py) improves it on a
lighter model whose schedules are replayed exactly. Then stage k minimizes
term k with every earlier term bounded by the value it reached: on the
full CP-SAT model while that is small enough, followed by neighbourhood
search on larger plants; a plant whose full model would be too large goes
straight to neighbourhood search. A `TimeAccount` records where the time
went.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from mtosched.cpsat.batch_rules import unmodelled
from mtosched.cpsat.bounds import Windows, compute_windows
from mtosched.cpsat.diagnose import impossible_deadlines
from mtosched.cpsat.lns import improve
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.relaxed import RelaxedResult, relaxed_pass
from mtosched.cpsat.resequence import has_machine_choice, resequence
from mtosched.cpsat.size import changeover_arcs
from mtosched.cpsat.stages import (
    NeighbourhoodSearch,
    StageResult,
    StageRunner,
)
from mtosched.errors import InfeasibleError
from mtosched.heuristic.climb import ClimbSettings
from mtosched.heuristic.portfolio import ImprovementCallback, best_dispatch, steps_for
from mtosched.params import SolveParams, SolveProgress, TimeAccount
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.verify.evaluate import evaluate

__all__ = ["SolveOutcome", "StageResult", "solve_problem"]

#: Terms whose mid-sized flexible shops hand over to sequence-keeping
#: neighbourhoods (resequence.py). Measured on makespan only; on job shops
#: without machine choices it lost to the full model (ta01-10: 0.7 % mean
#: gap against 0.2 %, benchmarks/RESULTS.md).
RESEQUENCE_TERMS: frozenset[ObjectiveTerm] = frozenset({"makespan"})


def _follow_up(
    problem: Problem, term: ObjectiveTerm, params: SolveParams
) -> tuple[float, NeighbourhoodSearch | None]:
    """The full model's share of a stage, and the search that gets the rest.

    Large plants pin the tasks outside a neighbourhood in time (lns.py), and
    so do mid-sized ones on every term but makespan; smaller flexible shops
    on makespan keep machine sequences (resequence.py); everything else is
    the full model's alone.
    """
    free = len(problem.free_tasks)
    search = params.search
    if term in RESEQUENCE_TERMS:
        if free >= search.makespan_lns_min_tasks:
            return search.makespan_full_model_share, improve
        if has_machine_choice(problem):
            return search.resequence_full_share, resequence
        return 1.0, None
    if free >= search.lns_min_tasks:
        return search.full_model_share, improve
    return 1.0, None


def _wants_full_model(problem: Problem, params: SolveParams) -> str | None:
    """Why the full model is not built, or None when it is.

    Its changeover circuits grow with the square of the tasks per machine;
    and a plant of `lns_min_tasks` or more with a due-date objective gives
    the full model no share (`full_model_share`, default 0: on the training
    plants its presolve took 5-7 s and found nothing the neighbourhood
    steps did not, benchmarks/RESULTS.md).
    """
    beyond = unmodelled(problem)
    if beyond is not None:
        # the full model would never batch work of different calendars:
        # its optimum would claim too much; neighbourhood steps keep every
        # incumbent exact
        return f"skipped: {beyond}, neighbourhood search only"
    arcs = changeover_arcs(problem)
    if arcs > params.search.full_model_max_arcs:
        return f"skipped: {arcs} changeover arcs"
    first = problem.objective[0]
    large = len(problem.free_tasks) >= params.search.lns_min_tasks
    if first not in RESEQUENCE_TERMS and large and not params.search.full_model_share:
        return "skipped: neighbourhood search only at this size"
    return None


def _wants_relaxed_pass(problem: Problem, params: SolveParams) -> str | None:
    """Why the whole-plant pass (relaxed.py) does not run, or None when it does.

    It is for plants left to neighbourhood steps for their size, up to
    `relaxed_max_tasks` operations, and takes over from the key search when
    that stalls: on the shift plants' variants a climb settled in 10 s of
    its 25 and CP-SAT on the whole plant went on from there, while on the
    bespoke-cars demo the climb reaches no lateness and needs no pass. It
    needs changeovers on a calendar machine, where its model is lighter
    than the full one: on a generated 308-operation shop without either,
    the kicked climb and the neighbourhood steps did better (406 against
    326 weighted tardiness, benchmarks/RESULTS.md). A plant whose full
    model is built, or that batches work, does without it.
    """
    search = params.search
    free = len(problem.free_tasks)
    if problem.objective[0] in RESEQUENCE_TERMS:
        return "skipped: makespan"
    if not free:
        return "skipped: nothing to schedule"
    if free > search.relaxed_max_tasks:
        return f"skipped: more than {search.relaxed_max_tasks} operations"
    if not any(
        m.calendar is not None and m.changeovers is not None for m in problem.machines
    ):
        return "skipped: no changeovers on a calendar machine"
    full_model = _wants_full_model(problem, params)
    if full_model is None:
        return "skipped: the full model runs"
    if free < search.lns_min_tasks or not full_model.endswith("at this size"):
        return full_model
    return None


@dataclass(frozen=True)
class SolveOutcome:
    """The best solution found and how the search went."""

    solution: Solution
    status: Literal["optimal", "feasible"]
    stages: tuple[StageResult, ...]
    source: Literal["cp-sat", "dispatch"]
    dispatch_objective: dict[ObjectiveTerm, int]
    seconds: float
    horizon: int = 0
    interrupted: bool = False


def _first_schedule(
    problem: Problem,
    params: SolveParams,
    began: float,
    account: TimeAccount,
    *,
    relaxed: bool,
) -> tuple[Solution, bool]:
    """The dispatch portfolio's best schedule within its share of the time.

    `relaxed`: the whole-plant pass takes over when the climb stalls.
    """
    dispatch_began = time.monotonic()
    search = params.search
    if problem.objective[0] == "makespan":
        seconds = search.makespan_dispatch_share * params.time_limit
        steps = min(
            search.makespan_dispatch_steps,
            steps_for(problem, seconds, search.makespan_seconds_per_task),
        )
        patience = None
    else:
        seconds = search.dispatch_share * params.time_limit
        steps = steps_for(problem, seconds, search.dispatch_seconds_per_task)
        patience = search.dispatch_patience
    # a plant the full model or the whole-plant pass gets hands over when
    # the climb stalls (the model proves small plants); one left to
    # neighbourhood steps restarts
    kick_share = search.dispatch_kick_share
    if relaxed or _wants_full_model(problem, params) is None:
        kick_share = 0.0
    first = best_dispatch(
        problem,
        seed=params.seed,
        steps=steps,
        until=began + seconds,
        patience=patience,
        stop=lambda: params.stop_requested,
        on_improvement=_dispatch_progress(problem, params, began),
        settings=ClimbSettings(
            step_share=search.dispatch_step_share,
            step_orders_max=search.dispatch_step_orders_max,
            step_minutes=search.dispatch_step_minutes,
            step_reach=search.dispatch_step_reach,
            blocker_share=search.dispatch_blocker_share,
            blocker_push=search.dispatch_blocker_push,
            restore_share=search.dispatch_restore_share,
            kick_share=kick_share,
            epoch_steps=search.dispatch_epoch_steps,
            team_min_seconds=search.dispatch_team_min_seconds,
        ),
        workers=params.effective_workers,
    )
    account.dispatch = time.monotonic() - dispatch_began
    account.dispatch_runs, account.dispatch_accepted = first.tried, first.accepted
    return first.solution, first.feasible


def solve_problem(
    problem: Problem,
    params: SolveParams,
    account: TimeAccount | None = None,
    *,
    began: float | None = None,
) -> SolveOutcome:
    """Solve lexicographically; raise when infeasible or nothing is found.

    `account` (when given) is filled with where the time went. `began` is
    the monotonic time the time limit counts from (default: now), so that
    compiling the scenario counts against the limit too.
    """
    began = time.monotonic() if began is None else began
    account = account if account is not None else TimeAccount()
    # Deadlines no routing can meet fail fast, before the dispatch portfolio;
    # windows are recomputed (cheaply) once its schedule caps the horizon.
    windows = compute_windows(problem)
    reasons = impossible_deadlines(problem, windows)
    if reasons:
        raise InfeasibleError(reasons)
    no_pass = _wants_relaxed_pass(problem, params)
    heuristic, heuristic_ok = _first_schedule(
        problem, params, began, account, relaxed=no_pass is None
    )
    windows = compute_windows(problem, heuristic)
    dispatched = heuristic
    heuristic_terms = evaluate(problem, heuristic).terms
    passed = _whole_plant_pass(
        problem, params, began, account, heuristic, windows, no_pass
    )
    if passed is not None:
        heuristic, heuristic_ok = passed.solution, passed.feasible
        windows = compute_windows(problem, heuristic)
    terms = problem.objective
    if not problem.free_tasks:
        stages = tuple(
            StageResult(
                term, "optimal", heuristic_terms[term], heuristic_terms[term], 0.0
            )
            for term in terms
        )
        return SolveOutcome(
            heuristic,
            "optimal",
            stages,
            "dispatch",
            heuristic_terms,
            0.0,
            windows.horizon,
        )

    skipped = _wants_full_model(problem, params)
    sm: ScheduleModel | None = None
    if skipped is None and not params.stop_requested:
        build_began = time.monotonic()
        sm = ScheduleModel(
            problem, windows, calendar_encoding=params.search.calendar_encoding
        )
        sm.add_hint(heuristic)
        account.model_build = time.monotonic() - build_began
        account.full_model = "run"
    elif skipped is not None:
        account.full_model = skipped
    search = StageRunner(
        problem,
        params,
        sm,
        began,
        account,
        lambda term: _follow_up(problem, term, params),
    )
    search.best = heuristic if heuristic_ok else None
    results: list[StageResult] = []
    searchable = [t for t in terms if sm is None or not isinstance(sm.term(t), int)]
    if sm is not None and not searchable:
        # Every requested term is constant: any feasible schedule is optimal,
        # but feasibility (deadlines, waits) still has to be established.
        search.stage(None, params.time_limit, heuristic, heuristic_ok, windows)
    for term in terms:
        expression = sm.term(term) if sm is not None else None
        if isinstance(expression, int):  # a constant term needs no search
            results.append(StageResult(term, "optimal", expression, expression, 0.0))
            continue
        remaining = search.deadline - time.monotonic()
        later = searchable.index(term) < len(searchable) - 1
        budget = remaining * params.search.early_stage_share if later else remaining
        if params.stop_requested or budget <= 0:
            results.append(search.unsearched(term, heuristic, heuristic_ok))
        elif sm is None:
            results.append(search.neighbourhoods_only(term, budget, windows, improve))
        else:
            results.append(search.stage(term, budget, heuristic, heuristic_ok, windows))
    best = search.best
    assert best is not None
    source: Literal["cp-sat", "dispatch"] = (
        "dispatch" if best is dispatched else "cp-sat"
    )
    overall: Literal["optimal", "feasible"] = (
        "optimal" if all(r.status == "optimal" for r in results) else "feasible"
    )
    return SolveOutcome(
        best,
        overall,
        tuple(results),
        source,
        heuristic_terms,
        time.monotonic() - began,
        windows.horizon,
        interrupted=params.stop_requested,
    )


def _whole_plant_pass(
    problem: Problem,
    params: SolveParams,
    began: float,
    account: TimeAccount,
    heuristic: Solution,
    windows: Windows,
    reason: str | None,
) -> RelaxedResult | None:
    """The pass's result when it ran and found a better schedule, else None.

    `reason` is why it does not run (`_wants_relaxed_pass`). It gets the
    rest of the key search's share, which ends early only when the climb
    stalls.
    """
    share = params.search.dispatch_share
    seconds = began + share * params.time_limit - time.monotonic()
    if reason is None and params.stop_requested:
        reason = "skipped: stop requested"
    elif reason is None and seconds < params.search.relaxed_min_seconds:
        reason = f"skipped: under {params.search.relaxed_min_seconds:g} s left"
    account.relaxed_model = reason or "run"
    if reason is not None:
        return None
    passed = relaxed_pass(
        problem, windows, heuristic, params, seconds=seconds, account=account
    )
    return passed if passed.kept else None


def _dispatch_progress(
    problem: Problem, params: SolveParams, began: float
) -> ImprovementCallback | None:
    """Report the dispatch portfolio's schedules as progress, before CP-SAT's.

    On large plants the portfolio's first schedule arrives seconds before
    the model is even built; it is a feasible answer and the user sees it.
    """
    progress = params.progress
    if progress is None:
        return None
    stage = f"{problem.objective[0]} (dispatch)"

    def report(rule: str, value: int) -> None:
        progress(SolveProgress(stage, value, None, time.monotonic() - began))

    return report
