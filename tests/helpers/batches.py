"""A tiny plant with a batch oven, and a hand-made schedule of it.

OVEN bakes O0 alone (recipe a), then O1 and O2 together (recipe b) after a
30 minute changeover; SAW, a plain machine, cuts P. Shared by the tests of
batch ids, exports and views, which all read the same schedule.
"""

from __future__ import annotations

from typing import Any

from mtosched import Scenario, Schedule, build_problem
from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.schedule_mapping import build_schedule
from mtosched.verify.check import check

START = "2026-12-07T06:00:00Z"
DUE = "2026-12-20T06:00:00Z"


def plant() -> dict[str, Any]:
    bake = {"id": "bake", "machines": ["OVEN"], "minutes": 120,
            "minutes_per_unit": 10, "family_option": "recipe"}  # fmt: skip
    return {
        "timezone": "UTC",
        "start": START,
        "machines": [
            {"id": "OVEN", "batch": {"capacity": 5}, "changeovers": "recipe"},
            {"id": "SAW"},
        ],
        "changeovers": [{"id": "recipe", "default_minutes": 30}],
        "products": [
            {"id": "part", "options": {"recipe": ["a", "b"]}, "routing": [bake]},
            {
                "id": "plank",
                "routing": [{"id": "cut", "machines": ["SAW"], "minutes": 60}],
            },
        ],
        "orders": [
            {"id": "O0", "product": "part", "options": {"recipe": "a"}, "due": DUE},
            {"id": "O1", "product": "part", "options": {"recipe": "b"}, "due": DUE},
            {"id": "O2", "product": "part", "options": {"recipe": "b"}, "due": DUE},
            {"id": "P", "product": "plank", "due": DUE},
        ],
    }


def oven_problem() -> Problem:
    """The plant compiled."""
    return build_problem(Scenario.model_validate(plant()))


def hand_schedule(problem: Problem) -> Schedule:
    """O0 [0, 130); changeover [130, 160); O1 + O2 [160, 290); P [0, 60)."""
    solution = Solution(
        (
            Placement(0, 0, 130),
            Placement(0, 160, 290),
            Placement(0, 160, 290),
            Placement(1, 0, 60),
        )
    )
    report = check(problem, solution)
    assert report.ok and report.evaluation is not None, report.violations
    return build_schedule(problem, solution, report.evaluation, status="feasible")
