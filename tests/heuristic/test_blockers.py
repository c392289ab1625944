"""Who held the machine a late order waited for, and the step that uses it."""

from __future__ import annotations

import random
from datetime import timedelta

from mtosched import build_problem, load_scenario
from mtosched.heuristic.blockers import BlockerIndex, jump_a_blocker
from mtosched.heuristic.climb import (
    ClimbSettings,
    Position,
    Ranker,
    climb,
    schedule_maker,
    task_bases,
)
from mtosched.heuristic.dispatch import dispatch
from mtosched.heuristic.portfolio import best_dispatch
from mtosched.problem.model import Problem
from mtosched.problem.previous import PlannedOperation, PreviousPlan
from mtosched.scenario.models import Scenario
from mtosched.verify.check import check
from mtosched.verify.evaluate import evaluate
from tests.helpers import INSTANCES, MONDAY, op, order, plant


def _queue() -> Problem:
    """Three one-operation orders on M1; C also welds on M2 first.

    By keys SLOW (0-300), then LATE (300-360, due 100), then C, whose weld
    on M2 ends at 400: C never waits for M1 behind anyone.
    """
    document = plant(
        [
            order("SLOW", 2000, op(300)),
            order("LATE", 100, op(60)),
            order(
                "C",
                2000,
                {"id": "weld", "machines": ["M2"], "minutes": 400},
                {"id": "op", "machines": ["M1"], "minutes": 10, "after": ["weld"]},
            ),
        ],
        objective={"terms": ["weighted_tardiness"]},
    )
    return build_problem(Scenario.model_validate(document))


def test_an_order_is_blocked_by_the_work_that_held_its_machine() -> None:
    problem = _queue()
    keys = [0.0, 1.0, 2.0]
    solution = dispatch(problem, keys.__getitem__)
    index = BlockerIndex(problem, solution)
    assert index.blockers(1) == {0: 300}, "LATE waited 300 min for SLOW"
    assert index.blockers(0) == {}, "SLOW started at once"
    # C's M1 step was ready at 400, after M1 had emptied: nobody blocked it
    assert index.blockers(2) == {}


def test_the_step_puts_the_late_order_ahead_of_its_blocker_or_behind() -> None:
    problem = _queue()
    keys = [0.0, 1.0, 2.0]
    index = BlockerIndex(problem, dispatch(problem, keys.__getitem__))
    pulled = list(keys)
    assert jump_a_blocker(pulled, 1, index, random.Random(0), push=0.0)
    assert pulled[1] < pulled[0] and pulled[2] == 2.0
    pushed = list(keys)
    jump_a_blocker(pushed, 1, index, random.Random(0), push=1.0)
    assert pushed[0] > pushed[1] and pushed[1] == 1.0
    after = dispatch(problem, pulled.__getitem__)
    assert check(problem, after).ok
    assert evaluate(problem, after).terms["weighted_tardiness"] == 0
    unmoved = list(keys)
    assert not jump_a_blocker(unmoved, 0, index, random.Random(0), push=0.0)
    assert unmoved == keys, "an order nobody blocked leaves the keys alone"


def test_a_targeted_climb_is_checked_and_no_worse_than_the_rules() -> None:
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    rules = best_dispatch(problem, seed=2, steps=0)
    targeted = best_dispatch(
        problem,
        seed=2,
        steps=150,
        settings=ClimbSettings(blocker_share=1.0, blocker_push=0.0),
    )
    assert targeted.feasible and check(problem, targeted.solution).ok
    found = evaluate(problem, targeted.solution).terms["weighted_tardiness"]
    assert found <= evaluate(problem, rules.solution).terms["weighted_tardiness"]


def test_within_a_plan_the_jump_compares_task_keys() -> None:
    """A task's key in a plan is its order's key plus its planned start.

    LATE's op (planned at 400) waited for SLOW's (planned at 100): to go
    ahead, LATE's key must drop below SLOW's by the 300 minutes between.
    """
    problem = _queue()
    index = BlockerIndex(problem, dispatch(problem, [0.0, 1.0, 2.0].__getitem__))
    base = [100.0, 400.0, 0.0, 0.0]
    keys = [0.0, 0.0, 0.0]
    assert jump_a_blocker(keys, 1, index, random.Random(0), push=0.0, task_base=base)
    assert keys[1] + base[1] < keys[0] + base[0]
    assert keys == [0.0, -301.0, 0.0]


def _planned_late(due: int = 100) -> Problem:
    """Last night's plan ran SLOW (300 min) first and LATE (60 min) behind it.

    LATE is due at `due` and weighs five times SLOW: due at 100, following
    the plan it is 260 minutes late, and only starting it before its
    planned 300 saves it.
    """
    document = plant(
        [
            order("SLOW", 2000, op(300)),
            order("LATE", due, op(60), priority=5),
        ],
        objective={"terms": ["weighted_tardiness"]},
    )
    plan = PreviousPlan(
        "last night",
        {
            ("SLOW", "op"): PlannedOperation("M1", MONDAY),
            ("LATE", "op"): PlannedOperation("M1", MONDAY + timedelta(minutes=300)),
        },
    )
    return build_problem(Scenario.model_validate(document), previous=plan)


def test_a_climb_within_the_plan_pulls_a_late_order_before_its_planned_start() -> None:
    problem = _planned_late()
    assert problem.objective == ("weighted_tardiness", "stability")
    result = best_dispatch(problem, seed=0, steps=40)
    assert check(problem, result.solution).ok
    # the plan as it stands costs 5 x 260; pulled ahead, LATE is on time
    assert evaluate(problem, result.solution).terms["weighted_tardiness"] == 0
    assert [p.start for p in result.solution.placements] == [60, 0]


def test_a_restore_step_puts_a_shifted_order_back_in_the_plan() -> None:
    """LATE, due at 2000 now, was pulled ahead for nothing: both moved.

    The first step of a climb within the plan (an even one) restores a
    shifted order: LATE's key goes back to 0 and the plan stands again.
    """
    problem = _planned_late(due=2000)
    make = schedule_maker(problem, "plan", None)
    ranker = Ranker(problem)
    keys = [0.0, -400.0]
    solution = make(keys)
    assert [p.start for p in solution.placements] == [60, 0]
    scored = ranker.rank(solution)
    assert scored is not None
    settings = ClimbSettings(restore_share=1.0)
    stream = climb(
        make, ranker, Position(keys, scored, solution), random.Random(0), 1,
        settings, until=None, task_base=task_bases(problem, "plan"),
    )  # fmt: skip
    assert stream.accepted == 1 and stream.position.keys == [0.0, 0.0]
    assert [p.start for p in stream.position.solution.placements] == [0, 300]
    assert evaluate(problem, stream.position.solution).terms["stability"] == 0
