"""Who held the machine a late order waited for, and the step that uses it."""

from __future__ import annotations

import random

from mtosched import build_problem, load_scenario
from mtosched.heuristic.blockers import BlockerIndex, jump_a_blocker
from mtosched.heuristic.climb import ClimbSettings
from mtosched.heuristic.dispatch import dispatch
from mtosched.heuristic.portfolio import best_dispatch
from mtosched.problem.model import Problem
from mtosched.scenario.models import Scenario
from mtosched.verify.check import check
from mtosched.verify.evaluate import evaluate
from tests.helpers import INSTANCES, op, order, plant


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
