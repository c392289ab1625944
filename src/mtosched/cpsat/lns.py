"""Large-neighbourhood search around the full model, for large plants.

On a few hundred operations with calendars and changeovers, or a few
thousand on a wide plant, one CP-SAT call on the whole plant spends most of
its time in presolve and barely moves the first schedule. Each step here
frees a neighbourhood (neighbourhoods.py) and pins everything else where the
incumbent has it, as constants, so the step's model holds only the free
tasks; CP-SAT improves it within a second or two.
"""

from __future__ import annotations

import random
import time

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.goals import Goal
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.neighbourhoods import (
    Chooser,
    costly_orders,
    freeable,
    late_with_blockers,
    order_costs,
    time_window,
)
from mtosched.cpsat.running import (
    configured_solver,
    run_solver,
    without_local_search,
)
from mtosched.params import SolveParams, SolveProgress, TimeAccount
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.verify.check import check

# A step may take `SearchParams.step_factor` times what building its model
# and getting the hint back as CP-SAT's first solution took lately, within
# `[min_step_seconds, max_step_seconds]`. Wide plants around the clock set
# up a step in under 0.1 s and gain most from many short steps; calendar
# plants need a second or more to presolve one (benchmarks/RESULTS.md).
#: The first step's set-up time, before any is measured.
_FIRST_OVERHEAD = 0.2
#: ... or, on large plants, this much per task of the plant (pinned work is
#: constants in a step's model, but every task still has its few).
_BUILD_SECONDS_PER_TASK = 1e-4
#: Weight of the newest step in the set-up time estimate.
_OVERHEAD_SMOOTHING = 0.3


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Notes when the step's first solution (the repaired hint) arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def on_solution_callback(self) -> None:
        if self.at is None:
            self.at = time.monotonic()


def improve(
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
    """Improve the goal's terms of the incumbent until the monotonic time `until`.

    `settled` holds earlier lexicographic terms with the values they must
    keep. The search stops early once the goal's term reaches `floor`
    (`Goal.floor`) with no tie left to break; `None`: no floor is known.
    Returns the best schedule found (the incumbent if none is better).
    Steps run without presolve (`configured_solver(light=True)`): on
    calendar plants presolve took the whole step. `account` counts them.
    """
    rng = random.Random(params.seed)
    chooser = Chooser(rng)
    best_value = goal.rank(problem, incumbent)
    costs = order_costs(problem, incumbent, goal.term)
    # a step that cannot be built and solved before `until` is not begun:
    # building one on 42,500 operations took seconds the limit did not bound
    overhead = max(_FIRST_OVERHEAD, _BUILD_SECONDS_PER_TASK * len(problem.tasks))
    lowest = (floor, 0) if floor is not None else None
    search = params.search
    while (
        until - time.monotonic() > max(search.min_step_seconds, overhead)
        and (lowest is None or best_value > lowest)
        and not params.stop_requested
    ):
        kind, size = chooser.pick()
        step_began = time.monotonic()
        if kind == "window":
            chosen = time_window(rng, problem, incumbent, size)
        elif kind == "blockers":
            chosen = late_with_blockers(rng, problem, incumbent, costs, size)
        else:
            chosen = costly_orders(rng, problem, costs, size)
        if not chosen:
            return incumbent
        chosen = freeable(problem, incumbent, chosen)
        if not chosen:
            chooser.learn(kind, 0.0, time.monotonic() - step_began, solved=True)
            continue
        pinned = {
            t: incumbent.placements[t] for t in problem.free_tasks if t not in chosen
        }
        model = ScheduleModel(
            problem,
            windows,
            pinned=pinned,
            calendar_encoding=params.search.calendar_encoding,
        )
        for earlier, kept in settled:
            model.model.add(model.term(earlier) <= kept)
        expression = goal.expression(model)
        if isinstance(expression, int):
            # nothing free touches the goal here; another draw may
            chooser.learn(kind, 0.0, time.monotonic() - step_began, solved=True)
            continue
        model.model.minimize(expression)
        model.add_hint(incumbent)
        limit = min(
            search.max_step_seconds,
            max(search.min_step_seconds, search.step_factor * overhead),
        )
        solver = configured_solver(
            params, min(limit, until - time.monotonic()), light=True
        )
        if model.local_search_crashes:
            without_local_search(solver)
        first = _FirstSolution()
        status = run_solver(solver, model.model, params, first)
        # set-up: building the model, presolve, repairing the hint; a step
        # that found nothing counts all its time, so the next one gets more
        ready = first.at if first.at is not None else time.monotonic()
        overhead += _OVERHEAD_SMOOTHING * (ready - step_began - overhead)
        gain = 0.0
        accepted = False
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = model.extract(solver)
            value = goal.rank(problem, candidate)
            if value < best_value and check(problem, candidate).ok:
                # the main term's gain; a tie-breaker's gain counts a little
                gain = (best_value[0] - value[0]) + 1e-3 * (best_value[1] - value[1])
                incumbent, best_value = candidate, value
                accepted = True
                costs = order_costs(problem, incumbent, goal.term)
                if params.progress is not None:
                    params.progress(
                        SolveProgress(
                            goal.term, value[0], None, time.monotonic() - began
                        )
                    )
        seconds = time.monotonic() - step_began
        chooser.learn(kind, max(0.0, gain), seconds, solved=status == cp_model.OPTIMAL)
        if account is not None:
            account.step(kind, seconds, accepted=accepted)
    return incumbent
