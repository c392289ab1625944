"""Lexicographic solving: one CP-SAT stage per objective term.

Stage k minimizes term k with every earlier term bounded by the value it
reached, hinted with the previous stage's schedule, all within one overall
time limit. The dispatch schedule hints stage 1 and is the fallback when
CP-SAT finds nothing in time.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal

from ortools.sat.python import cp_model

from mtosched.check import check
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.diagnose import explain_infeasibility, impossible_deadlines
from mtosched.cpsat.model import ScheduleModel
from mtosched.dispatch import dispatch
from mtosched.errors import InfeasibleError, NoScheduleFoundError
from mtosched.evaluate import evaluate
from mtosched.params import SolveParams, SolveProgress
from mtosched.problem.model import Problem
from mtosched.scenario.models import ObjectiveTerm
from mtosched.solution import Solution

StageStatus = Literal["optimal", "feasible", "unknown"]

#: Share of the remaining time given to a stage that has later stages after it.
_EARLY_STAGE_SHARE = 0.7


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


def _solver(params: SolveParams, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = params.effective_workers
    solver.parameters.random_seed = params.seed
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.log_search_progress = params.log_search
    return solver


def solve_problem(problem: Problem, params: SolveParams) -> SolveOutcome:
    """Solve lexicographically; raise when infeasible or nothing is found."""
    began = time.monotonic()
    windows = compute_windows(problem)
    reasons = impossible_deadlines(problem, windows)
    if reasons:
        raise InfeasibleError(reasons)
    heuristic = dispatch(problem)
    heuristic_ok = check(problem, heuristic).ok
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
            heuristic, "optimal", stages, "dispatch", heuristic_terms, 0.0
        )

    sm = ScheduleModel(problem, windows)
    sm.add_hint(heuristic)
    best: Solution | None = None
    results: list[StageResult] = []
    for position, term in enumerate(terms):
        expression = sm.term(term)
        if isinstance(expression, int):  # a constant term needs no search
            value = expression
            results.append(StageResult(term, "optimal", value, value, 0.0))
            continue
        remaining = params.time_limit - (time.monotonic() - began)
        later = sum(1 for t in terms[position + 1 :] if not isinstance(sm.term(t), int))
        budget = remaining * _EARLY_STAGE_SHARE if later else remaining
        stage_began = time.monotonic()
        sm.model.minimize(expression)
        solver = _solver(params, budget)
        if params.progress is not None:
            solver.best_bound_callback = lambda bound, term=term: params.progress(
                SolveProgress(term, None, bound, time.monotonic() - began)
            )
        status = solver.solve(sm.model, _Progress(params, term, began))
        seconds = time.monotonic() - stage_began
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = sm.extract(solver)
            value = evaluate(problem, best).terms[term]
            bound = math.ceil(solver.best_objective_bound - 1e-6)
            stage_status: StageStatus = (
                "optimal" if status == cp_model.OPTIMAL else "feasible"
            )
            results.append(StageResult(term, stage_status, value, bound, seconds))
            sm.model.add(expression <= value)
            sm.add_hint(best)
            continue
        if status == cp_model.INFEASIBLE:
            if best is not None:
                raise RuntimeError(f"stage '{term}' infeasible after a feasible stage")
            left = params.time_limit - (time.monotonic() - began)
            raise InfeasibleError(
                explain_infeasibility(
                    problem, windows, time_limit=left, seed=params.seed
                )
            )
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejected the model: {sm.model.validate()}")
        # UNKNOWN: the time ran out before this stage found anything.
        if best is None:
            if not heuristic_ok:
                raise NoScheduleFoundError(
                    f"no feasible schedule found within {params.time_limit:g} s "
                    "(the dispatch rule's schedule misses a deadline or a maximum wait)"
                )
            best = heuristic
        value = evaluate(problem, best).terms[term]
        results.append(StageResult(term, "unknown", value, None, seconds))
        sm.model.add(expression <= value)
        sm.add_hint(best)
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
    )
