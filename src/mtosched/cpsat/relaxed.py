"""The whole-plant pass: CP-SAT on the whole plant, changeovers in elapsed time.

Mid-sized plants (`lns_min_tasks` operations and more) otherwise go from
the key search straight to neighbourhood steps, which see a few orders at
a time. On the shift plants the exact whole-plant model spends half its
time in presolve: reading the working time of every start and end on a
calendar machine with changeovers takes three element constraints each
(changeovers.py). Counting changeovers in elapsed minutes drops them. It
is a relaxation, so every exact schedule is feasible in it (the hint
included) and its bound is a true bound, but its schedules may start work
right after a shift break that the changeover needed.

So no relaxed schedule is returned as it stands. Each one CP-SAT finds is
replayed by the list schedule in its start order, on its machines
(`dispatch.Guide`), which books every changeover in working time; only a
replayed schedule that ranks better than the incumbent is kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.goals import goal_for
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.running import PresolveClock, configured_solver, run_solver
from mtosched.heuristic.climb import Rank, Ranker
from mtosched.heuristic.dispatch import Guide, dispatch, earliest_due_date
from mtosched.params import SolveParams, TimeAccount
from mtosched.problem.model import Problem
from mtosched.problem.parts import PlannedSlot
from mtosched.problem.solution import Solution


def replayed(problem: Problem, relaxed: Solution) -> Solution:
    """`relaxed` made exact: the list schedule in its start order, on its machines."""
    slots = {
        t: PlannedSlot(place.machine, place.start)
        for t, place in enumerate(relaxed.placements)
        if problem.tasks[t].fixed is None
    }
    return dispatch(
        problem, earliest_due_date(problem), Guide(slots, keep_starts=False)
    )


@dataclass
class RelaxedResult:
    """The best exact schedule after the pass, and what the pass did."""

    solution: Solution
    #: its rank (`Ranker`): infeasible first, then the objective terms
    rank: Rank
    #: relaxed schedules CP-SAT found, and replays that beat the incumbent
    found: int = 0
    kept: int = 0

    @property
    def feasible(self) -> bool:
        """Whether its deadlines and maximum waits hold."""
        return self.rank[0] == 0


class _Replayer(cp_model.CpSolverSolutionCallback):
    """Replays each relaxed schedule CP-SAT finds and keeps the best exact one."""

    def __init__(
        self, sm: ScheduleModel, incumbent: Solution, params: SolveParams
    ) -> None:
        super().__init__()
        self.sm, self.params = sm, params
        self.ranker = Ranker(sm.problem)
        scored = self.ranker.rank(incumbent)
        assert scored is not None  # no bar: always ranked
        self.result = RelaxedResult(incumbent, scored[0])

    def on_solution_callback(self) -> None:
        result = self.result
        result.found += 1
        exact = replayed(self.sm.problem, self.sm.extract(self))
        scored = self.ranker.rank(exact, result.rank)
        if scored is not None and scored[0] < result.rank:
            result.solution, result.rank = exact, scored[0]
            result.kept += 1
        if self.params.stop_requested:
            self.stop_search()


def relaxed_pass(
    problem: Problem,
    windows: Windows,
    incumbent: Solution,
    params: SolveParams,
    *,
    seconds: float,
    account: TimeAccount,
) -> RelaxedResult:
    """Search the relaxed whole-plant model for `seconds` from `incumbent`.

    It minimizes the first objective term (with stability as tie-breaker in
    the nightly loop, `goals.py`); the replayed schedules are ranked on all
    the terms, deadlines and maximum waits included, so the result is
    never worse than `incumbent`.
    """
    began = time.monotonic()
    sm = ScheduleModel(
        problem,
        windows,
        calendar_encoding=params.search.calendar_encoding,
        changeovers_in_working_time=False,
    )
    goal = goal_for(problem, problem.objective[0])
    expression = goal.expression(sm)
    replayer = _Replayer(sm, incumbent, params)
    if isinstance(expression, int):
        return replayer.result  # a constant first term: nothing to search
    sm.model.minimize(expression)
    sm.add_hint(incumbent)
    solver = configured_solver(params, seconds - (time.monotonic() - began))
    solver.parameters.cp_model_probing_level = params.search.relaxed_probing_level
    solver.parameters.use_lns_only = params.search.relaxed_lns_only
    clock = PresolveClock(solver, params)
    run_solver(solver, sm.model, params, replayer)
    account.relaxed_presolve = clock.split()[0]
    account.relaxed = time.monotonic() - began
    account.relaxed_found = replayer.result.found
    account.relaxed_kept = replayer.result.kept
    return replayer.result
