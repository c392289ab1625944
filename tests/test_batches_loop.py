"""Format 1.1 through the features above the solver: nightly, quote, explain.

On the shipped demo with a furnace and a curing oven as batch machines,
transfer lots and a furnace load already running: the running load stays
one fixed batch, tonight's plan against last night's keeps its frozen
loads whole, and a quote and an explanation work on it (every order's
minutes add up, and no load holds up its own members). Every schedule
passes the independent checker.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from mtosched import (
    Scenario,
    Schedule,
    SolveParams,
    build_problem,
    explain,
    load_scenario,
    previous_plan,
    quote,
    solve,
)
from mtosched.explain import ExplainParams
from mtosched.scenario.models import Order
from tests.helpers import INSTANCES, assert_checked
from tests.helpers.explained import assert_adds_up

DEMO = INSTANCES / "heat-treat-and-paint.json"
QUICK = SolveParams(time_limit=8, workers=1, seed=0)
#: A new bracket order, due within the fortnight.
RUSH = Order.model_validate(
    {
        "id": "HT-NEW",
        "product": "bracket",
        "quantity": 4,
        "options": {"recipe": "nitride", "colour": "black"},
        "due": "2027-03-05T16:00:00+01:00",
    }
)


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return load_scenario(DEMO)


@pytest.fixture(scope="module")
def tonight(demo: Scenario) -> Schedule:
    problem = build_problem(demo)
    plan = solve(problem, QUICK)
    assert_checked(problem, plan)
    return plan


def batches(plan: Schedule) -> dict[str, list[str]]:
    """Batch id -> its orders."""
    found: dict[str, list[str]] = defaultdict(list)
    for op in plan.operations:
        if op.batch is not None:
            found[op.batch].append(op.order)
    return dict(found)


def test_the_running_furnace_load_stays_one_batch(tonight: Schedule) -> None:
    """HT-505 and HT-508 started together on Sunday night: one fixed batch."""
    running = [op for op in tonight.operations if op.running]
    assert {op.order for op in running} == {"HT-505", "HT-508"}
    assert len({op.batch for op in running}) == 1
    assert len({(op.start, op.end) for op in running}) == 1


def test_loads_are_shared_and_lots_overlap(tonight: Schedule) -> None:
    """Some load holds several orders; some welding starts before milling ends."""
    assert any(len(orders) > 1 for orders in batches(tonight).values())
    ends = {(op.order, op.operation): op.end for op in tonight.operations}
    overlapping = [
        op
        for op in tonight.operations
        if op.operation == "weld" and op.start < ends.get((op.order, "mill"), 0)
    ]
    assert overlapping


def test_a_replan_against_tonight_keeps_frozen_loads_whole(
    demo: Scenario, tonight: Schedule, tmp_path: Path
) -> None:
    """A rush order comes in; re-planned with 8 frozen hours: checked, and
    every frozen load still starts and ends together."""
    path = tmp_path / "tonight.json"
    path.write_text(tonight.model_dump_json(by_alias=True), encoding="utf-8")
    reference = previous_plan(path, freeze_hours=8)
    rush = RUSH.model_copy(update={"id": "HT-RUSH", "priority": 5})
    scenario = demo.model_copy(update={"orders": [*demo.orders, rush]})
    problem = build_problem(scenario, previous=reference)
    plan = solve(problem, QUICK, previous=reference)
    assert_checked(problem, plan)
    frozen = [op for op in plan.operations if op.frozen]
    assert any(op.batch for op in frozen), "the demo freezes a furnace load"
    by_batch: dict[str, set[tuple[object, object]]] = defaultdict(set)
    for op in frozen:
        if op.batch is not None:
            by_batch[op.batch].add((op.start, op.end))
    assert all(len(times) == 1 for times in by_batch.values())


def test_a_quote_on_a_plant_with_batches(demo: Scenario, tonight: Schedule) -> None:
    """A new bracket order gets a promise; its schedule passes the checker."""
    result = quote(demo, [RUSH], current=tonight, params=QUICK)
    (answer,) = result.candidates
    assert answer.promise is not None
    assert answer.schedule is not None
    assert batches(answer.schedule)


def test_an_explanation_on_a_plant_with_batches(
    demo: Scenario, tonight: Schedule
) -> None:
    """Explaining a named order works on batches and lots (no what-ifs)."""
    report = explain(
        demo,
        tonight,
        ["HT-501"],
        what_if=False,
        params=ExplainParams(lever_time=2, workers=1),
    )
    (explained,) = report.orders
    assert explained.order == "HT-501"


def test_every_order_on_the_demo_adds_up_and_no_load_blocks_itself(
    demo: Scenario, tonight: Schedule
) -> None:
    """Each order's minutes tile its span, with loads and transfer lots; where
    a step on a batch machine waited for the machine, it was for other loads."""
    ids = sorted({op.order for op in tonight.operations})
    report = explain(demo, tonight, ids, what_if=False)
    assert sorted(o.order for o in report.orders) == ids
    held = {"machine_busy", "changeover", "running_work", "frozen_plan"}
    for explained in report.orders:
        assert_adds_up(explained)
        for step in explained.chain:
            for cause in step.causes:
                if step.batch is not None and cause.kind in held:
                    assert all(b.batch != step.batch for b in cause.blockers)
