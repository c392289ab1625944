"""Capable-to-promise: the earliest completion of one order that hurts no other.

The model is the schedule model with one objective, the completion of the
order being quoted, and one extra constraint per confirmed order: it may not
complete later than its due date or its completion in the current plan,
whichever is later, so no confirmed order's tardiness grows. CP-SAT's bound
on the objective is the lower bound the promise is measured against.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows, compute_windows
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.neighbourhoods import freeable
from mtosched.cpsat.running import configured_solver, run_solver
from mtosched.errors import InfeasibleError, NoScheduleFoundError
from mtosched.params import SolveParams
from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.verify.check import check
from mtosched.verify.evaluate import order_outcomes


@dataclass(frozen=True)
class Promise:
    """The earliest completion found for the quoted order, and what is proved.

    `completion` is achieved by `solution`; no schedule completes the order
    before `bound` (both minutes from start). `status` is "optimal" when
    they meet.
    """

    solution: Solution
    completion: int
    bound: int
    status: Literal["optimal", "feasible"]
    seconds: float


def _within_caps(problem: Problem, solution: Solution, caps: Mapping[int, int]) -> bool:
    outcomes = order_outcomes(problem, solution)
    return all(outcomes[j].completion <= cap for j, cap in caps.items())


def _model(
    problem: Problem,
    windows: Windows,
    order: int,
    caps: Mapping[int, int],
    by: int | None,
    params: SolveParams,
    pinned: dict[int, Placement] | None = None,
) -> ScheduleModel:
    sm = ScheduleModel(
        problem,
        windows,
        pinned=pinned,
        calendar_encoding=params.search.calendar_encoding,
    )
    for j, cap in caps.items():
        sm.model.add(sm.completion[j] <= cap)
    if by is not None:
        sm.model.add(sm.completion[order] <= by)
    sm.model.minimize(sm.completion[order])
    return sm


def _neighbourhoods(
    problem: Problem,
    windows: Windows,
    order: int,
    caps: Mapping[int, int],
    incumbent: Solution,
    params: SolveParams,
    until: float,
) -> Solution:
    """Free the order with the plan around it, window by window, earliest first.

    Each window holds the order's own tasks and the planned tasks starting
    between a moving minute and the order's current completion; the rest
    stays pinned. Windows that bring the order in earlier are kept.
    """
    best = incumbent.completion(problem, order)
    own = set(problem.orders[order].tasks)
    others = sorted(
        (t for t in problem.free_tasks if t not in own),
        key=lambda t: incumbent.placements[t].start,
    )
    cursor, size = 0, params.search.quote_window_tasks
    while until - time.monotonic() > 0.5 and others:
        upto = [t for t in others if incumbent.placements[t].start < best]
        if not upto:
            break
        cursor = cursor if cursor < len(upto) else 0
        # a batch goes free whole or keeps its longest member (freeable)
        chosen = freeable(problem, incumbent, own | set(upto[cursor : cursor + size]))
        pinned = {
            t: incumbent.placements[t] for t in problem.free_tasks if t not in chosen
        }
        sm = _model(problem, windows, order, caps, None, params, pinned)
        sm.add_hint(incumbent)
        step = min(params.search.quote_step_seconds, until - time.monotonic())
        solver = configured_solver(params, step)
        status = run_solver(solver, sm.model, params)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = sm.extract(solver)
            end = candidate.completion(problem, order)
            if end < best and check(problem, candidate).ok:
                incumbent, best = candidate, end
                continue  # the same window may give more
        # solved to optimality: widen it; otherwise narrow it, and move on
        size = (
            int(size * 1.3) if status == cp_model.OPTIMAL else max(20, int(size / 1.2))
        )
        cursor += max(1, size // 2)
    return incumbent


def earliest_completion(
    problem: Problem,
    order: int,
    caps: Mapping[int, int],
    hint: Solution | None,
    params: SolveParams,
    *,
    by: int | None = None,
) -> Promise | None:
    """Minimize `order`'s completion with every other order `j` done by `caps[j]`.

    With `by`, the order must also complete by that minute. Returns None when
    that is proved impossible; raises `InfeasibleError` when even without
    `by` no schedule keeps the caps (the current plan does not fit its
    scenario) and `NoScheduleFoundError` when nothing was found in time.
    `hint` (a schedule keeping the caps) starts the search and is returned
    if CP-SAT finds nothing better. On large plants, windows of the plan
    around the order are searched first, then the full model proves what
    it can.
    """
    began = time.monotonic()
    usable = hint is not None and _within_caps(problem, hint, caps)
    windows = compute_windows(problem, hint if usable else None)
    floor = windows.order_floor[order]
    if usable and hint is not None:
        hinted = hint.completion(problem, order)
        if hinted <= floor and (by is None or hinted <= by):
            # as early as its own routing allows: nothing to search for
            return Promise(hint, hinted, hinted, "optimal", time.monotonic() - began)
    budget = params.time_limit
    if (
        usable
        and hint is not None
        and len(problem.free_tasks) >= params.search.quote_neighbourhood_min_tasks
    ):
        until = began + budget * (1 - params.search.quote_full_model_share)
        hint = _neighbourhoods(problem, windows, order, caps, hint, params, until)
        budget = max(0.1, params.time_limit - (time.monotonic() - began))
    sm = _model(problem, windows, order, caps, by, params)
    if hint is not None:
        sm.add_hint(hint)
    solver = configured_solver(params, budget)
    status = run_solver(solver, sm.model, params)
    seconds = time.monotonic() - began
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solution = sm.extract(solver)
        completion = solution.completion(problem, order)
        if usable and hint is not None:
            hinted = hint.completion(problem, order)
            if hinted < completion and (by is None or hinted <= by):
                solution, completion = hint, hinted
        bound = max(
            math.ceil(solver.best_objective_bound - 1e-6), windows.order_floor[order]
        )
        proved: Literal["optimal", "feasible"] = (
            "optimal"
            if status == cp_model.OPTIMAL or bound >= completion
            else "feasible"
        )
        return Promise(solution, completion, min(bound, completion), proved, seconds)
    if status == cp_model.INFEASIBLE:
        if by is not None and usable:
            return None  # the caps alone hold (the hint keeps them): `by` fails
        raise InfeasibleError(
            [
                "no schedule keeps every confirmed order as early as the current "
                "plan has it (or by its due date): the current plan does not fit "
                "this scenario; schedule it again first"
            ]
        )
    if usable and hint is not None:
        completion = hint.completion(problem, order)
        if by is None or completion <= by:
            status_of: Literal["optimal", "feasible"] = (
                "optimal" if floor >= completion else "feasible"
            )
            return Promise(hint, completion, min(floor, completion), status_of, seconds)
    raise NoScheduleFoundError(
        f"no schedule for the quoted order found within {params.time_limit:g} s"
    )
