"""Running lexicographic stages on one CP-SAT model, or on neighbourhoods only.

`solver.py` decides what runs (the dispatch portfolio, whether the full
model is built, which neighbourhood search follows it); a `StageRunner`
runs each stage within its time, keeps the best schedule between stages and
bounds the settled terms for the later ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.diagnose import explain_infeasibility
from mtosched.cpsat.goals import Goal, goal_for
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.running import PresolveClock, configured_solver, run_solver
from mtosched.errors import InfeasibleError, NoScheduleFoundError
from mtosched.params import SolveParams, SolveProgress, TimeAccount
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.verify.evaluate import evaluate

StageStatus = Literal["optimal", "feasible", "unknown"]

#: Time kept back at the end for checking, writing and printing the schedule
#: (a 60 s solve of the 150-order plant ended 1.9 s late with 0.3 s kept).
RESERVE_SECONDS = 1.0


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


#: For a stage's term: the full model's share of the stage and the
#: neighbourhood search that gets the rest (None: the full model alone).
FollowUp = Callable[[ObjectiveTerm], tuple[float, NeighbourhoodSearch | None]]


@dataclass(frozen=True, slots=True)
class StageResult:
    """How one lexicographic stage ended."""

    term: ObjectiveTerm
    status: StageStatus
    value: int
    bound: int | None
    seconds: float


def with_slack(problem: Problem, term: ObjectiveTerm, value: int) -> int:
    """The worst value of `term` that later stages may accept once it reached `value`.

    The scenario's slack is a fraction of the value's size, rounded
    down, so a term that reached 0 (nothing late) stays at 0.
    """
    fraction = problem.slack.get(term, 0.0)
    if not fraction:
        return value
    return value + int(Decimal(repr(fraction)) * abs(value))


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


class StageRunner:
    """Runs the stages, keeping the best schedule between them.

    `sm` is the full model, None when the plant is too large for one.
    """

    def __init__(
        self,
        problem: Problem,
        params: SolveParams,
        sm: ScheduleModel | None,
        began: float,
        account: TimeAccount,
        follow_up: FollowUp,
    ) -> None:
        self.problem, self.params, self.sm, self.began = problem, params, sm, began
        self.account, self.follow_up = account, follow_up
        self.deadline = began + params.time_limit - RESERVE_SECONDS
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
        self.settled.append((term, with_slack(self.problem, term, value)))
        return StageResult(term, "unknown", value, None, 0.0)

    def neighbourhoods_only(
        self,
        term: ObjectiveTerm,
        budget: float,
        windows: Windows,
        search: NeighbourhoodSearch,
    ) -> StageResult:
        """A stage without the full model (too large, or batches and lots)."""
        if self.best is None:
            raise NoScheduleFoundError(
                "the full model is not built for this plant and the dispatch "
                "rule's schedule misses a deadline or a maximum wait"
            )
        stage_began = time.monotonic()
        problem = self.problem
        goal = goal_for(problem, term)
        before = evaluate(problem, self.best).terms[term]
        self.best = search(
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
        self.settled.append((term, with_slack(problem, term, value)))
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
            self.follow_up(term)
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
                explain_infeasibility(problem, windows, params, time_limit=left)
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
        A settled term with slack counts as equal anywhere within its
        bound, so the stage's own term decides.
        """
        incumbent = self.best if self.best is not None else heuristic
        if incumbent is None:
            return found
        loose = {
            term: kept for term, kept in self.settled if self.problem.slack.get(term)
        }

        def rank(solution: Solution) -> tuple[int, ...]:
            terms = evaluate(self.problem, solution).terms
            return tuple(
                max(terms[t], loose[t]) if t in loose else terms[t]
                for t in self.problem.objective
            )

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
            kept = with_slack(self.problem, term, value)
            self.sm.model.add(expression <= kept)
            self.settled.append((term, kept))
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
