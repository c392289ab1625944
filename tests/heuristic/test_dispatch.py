"""The dispatch rule and maximum waits: an operation and its follower go together."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mtosched import build_problem
from mtosched.heuristic.dispatch import Guide, dispatch, earliest_due_date
from mtosched.problem.parts import PlannedSlot
from mtosched.scenario.models import Scenario
from mtosched.verify.check import check
from tests.helpers import at, plant

MACHINES = ("M1", "M2", "M3")
TARDINESS = {"terms": ["weighted_tardiness"]}

CUT_THEN_WELD = {
    "id": "frame",
    "routing": [
        {"id": "cut", "machines": ["M1"], "minutes": 60},
        {"id": "weld", "machines": ["M2"], "minutes": 60, "max_wait_minutes": 10},
    ],
}
WELD_ONLY = {
    "id": "patch",
    "routing": [{"id": "weld", "machines": ["M2"], "minutes": 120}],
}


def test_the_cut_waits_so_that_the_weld_follows_in_time() -> None:
    """M2 is busy 0-120 with a more urgent order: the cut starts at 50, not 0.

    Earliest-start-first alone cuts at 0-60 and welds at 120: 60 min of
    waiting where 10 are allowed.
    """
    orders = [
        {"id": "URGENT", "product": "patch", "due": "2026-11-30T08:00:00Z"},
        {"id": "FRAME", "product": "frame", "due": "2026-11-30T09:00:00Z"},
    ]
    problem = build_problem(
        Scenario.model_validate(
            plant(
                orders,
                machines=MACHINES,
                products=[CUT_THEN_WELD, WELD_ONLY],
                objective=TARDINESS,
            )
        )
    )
    solution = dispatch(problem)
    assert check(problem, solution).ok
    by_name = {
        (problem.orders[t.order].id, t.operation): solution.placements[i]
        for i, t in enumerate(problem.tasks)
    }
    assert by_name["URGENT", "weld"].start == 0
    assert by_name["FRAME", "cut"].start == 50
    assert by_name["FRAME", "weld"].start == 120


def random_chain_plant(seed: int) -> Scenario:
    """Orders of 2-4 chained steps on 3 machines, some steps with a wait limit."""
    rng = random.Random(seed)
    products = []
    for k in range(3):
        routing = []
        for step in range(rng.randint(2, 4)):
            operation: dict[str, Any] = {
                "id": f"s{step}",
                "machines": rng.sample(["M1", "M2", "M3"], rng.randint(1, 2)),
                "minutes": rng.randint(10, 90),
            }
            if step > 0 and rng.random() < 0.5:
                operation["max_wait_minutes"] = rng.choice([0, 5, 30])
            routing.append(operation)
        products.append({"id": f"p{k}", "routing": routing})
    orders = [
        {
            "id": f"O{j}",
            "product": f"p{rng.randrange(3)}",
            "released": f"2026-11-30T{6 + rng.randint(0, 3):02d}:00:00Z",
            "due": f"2026-11-30T{9 + rng.randint(0, 12):02d}:00:00Z",
        }
        for j in range(rng.randint(4, 12))
    ]
    return Scenario.model_validate(
        plant(orders, machines=MACHINES, products=products, objective=TARDINESS)
    )


@pytest.mark.parametrize("seed", range(40))
def test_chains_with_wait_limits_are_dispatched_feasibly(seed: int) -> None:
    """Single-predecessor chains on 24/7 machines: every wait limit holds."""
    problem = build_problem(random_chain_plant(seed))
    report = check(problem, dispatch(problem))
    assert report.ok, report.violations


def test_a_guide_shift_moves_a_whole_order_within_the_plan() -> None:
    """Two orders share M1 in the plan: A at 0, B at 60. Shifting B's key
    120 minutes earlier puts B first; the plan's other tasks keep their
    order. With `keep_starts` a negative shift is also how far before its
    planned start the order may start: 30 minutes leave the plan as it
    is, 120 pull B to the front.
    """
    cut = {"id": "p", "routing": [{"id": "cut", "machines": ["M1"], "minutes": 60}]}
    orders = [
        {"id": "A", "product": "p", "due": "2026-11-30T08:00:00Z"},
        {"id": "B", "product": "p", "due": "2026-11-30T09:00:00Z"},
    ]
    problem = build_problem(
        Scenario.model_validate(
            plant(orders, machines=MACHINES, products=[cut], objective=TARDINESS)
        )
    )
    slots = {0: PlannedSlot(0, 0), 1: PlannedSlot(0, 60)}
    due = earliest_due_date(problem)
    as_planned = dispatch(problem, due, Guide(slots, keep_starts=False))
    assert [p.start for p in as_planned.placements] == [0, 60]
    shifted = dispatch(
        problem,
        due,
        Guide(slots, keep_starts=False, shift=lambda j: -120.0 if j == 1 else 0.0),
    )
    assert [p.start for p in shifted.placements] == [60, 0]
    kept = dispatch(
        problem,
        due,
        Guide(slots, keep_starts=True, shift=lambda j: -30.0 if j == 1 else 0.0),
    )
    # B's key (30) still comes after A's (0): A keeps 0, B its 60
    assert [p.start for p in kept.placements] == [0, 60]
    pulled = dispatch(
        problem,
        due,
        Guide(slots, keep_starts=True, shift=lambda j: -120.0 if j == 1 else 0.0),
    )
    # B may start from max(0, 60 - 120): first at 0, A behind it
    assert [p.start for p in pulled.placements] == [60, 0]
    assert check(problem, kept).ok and check(problem, pulled).ok
    unpulled = dispatch(
        problem,
        due,
        Guide(slots, keep_starts=True, shift=lambda j: 120.0 if j == 1 else 0.0),
    )
    # a positive shift only sorts later: nothing starts before its plan
    assert [p.start for p in unpulled.placements] == [0, 60]


def test_work_that_cannot_keep_its_slot_may_change_machine() -> None:
    """A and B were planned on M1 at 0 and 60; M1 is now down until 120.

    Both must move anyway, so each takes the machine where it ends first:
    A goes to M2 at 0, B to M2 at 60 (M1 would end it at 180). C, planned
    on M3 at 0, keeps its slot although M2 would end it just as early.
    """
    both = {
        "id": "p",
        "routing": [{"id": "cut", "machines": ["M1", "M2", "M3"], "minutes": 60}],
    }
    orders = [
        {"id": "A", "product": "p", "due": "2026-11-30T08:00:00Z"},
        {"id": "B", "product": "p", "due": "2026-11-30T09:00:00Z"},
        {"id": "C", "product": "p", "due": "2026-11-30T12:00:00Z"},
    ]
    downtime = [{"machine": "M1", "from": at(0), "to": at(120)}]
    problem = build_problem(
        Scenario.model_validate(
            plant(
                orders,
                machines=MACHINES,
                products=[both],
                objective=TARDINESS,
                downtime=downtime,
            )
        )
    )
    slots = {0: PlannedSlot(0, 0), 1: PlannedSlot(0, 60), 2: PlannedSlot(2, 0)}
    moved = dispatch(
        problem, earliest_due_date(problem), Guide(slots, keep_starts=True)
    )
    assert [(p.machine, p.start) for p in moved.placements] == [
        (1, 0),
        (1, 60),
        (2, 0),
    ]
    assert check(problem, moved).ok
    # without keep_starts the plan is a sequence: the planned machine stays
    resequenced = dispatch(
        problem, earliest_due_date(problem), Guide(slots, keep_starts=False)
    )
    assert [p.machine for p in resequenced.placements] == [0, 0, 2]
