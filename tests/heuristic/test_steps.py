"""How far one step of the key search reaches: a share of the orders, capped."""

from __future__ import annotations

import random

import pytest

from mtosched import build_problem, load_scenario
from mtosched.heuristic.climb import ClimbSettings, Position, climb
from mtosched.problem.solution import Solution
from tests.helpers import INSTANCES
from tests.helpers.climbs import due_date_start


@pytest.mark.parametrize(("cap", "expected"), [(2, 2), (0, None)])
def test_a_step_moves_its_share_of_the_orders_up_to_the_cap(
    cap: int, expected: int | None
) -> None:
    """Every step moves every order (share 1) unless the cap holds it to two."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    make, ranker, start = due_date_start(problem)
    n = len(start.keys)
    assert n > 2
    current = [start.keys]
    moved: list[int] = []

    def recording(trial: list[float]) -> Solution:
        moved.append(sum(a != b for a, b in zip(current[0], trial, strict=True)))
        return make(trial)

    def accepted(position: Position) -> None:
        current[0] = position.keys

    settings = ClimbSettings(step_share=1.0, step_orders_max=cap, pull_late=False)
    climb(
        recording, ranker, start, random.Random(0), 30, settings,
        until=None, on_accept=accepted,
    )  # fmt: skip
    assert len(moved) == 30
    assert set(moved) == {expected if expected is not None else n}
