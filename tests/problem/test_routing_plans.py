"""RoutingPlans: which operations exist under options, and after what (rule 7)."""

from __future__ import annotations

from mtosched.problem.routing_plans import RoutingPlans
from mtosched.scenario.models import Operation


def routing() -> list[Operation]:
    """cut -> [coat if finish=coated] -> [cure if finish=coated] -> pack."""
    return [
        Operation.model_validate({"id": "cut", "machines": ["A"], "minutes": 5}),
        Operation.model_validate(
            {"id": "coat", "machines": ["A"], "minutes": 5,
             "when": {"finish": "coated"}}
        ),
        Operation.model_validate(
            {"id": "cure", "machines": ["A"], "minutes": 5,
             "when": {"finish": "coated"}}
        ),
        Operation.model_validate({"id": "pack", "machines": ["A"], "minutes": 5}),
    ]  # fmt: skip


def test_two_skipped_operations_in_a_row_are_resolved_through() -> None:
    """Raw: pack follows cure, which follows coat; both skipped: pack follows cut."""
    plan = RoutingPlans().plan(routing(), {"finish": "raw"})
    assert plan.exists == {"cut": True, "coat": False, "cure": False, "pack": True}
    assert plan.predecessors == {"cut": [], "pack": ["cut"]}
    assert plan.position["pack"] == 3


def test_existing_predecessors_are_kept() -> None:
    """Coated: the chain stays as written."""
    plan = RoutingPlans().plan(routing(), {"finish": "coated"})
    assert plan.predecessors == {
        "cut": [],
        "coat": ["cut"],
        "cure": ["coat"],
        "pack": ["cure"],
    }


def test_one_plan_per_routing_and_options_whatever_their_order() -> None:
    """Options written in another order are the same options: one plan."""
    plans = RoutingPlans()
    ops = routing()
    first = plans.plan(ops, {"finish": "raw", "size": "l"})
    assert plans.plan(ops, {"size": "l", "finish": "raw"}) is first
    assert plans.plan(ops, {"finish": "coated", "size": "l"}) is not first
