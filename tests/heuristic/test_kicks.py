"""Kicks: a stalled key search restarts from a moved copy of its best keys."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from mtosched import build_problem, load_scenario, previous_plan
from mtosched.heuristic.climb import ClimbSettings, kicked
from mtosched.heuristic.portfolio import best_dispatch
from mtosched.verify.check import check
from tests.helpers import INSTANCES
from tests.helpers.climbs import due_date_start, objective_values

NIGHTLY = INSTANCES / "nightly"


def test_a_kick_moves_its_share_of_the_keys_within_twice_the_reach() -> None:
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    make, ranker, best = due_date_start(problem)
    settings = ClimbSettings(kick_share=0.5, step_minutes=300.0)
    start = kicked(make, ranker, best, random.Random(4), settings)
    assert start is not None
    pairs = enumerate(zip(best.keys, start.keys, strict=True))
    moved = [j for j, (a, b) in pairs if a != b]
    assert len(moved) == round(0.5 * len(best.keys))
    assert all(abs(start.keys[j] - best.keys[j]) <= 600.0 for j in moved)
    # the new start is ranked as its own schedule, and a seed repeats it
    assert start.solution == make(start.keys)
    assert start.scored == ranker.rank(start.solution)
    again = kicked(make, ranker, best, random.Random(4), settings)
    assert again is not None and again.keys == start.keys


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_stalled_climb_kicks_on_and_never_ends_worse(seed: int) -> None:
    """Up to the first stall both climbs take the same steps; after it only
    a better schedule replaces the best, so kicking ends no worse."""
    problem = build_problem(load_scenario(INSTANCES / "shopfloor-small.json"))
    plain = ClimbSettings()
    until = time.monotonic() + 120
    stops = best_dispatch(
        problem, seed=seed, steps=600, until=until, patience=20, settings=plain
    )
    goes_on = best_dispatch(
        problem,
        seed=seed,
        steps=600,
        until=until,
        patience=20,
        settings=replace(plain, kick_share=0.3),
    )
    assert check(problem, goes_on.solution).ok
    assert objective_values(problem, goes_on.solution) <= objective_values(
        problem, stops.solution
    )
    assert stops.tried < 600, "the plain climb stalls before its step count"
    assert goes_on.tried > stops.tried


def test_kicks_leave_a_climb_inside_last_nights_plan_alone() -> None:
    """Within a plan a restart would undo it: the same steps with or without."""
    scenario = load_scenario(
        NIGHTLY / "plant.json",
        NIGHTLY / "orders-tuesday.json",
        NIGHTLY / "weld-1-down.json",
    )
    previous = previous_plan(NIGHTLY / "monday-plan.json", freeze_hours=8)
    problem = build_problem(scenario, previous=previous)
    assert "stability" in problem.objective
    until = time.monotonic() + 120
    runs = [
        best_dispatch(
            problem,
            seed=1,
            steps=300,
            until=until,
            patience=10,
            settings=ClimbSettings(kick_share=share),
        )
        for share in (0.0, 0.5)
    ]
    assert runs[0].solution == runs[1].solution
    assert runs[0].tried == runs[1].tried


def test_kicks_end_on_the_step_count_without_a_clock_or_patience() -> None:
    """Patience 0 stalls every climb at once: each kick still counts a step."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    result = best_dispatch(
        problem,
        seed=0,
        steps=30,
        patience=0,
        settings=ClimbSettings(kick_share=0.3),
    )
    assert check(problem, result.solution).ok
    rules = best_dispatch(problem, seed=0, steps=0)
    assert result.tried <= rules.tried + 1 + 30
