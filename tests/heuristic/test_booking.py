"""The floor the dispatch rule fills: gaps on changeover machines, crews, stock."""

from __future__ import annotations

import random
from typing import Any

from mtosched import build_problem
from mtosched.heuristic.booking import Floor
from mtosched.heuristic.levels import Profile, Stock
from mtosched.problem.model import Problem
from mtosched.problem.parts import MaterialInfo, Placement
from mtosched.scenario.models import Scenario


def paint_shop(families: list[str], *, initial: str | None = None) -> Problem:
    """One paint booth, 45 min between colours, one 60-min order per family."""
    machine: dict[str, Any] = {"id": "PAINT", "changeovers": "colour"}
    if initial is not None:
        machine["initial_family"] = initial
    return build_problem(
        Scenario.model_validate(
            {
                "start": "2026-11-30T06:00:00Z",
                "machines": [machine],
                "changeovers": [
                    {"id": "colour", "default_minutes": 45, "same_minutes": 0}
                ],
                "products": [
                    {
                        "id": family,
                        "routing": [
                            {
                                "id": "paint",
                                "machines": ["PAINT"],
                                "minutes": 60,
                                "family": family,
                            }
                        ],
                    }
                    for family in sorted(set(families))
                ],
                "orders": [
                    {
                        "id": f"O{k}",
                        "product": family,
                        "due": "2026-12-01T06:00:00Z",
                    }
                    for k, family in enumerate(families)
                ],
            }
        )
    )


def test_a_gap_takes_work_when_both_changeovers_fit() -> None:
    """Black 0-60 and black 300-360 leave a gap of 240 min.

    White needs 45 min after the first black and 45 min before the second:
    it goes in at 105 (ends 165, 135 min before 300), not after 360.
    """
    problem = paint_shop(["black", "black", "white"])
    floor = Floor(problem)
    floor.book(0, Placement(0, 0, 60))
    floor.book(1, Placement(0, 300, 360))
    task = problem.tasks[2]
    assert floor.earliest(task, task.modes[0], 0) == Placement(0, 105, 165)


def test_a_gap_too_short_for_the_changeover_out_is_skipped() -> None:
    """Black 0-60 and black 190-250: white fits 105-165 but leaves 25 min, not 45.

    It goes after the second black instead: 250 + 45 = 295.
    """
    problem = paint_shop(["black", "black", "white"])
    floor = Floor(problem)
    floor.book(0, Placement(0, 0, 60))
    floor.book(1, Placement(0, 190, 250))
    task = problem.tasks[2]
    assert floor.earliest(task, task.modes[0], 0) == Placement(0, 295, 355)


def test_the_initial_set_up_counts_before_the_first_booking() -> None:
    """Set up for black at start: white first needs 45 min, then 45 before black."""
    problem = paint_shop(["black", "white"], initial="black")
    floor = Floor(problem)
    black = floor.book(0, Placement(0, 200, 260))
    task = problem.tasks[1]
    # 45-105 leaves 95 min before black at 200: fits
    assert floor.earliest(task, task.modes[0], 0) == Placement(0, 45, 105)
    floor.unbook(black)
    floor.book(0, Placement(0, 130, 190))
    # now 45-105 leaves 25 min: white goes after black, 190 + 45
    assert floor.earliest(task, task.modes[0], 0) == Placement(0, 235, 295)


def test_a_profile_names_when_a_crew_is_free_again() -> None:
    """Capacity 2: two holders 0-100 and one 50-150 block one more until 100."""
    crew = Profile(2)
    crew.add(0, 100, 1)
    crew.add(0, 100, 1)
    crew.add(50, 150, 1)
    assert crew.blocked_until(0, 10, 1) == 100
    assert crew.blocked_until(100, 200, 1) is None
    assert crew.blocked_until(100, 200, 2) == 150
    crew.add(0, 100, -1)  # given back
    assert crew.blocked_until(0, 10, 1) is None


def test_stock_taken_early_must_leave_later_takings_covered() -> None:
    """5 on hand, 5 more at 100; 5 taken at 50: 3 more only from 100 on."""
    stock = Stock(MaterialInfo("bolt", None, ((0, 5), (100, 5)), None), 0)
    stock.take(50, 5)
    assert stock.earliest(0, 3) == 100
    assert stock.earliest(0, 6) is None
    stock.give_back(50, 5)
    assert stock.earliest(0, 5) == 0


def test_jumping_the_packed_run_finds_the_same_gaps_as_walking_it() -> None:
    """Random bookings, random queries: the chained-run jump changes nothing.

    A gap shorter than the shortest task (60 min here) can take nothing, so
    skipping a run of such gaps must give the placement a booking-by-booking
    walk gives; and booking and unbooking keep the run right.
    """
    rng = random.Random(5)
    problem = paint_shop(["black"] * 40)
    for _ in range(30):
        jumping, walking = Floor(problem), Floor(problem)
        walking.timelines[0].unusable = None  # no run: walk every booking
        walking.timelines[0].chained = -1
        made = []
        for t in range(40):
            task = problem.tasks[t]
            mode = task.modes[0]
            earliest = rng.choice([0, rng.randrange(0, 3000)])
            found = jumping.earliest(task, mode, earliest)
            assert found == walking.earliest(task, mode, earliest)
            assert found is not None
            made.append((jumping.book(t, found), walking.book(t, found)))
            if made and rng.random() < 0.2:
                first, second = made.pop(rng.randrange(len(made)))
                jumping.unbook(first)
                walking.unbook(second)
