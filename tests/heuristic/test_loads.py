"""Waiting for full loads: holds from a first schedule, and the second schedule.

A saw cuts three parts one after another (ready at 60, 120 and 180); an
oven bakes two parts a load for 120 minutes. Times are hand-derived on an
around-the-clock plant.
"""

from __future__ import annotations

from mtosched import Scenario, build_problem
from mtosched.heuristic.dispatch import dispatch
from mtosched.heuristic.loads import full_load_holds, ready_times
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.verify.check import check

CUT, BAKE = 0, 1  # each order's tasks: cut, then bake


def saw_and_oven(capacity: int = 2) -> Problem:
    routing = [
        {"id": "cut", "machines": ["SAW"], "minutes": 60},
        {"id": "bake", "machines": ["OVEN"], "minutes": 120},
    ]
    return build_problem(
        Scenario.model_validate(
            {
                "timezone": "UTC",
                "start": "2026-12-07T06:00:00Z",
                "machines": [
                    {"id": "SAW"},
                    {"id": "OVEN", "batch": {"capacity": capacity}},
                ],
                "products": [{"id": "part", "routing": routing}],
                "orders": [
                    {"id": f"O{k}", "product": "part", "due": f"2026-12-{10 + k}"}
                    for k in range(3)
                ],
            }
        )
    )


def bake_times(problem: Problem, solution: Solution) -> list[tuple[int, int]]:
    return [
        (
            solution.placements[o.tasks[BAKE]].start,
            solution.placements[o.tasks[BAKE]].end,
        )
        for o in problem.orders
    ]


def test_join_or_start_starts_the_oven_with_the_first_part() -> None:
    problem = saw_and_oven()
    joined = dispatch(problem)
    assert check(problem, joined).ok
    # O0 alone from 60; O1 (ready 120) cannot join a load under way, so it
    # waits for the oven; O2 (ready 180) joins O1's load
    assert bake_times(problem, joined) == [(60, 180), (180, 300), (180, 300)]


def test_holds_keep_each_load_until_its_last_member_is_ready() -> None:
    problem = saw_and_oven()
    joined = dispatch(problem)
    bakes = [o.tasks[BAKE] for o in problem.orders]
    assert ready_times(problem, joined) == dict(zip(bakes, [60, 120, 180], strict=True))
    # loads of two in the order the parts are ready: {O0, O1}, then O2 alone
    assert full_load_holds(problem, joined) == dict(
        zip(bakes, [120, 120, 180], strict=True)
    )


def test_waiting_for_full_loads_bakes_the_first_two_together() -> None:
    problem = saw_and_oven()
    joined = dispatch(problem)
    waited = dispatch(problem, holds=full_load_holds(problem, joined))
    assert check(problem, waited).ok
    assert bake_times(problem, waited) == [(120, 240), (120, 240), (240, 360)]


def test_a_larger_oven_holds_everything_for_the_last_part() -> None:
    problem = saw_and_oven(capacity=3)
    joined = dispatch(problem)
    waited = dispatch(problem, holds=full_load_holds(problem, joined))
    assert check(problem, waited).ok
    assert bake_times(problem, waited) == [(180, 300)] * 3
