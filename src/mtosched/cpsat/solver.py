"""Lexicographic solving: one stage per objective term, within one time limit.

First the dispatch portfolio (rules, then a search over order keys) gives a
schedule; it hints CP-SAT and is the fallback. Then stage k minimizes term k
with every earlier term bounded by the value it reached: on the full CP-SAT
model while that is small enough, followed by neighbourhood search on
larger plants; a plant whose full model would be too large goes straight to
neighbourhood search. A `TimeAccount` records where the time went.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal, Protocol

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows, compute_windows
from mtosched.cpsat.diagnose import explain_infeasibility, impossible_deadlines
from mtosched.cpsat.goals import Goal, goal_for
from mtosched.cpsat.lns import improve
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.resequence import has_machine_choice, resequence
from mtosched.cpsat.running import PresolveClock, configured_solver, run_solver
from mtosched.cpsat.size import changeover_arcs
from mtosched.errors import InfeasibleError, NoScheduleFoundError
from mtosched.evaluate import evaluate
from mtosched.params import SolveParams, SolveProgress, TimeAccount
from mtosched.portfolio import ImprovementCallback, best_dispatch, steps_for
from mtosched.problem.model import Problem
from mtosched.scenario.models import ObjectiveTerm
from mtosched.solution import Solution

StageStatus = Literal["optimal", "feasible", "unknown"]

#: Share of the remaining time given to a stage that has later stages after
#: it. A stage proved optimal early hands its time on; one that is not is the
#: main objective, and the later terms only break its ties (0.7 left the
#: first term 25 % short on large plants: benchmarks/RESULTS.md).
_EARLY_STAGE_SHARE = 0.9
#: From this many operations to place, every stage runs neighbourhood
#: search after the full model had this share of the stage's time (makespan
#: included: below it job shops do better on the full model alone).
LNS_MIN_TASKS = 500
_LARGE_FULL_MODEL_SHARE = 0.1
#: Below that size, a makespan stage with a choice of machines that the full
#: model has not proved within this share of its time goes on with
#: sequence-keeping neighbourhoods (resequence.py). Measured on makespan
#: only; on job shops without machine choices it lost to the full model
#: (ta01-10: 0.7 % mean gap against 0.2 %, benchmarks/RESULTS.md).
RESEQUENCE_TERMS: frozenset[ObjectiveTerm] = frozenset({"makespan"})
_RESEQUENCE_FULL_SHARE = 0.3
#: Makespan objectives (the classic sets) keep the dispatch search they were
#: tuned with: 15 % of the time, at most 200 steps.
_MAKESPAN_DISPATCH_SHARE, _MAKESPAN_DISPATCH_STEPS = 0.15, 200
_MAKESPAN_SECONDS_PER_TASK = 1e-4
#: Time kept back at the end for checking and returning the schedule.
_RESERVE_SECONDS = 0.3


class NeighbourhoodSearch(Protocol):
    """What `improve` (lns.py) and `resequence` (resequence.py) share."""

    def __call__(
        self,
        problem: Problem,
        windows: Windows,
        incumbent: Solution,
        goal: Goal,
        settled: list[tuple[ObjectiveTerm, int]],
        params: SolveParams,
        *,
        until: float,
        began: float,
        floor: int | None,
        account: TimeAccount | None = None,
    ) -> Solution:
        """The best schedule found from `incumbent` by the monotonic `until`."""
        ...


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
    if free >= LNS_MIN_TASKS:
        return _LARGE_FULL_MODEL_SHARE, improve
    if term in RESEQUENCE_TERMS:
        if has_machine_choice(problem):
            return _RESEQUENCE_FULL_SHARE, resequence
        return 1.0, None
    if free >= params.search.lns_min_tasks:
        return params.search.full_model_share, improve
    return 1.0, None


@dataclass(frozen=True, slots=True)
class StageResult:
    """How one lexicographic stage ended."""

    term: ObjectiveTerm
    status: StageStatus
    value: int
    bound: int | None
    seconds: float


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


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, params: SolveParams, stage: str, began: float) -> None:
        super().__init__()
        self.params, self.stage, self.began = params, stage, began

    def on_solution_callback(self) -> None:
        if self.params.progress is not None:
            self.params.progress(
                SolveProgress(
                    self.stage,
                    self.objective_value,
                    self.best_objective_bound,
                    time.monotonic() - self.began,
                )
            )


def _first_schedule(
    problem: Problem, params: SolveParams, began: float, account: TimeAccount
) -> tuple[Solution, bool]:
    """The dispatch portfolio's best schedule within its share of the time."""
    dispatch_began = time.monotonic()
    if problem.objective[0] == "makespan":
        seconds = _MAKESPAN_DISPATCH_SHARE * params.time_limit
        steps = min(
            _MAKESPAN_DISPATCH_STEPS,
            steps_for(problem, seconds, _MAKESPAN_SECONDS_PER_TASK),
        )
        patience = None
    else:
        seconds = params.search.dispatch_share * params.time_limit
        steps = steps_for(problem, seconds, params.search.dispatch_seconds_per_task)
        patience = params.search.dispatch_patience
    first = best_dispatch(
        problem,
        seed=params.seed,
        steps=steps,
        until=began + seconds,
        patience=patience,
        stop=lambda: params.stop_requested,
        on_improvement=_dispatch_progress(problem, params, began),
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
    heuristic, heuristic_ok = _first_schedule(problem, params, began, account)
    windows = compute_windows(problem, heuristic)
    heuristic_terms = evaluate(problem, heuristic).terms
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

    arcs = changeover_arcs(problem)
    full = arcs <= params.search.full_model_max_arcs
    sm: ScheduleModel | None = None
    if full and not params.stop_requested:
        build_began = time.monotonic()
        sm = ScheduleModel(problem, windows)
        sm.add_hint(heuristic)
        account.model_build = time.monotonic() - build_began
        account.full_model = "run"
    elif not full:
        account.full_model = f"skipped: {arcs} changeover arcs"
    search = _Search(problem, params, sm, began, account)
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
        budget = remaining * _EARLY_STAGE_SHARE if later else remaining
        if params.stop_requested or budget <= 0:
            results.append(search.unsearched(term, heuristic, heuristic_ok))
        elif sm is None:
            results.append(search.neighbourhoods_only(term, budget, windows))
        else:
            results.append(search.stage(term, budget, heuristic, heuristic_ok, windows))
    best = search.best
    assert best is not None
    source: Literal["cp-sat", "dispatch"] = (
        "dispatch" if best is heuristic else "cp-sat"
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


class _Search:
    """Runs the stages, keeping the best schedule between them."""

    def __init__(
        self,
        problem: Problem,
        params: SolveParams,
        sm: ScheduleModel | None,
        began: float,
        account: TimeAccount,
    ) -> None:
        self.problem, self.params, self.sm, self.began = problem, params, sm, began
        self.account = account
        self.deadline = began + params.time_limit - _RESERVE_SECONDS
        self.best: Solution | None = None
        # earlier lexicographic terms and the values they must keep
        self.settled: list[tuple[ObjectiveTerm, int]] = []

    def unsearched(
        self, term: ObjectiveTerm, heuristic: Solution, heuristic_ok: bool
    ) -> StageResult:
        """A stage left out (stopped, or no time left): the incumbent's value."""
        if self.best is None:
            if not heuristic_ok:
                raise NoScheduleFoundError(
                    "stopped before a feasible schedule was found (the dispatch "
                    "rule's schedule misses a deadline or a maximum wait)"
                )
            self.best = heuristic
        value = evaluate(self.problem, self.best).terms[term]
        self.settled.append((term, value))
        return StageResult(term, "unknown", value, None, 0.0)

    def neighbourhoods_only(
        self, term: ObjectiveTerm, budget: float, windows: Windows
    ) -> StageResult:
        """A stage on a plant too large for the full model: steps only."""
        if self.best is None:
            raise NoScheduleFoundError(
                "the plant is too large for the full model and the dispatch "
                "rule's schedule misses a deadline or a maximum wait"
            )
        stage_began = time.monotonic()
        problem = self.problem
        goal = goal_for(problem, term)
        before = evaluate(problem, self.best).terms[term]
        self.best = improve(
            problem,
            windows,
            self.best,
            goal,
            self.settled,
            self.params,
            until=min(self.deadline, stage_began + budget),
            began=self.began,
            floor=goal.floor(None),
            account=self.account,
        )
        value = evaluate(problem, self.best).terms[term]
        self.settled.append((term, value))
        status: StageStatus = "feasible" if value < before else "unknown"
        return StageResult(term, status, value, None, time.monotonic() - stage_began)

    def stage(
        self,
        term: ObjectiveTerm | None,
        budget: float,
        heuristic: Solution,
        heuristic_ok: bool,
        windows: Windows,
    ) -> StageResult:
        """Minimize `term` (or just find a schedule), then bound it for later."""
        problem, params, sm = self.problem, self.params, self.sm
        assert sm is not None
        label = term or "feasibility"
        goal = goal_for(problem, term) if term is not None else None
        expression = sm.term(term) if term is not None else None
        if goal is None:
            sm.model.clear_objective()  # type: ignore[no-untyped-call]
        else:
            sm.model.minimize(goal.expression(sm))
        stage_began = time.monotonic()
        until = min(self.deadline, stage_began + budget)
        # only a searched term has a neighbourhood search after the full model
        share, follow_up = (
            _follow_up(problem, term, params)
            if term is not None and expression is not None
            else (1.0, None)
        )
        solver = configured_solver(params, (until - stage_began) * share)
        status = self._run(solver, label)
        if status == cp_model.UNKNOWN and self.best is None and not heuristic_ok:
            # Nothing to fall back on (the dispatch schedule breaks a deadline
            # or a wait): the search for a first schedule gets all the time.
            left = self.deadline - time.monotonic()
            if left > 0.05 and not params.stop_requested:
                solver = configured_solver(params, left)
                status = self._run(solver, label)
        stage_term: ObjectiveTerm = term or problem.objective[0]
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.best = self._better(
                sm.extract(solver), heuristic if heuristic_ok else None
            )
            value = evaluate(problem, self.best).terms[stage_term]
            bound = (
                goal.term_bound(solver.best_objective_bound)
                if goal is not None
                else value
            )
            finished: StageStatus = (
                "optimal"
                if status == cp_model.OPTIMAL or expression is None
                else "feasible"
            )
            if follow_up is not None and finished != "optimal" and goal is not None:
                value = self._polish(follow_up, goal, windows, until, bound)
            return self._settle(
                expression, stage_term, finished, value, bound, stage_began
            )
        if status == cp_model.INFEASIBLE:
            if self.best is not None and self.best is not heuristic:
                raise RuntimeError(f"stage '{label}' infeasible after a feasible one")
            left = params.time_limit - (time.monotonic() - self.began)
            raise InfeasibleError(
                explain_infeasibility(
                    problem, windows, time_limit=left, seed=params.seed
                )
            )
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejected the model: {sm.model.validate()}")
        # UNKNOWN: the time ran out before this stage found anything.
        if self.best is None:
            if not heuristic_ok:
                raise NoScheduleFoundError(
                    f"no feasible schedule found within {params.time_limit:g} s "
                    "(the dispatch rule's schedule misses a deadline or a maximum "
                    "wait)"
                )
            self.best = heuristic
        value = evaluate(problem, self.best).terms[stage_term]
        unknown: StageStatus = "unknown"
        if follow_up is not None and goal is not None:
            improved = self._polish(follow_up, goal, windows, until, None)
            unknown = "feasible" if improved < value else "unknown"
            value = improved
        return self._settle(expression, stage_term, unknown, value, None, stage_began)

    def _run(self, solver: cp_model.CpSolver, label: str) -> int:
        """Solve the model as it stands, reporting progress under `label`."""
        assert self.sm is not None
        progress = self.params.progress
        if progress is not None:
            solver.best_bound_callback = lambda bound: progress(
                SolveProgress(label, None, bound, time.monotonic() - self.began)
            )
        clock = PresolveClock(solver, self.params)
        status = run_solver(
            solver,
            self.sm.model,
            self.params,
            _Progress(self.params, label, self.began),
        )
        presolve, search = clock.split()
        self.account.presolve += presolve
        self.account.search += search
        return status

    def _better(self, found: Solution, heuristic: Solution | None) -> Solution:
        """CP-SAT's schedule, unless the one it started from is better.

        A short stage may stop at a solution worse than its hint; the hint
        (the previous stage's schedule, or the dispatch schedule) then stays.
        """
        incumbent = self.best if self.best is not None else heuristic
        if incumbent is None:
            return found

        def rank(solution: Solution) -> tuple[int, ...]:
            terms = evaluate(self.problem, solution).terms
            return tuple(terms[t] for t in self.problem.objective)

        return incumbent if rank(incumbent) < rank(found) else found

    def _settle(
        self,
        expression: cp_model.LinearExprT | None,
        term: ObjectiveTerm,
        status: StageStatus,
        value: int,
        bound: int | None,
        stage_began: float,
    ) -> StageResult:
        """Keep the stage's value for later stages and hint its schedule."""
        assert self.best is not None and self.sm is not None
        if expression is not None:
            self.sm.model.add(expression <= value)
            self.settled.append((term, value))
        self.sm.add_hint(self.best)
        seconds = time.monotonic() - stage_began
        return StageResult(term, status, value, bound, seconds)

    def _polish(
        self,
        search: NeighbourhoodSearch,
        goal: Goal,
        windows: Windows,
        until: float,
        bound: int | None,
    ) -> int:
        """Neighbourhood search on the best schedule; returns the term's value.

        It may stop early at the full model's proved `bound`.
        """
        assert self.best is not None
        self.best = search(
            self.problem,
            windows,
            self.best,
            goal,
            self.settled,
            self.params,
            until=until,
            began=self.began,
            floor=goal.floor(bound),
            account=self.account,
        )
        return evaluate(self.problem, self.best).terms[goal.term]
