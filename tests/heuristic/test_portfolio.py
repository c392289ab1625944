"""The dispatch portfolio: several rules, the best kept, repeatable."""

from __future__ import annotations

import random
import time

from mtosched import SolveParams, build_problem, load_scenario, solve
from mtosched.api import check as check_schedule
from mtosched.heuristic.climb import (
    ClimbSettings,
    Position,
    Ranker,
    climb,
    schedule_maker,
)
from mtosched.heuristic.dispatch import dispatch
from mtosched.heuristic.portfolio import DispatchResult, best_dispatch
from mtosched.heuristic.team import EpochRequest, Team, run_epoch
from mtosched.params import SolveProgress
from mtosched.verify.check import check
from mtosched.verify.evaluate import evaluate
from tests.helpers import INSTANCES
from tests.helpers.climbs import due_date_start, objective_values


def test_best_dispatch_is_no_worse_than_earliest_due_date() -> None:
    """On the demo plant the portfolio beats plain EDD, and stays feasible."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    best = best_dispatch(problem, seed=0)
    assert best.feasible and check(problem, best.solution).ok
    assert objective_values(problem, best.solution) <= objective_values(
        problem, dispatch(problem)
    )
    assert best.tried >= 4


def test_a_seed_repeats_the_same_schedule() -> None:
    """Randomized variants are a fixed count from a seed: runs repeat."""
    problem = build_problem(load_scenario(INSTANCES / "shopfloor-small.json"))
    first = best_dispatch(problem, seed=3)
    again = best_dispatch(problem, seed=3)
    assert first.solution == again.solution and first.rule == again.rule


def test_each_improvement_is_reported_and_the_last_is_the_result() -> None:
    """Progress sees every better feasible schedule, ending at the one kept."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    reported: list[tuple[str, int]] = []
    best = best_dispatch(
        problem,
        seed=0,
        on_improvement=lambda rule, value: reported.append((rule, value)),
    )
    values = [value for _, value in reported]
    assert len(values) >= 2, "the search improves on the first rule here"
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
    term = problem.objective[0]
    assert values[-1] == evaluate(problem, best.solution).terms[term]
    assert reported[-1][0] == best.rule


def test_solve_reports_the_dispatch_schedule_before_cp_sat() -> None:
    """The first progress report with a value is the portfolio's schedule."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    seen: list[SolveProgress] = []
    schedule = solve(
        problem, SolveParams(time_limit=3, workers=1, progress=seen.append)
    )
    assert check_schedule(problem, schedule).ok
    valued = [p for p in seen if p.objective is not None]
    assert valued and valued[0].stage == f"{problem.objective[0]} (dispatch)"
    assert valued[0].elapsed < 3


#: A team at once, in short epochs, so that a small plant shows it working.
_TEAM = ClimbSettings(epoch_steps=10, team_min_seconds=0.0)


def test_a_team_climb_is_checked_and_repeats_from_a_seed() -> None:
    """Two streams in epochs: the result is feasible, no worse than the rules,
    and the same on a second run (epochs are step counts, not time)."""
    problem = build_problem(load_scenario(INSTANCES / "shopfloor-small.json"))
    until = time.monotonic() + 120

    def run() -> DispatchResult:
        return best_dispatch(
            problem, seed=5, steps=60, until=until, settings=_TEAM, workers=2
        )

    first, again = run(), run()
    assert first.feasible and check(problem, first.solution).ok
    rules = best_dispatch(problem, seed=5, steps=0)
    assert objective_values(problem, first.solution) <= objective_values(
        problem, rules.solution
    )
    assert first.solution == again.solution
    alone = best_dispatch(problem, seed=5, steps=60, until=until, settings=_TEAM)
    # the helper's runs are counted: two streams try about twice as many
    assert first.tried > alone.tried + 40


def test_a_helper_epoch_in_process_equals_the_parents_stream() -> None:
    """A helper climbs exactly as the parent would from the same seed."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    make, ranker, start = due_date_start(problem)
    settings = ClimbSettings()
    own = climb(make, ranker, start, random.Random("7:0:1"), 30, settings, until=None)
    reply = run_epoch(
        problem,
        EpochRequest(
            "orders", start.keys, start.scored, start.solution, "7:0:1", 30,
            settings, None,
        ),
    )  # fmt: skip
    assert reply.keys == own.position.keys and reply.scored == own.position.scored
    if own.position is start:
        assert reply.solution is None
    else:
        assert reply.solution == own.position.solution


def test_a_helper_that_dies_leaves_the_parent_climbing() -> None:
    """A killed helper costs its work, not the search: the result is checked."""
    problem = build_problem(load_scenario(INSTANCES / "shopfloor-small.json"))
    team = Team(problem, 1)
    try:
        for child in team._children:
            child.kill()
        start_keys = [float(order.due) for order in problem.orders]
        make = schedule_maker(problem, "orders", None)
        solution = make(start_keys)
        scored = Ranker(problem).rank(solution)
        assert scored is not None
        start = Position(start_keys, scored, solution)
        team.submit("orders", start, ["1"], 5, _TEAM, None)
        assert team.collect(start, timeout=10) is None
    finally:
        team.close()
