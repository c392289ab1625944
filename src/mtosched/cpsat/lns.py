"""Large-neighbourhood search around the full model, for large plants.

On a few hundred operations with calendars and changeovers, one CP-SAT call
on the whole plant spends most of its time in presolve and barely moves the
first schedule. Freeing the operations of one time window, with everything
else pinned where the incumbent has it, gives small models that CP-SAT
improves in seconds; the window wanders and resizes itself.
"""

from __future__ import annotations

import random
import time

from ortools.sat.python import cp_model

from mtosched.check import check
from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.goals import Goal
from mtosched.cpsat.model import ScheduleModel
from mtosched.evaluate import evaluate
from mtosched.params import SolveParams, SolveProgress
from mtosched.problem.model import Problem
from mtosched.scenario.models import ObjectiveTerm
from mtosched.solution import Solution

#: Free tasks per neighbourhood at the start, and its bounds.
_START_SIZE, _MIN_SIZE, _MAX_SIZE = 60, 20, 400
#: Seconds per neighbourhood solve.
_STEP_SECONDS = 3.0


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
) -> Solution:
    """Improve the goal's terms of the incumbent until the monotonic time `until`.

    `settled` holds earlier lexicographic terms with the values they must
    keep. Returns the best schedule found (the incumbent if none is better).
    """
    rng = random.Random(params.seed)
    free = sorted(problem.free_tasks, key=lambda t: incumbent.placements[t].start)
    best_value = goal.key(evaluate(problem, incumbent).terms)
    size = _START_SIZE
    while until - time.monotonic() > 1.0 and best_value > (0, 0) and free:
        size = max(_MIN_SIZE, min(size, len(free), _MAX_SIZE))
        first = rng.randrange(0, max(1, len(free) - size + 1))
        chosen = set(free[first : first + size])
        pinned = {
            t: incumbent.placements[t] for t in problem.free_tasks if t not in chosen
        }
        model = ScheduleModel(problem, windows, pinned=pinned)
        for earlier, kept in settled:
            model.model.add(model.term(earlier) <= kept)
        expression = goal.expression(model)
        if isinstance(expression, int):
            return incumbent
        model.model.minimize(expression)
        model.add_hint(incumbent)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = params.effective_workers
        solver.parameters.random_seed = params.seed
        seconds = min(_STEP_SECONDS, until - time.monotonic())
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
        status = solver.solve(model.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = model.extract(solver)
            value = goal.key(evaluate(problem, candidate).terms)
            if value < best_value and check(problem, candidate).ok:
                incumbent, best_value = candidate, value
                free.sort(key=lambda t: incumbent.placements[t].start)
                if params.progress is not None:
                    params.progress(
                        SolveProgress(
                            goal.term, value[0], None, time.monotonic() - began
                        )
                    )
        # A neighbourhood solved to optimality is too easy: widen it.
        size = int(size * 1.3) if status == cp_model.OPTIMAL else int(size / 1.2)
    return incumbent
