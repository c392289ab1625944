"""`benchmarks/variants.py`: other order books for a training plant.

Only the drawing of a variant is tested (solving takes minutes): that it
keeps shop-floor progress, draws due dates within the stated range,
repeats by seed and still compiles to a problem the list schedule places.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

import pytest

from mtosched import build_problem, check
from mtosched.heuristic.dispatch import dispatch
from mtosched.scenario.loading import parse_scenario_text
from tests.helpers import ROOT

sys.path.append(str(ROOT / "benchmarks"))  # its modules import each other by name

import variants

PLANT = ROOT.parent / "shared" / "benchmarks" / "plants" / "all-150.json"
pytestmark = pytest.mark.skipif(not PLANT.is_file(), reason="training plants absent")


@pytest.fixture(scope="module")
def plant() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PLANT.read_text(encoding="utf-8"))
    return data


def _by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {order["id"]: order for order in data["orders"]}


def test_orders_under_way_are_kept_as_they_are(plant: dict[str, Any]) -> None:
    drawn = _by_id(variants.variant(plant, 3, drop=0.5, clone=0.0))
    under_way = [o for o in plant["orders"] if "progress" in o]
    assert under_way
    for order in under_way:
        assert drawn[order["id"]] == order


def test_drop_and_clone_shares_set_the_size(plant: dict[str, Any]) -> None:
    count = len(plant["orders"])
    drawn = variants.variant(plant, 1, drop=0.2, clone=0.3)
    copies = [o for o in drawn["orders"] if "-V1-" in o["id"]]
    assert len(copies) == round(0.3 * count)
    kept = len(drawn["orders"]) - len(copies)
    # about a fifth of the orders without progress are dropped
    assert 0.65 * count < kept < 0.95 * count
    assert len({o["id"] for o in drawn["orders"]}) == len(drawn["orders"])


def test_due_dates_stay_within_the_drawn_slack(plant: dict[str, Any]) -> None:
    low, high = variants._SLACK_FACTORS
    original = _by_id(plant)
    drawn = variants.variant(plant, 2, drop=0.0, clone=0.0)
    changed = 0
    for order in drawn["orders"]:
        before = original[order["id"]]
        released = datetime.fromisoformat(before["released"])
        slack = datetime.fromisoformat(before["due"]) - released
        due = datetime.fromisoformat(order["due"])
        assert released + slack * low - slack * 1e-6 <= due
        assert due <= released + slack * high + slack * 1e-6
        if "deadline" in order:
            assert due <= datetime.fromisoformat(order["deadline"])
        changed += due != datetime.fromisoformat(before["due"])
    assert changed > 0.9 * sum("progress" not in o for o in plant["orders"])


def test_a_seed_repeats_and_another_differs(plant: dict[str, Any]) -> None:
    first = variants.variant(plant, 5, drop=0.15, clone=0.15)
    assert variants.variant(plant, 5, drop=0.15, clone=0.15) == first
    assert variants.variant(plant, 6, drop=0.15, clone=0.15) != first


def test_a_variant_compiles_and_its_list_schedule_checks(
    plant: dict[str, Any],
) -> None:
    data = variants.variant(plant, 1, drop=0.15, clone=0.15)
    scenario = parse_scenario_text(json.dumps(data), "variant.json")
    problem = build_problem(scenario)
    assert len(problem.orders) > 100
    assert check(problem, dispatch(problem)).ok
