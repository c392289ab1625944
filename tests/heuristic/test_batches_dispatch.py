"""Format 1.1 in the list schedule: batches fill, transfer lots overlap.

Times are hand-derived on around-the-clock plants, so the expected starts
and ends below follow from rules 18 and 21 alone.
"""

from __future__ import annotations

from typing import Any

import pytest

from mtosched import Scenario, build_problem
from mtosched.errors import InputError
from mtosched.heuristic.dispatch import dispatch
from mtosched.problem.model import Problem

START = "2026-12-07T06:00:00Z"


def scenario(
    machines: list[dict[str, Any]],
    routing: list[dict[str, Any]],
    quantities: list[int],
    families: list[str] | None = None,
) -> Scenario:
    """One product; an order per quantity, due late, in the given families."""
    return Scenario.model_validate(
        {
            "timezone": "UTC",
            "start": START,
            "machines": machines,
            "products": [
                {
                    "id": "part",
                    "options": {"recipe": sorted(set(families or ["a"]))},
                    "routing": routing,
                }
            ],
            "orders": [
                {
                    "id": f"O{k}",
                    "product": "part",
                    "quantity": quantity,
                    "options": {"recipe": (families or ["a"] * len(quantities))[k]},
                    "due": "2026-12-20T06:00:00Z",
                }
                for k, quantity in enumerate(quantities)
            ],
        }
    )


def oven_plant(
    quantities: list[int], families: list[str] | None = None, capacity: int = 5
) -> Problem:
    return build_problem(
        scenario(
            [{"id": "OVEN", "batch": {"capacity": capacity}}],
            [{"id": "bake", "machines": ["OVEN"], "minutes": 120,
              "minutes_per_unit": 10, "family_option": "recipe"}],
            quantities,
            families,
        )
    )  # fmt: skip


def test_ready_work_of_one_family_shares_a_batch_up_to_capacity() -> None:
    """Quantities 2, 2, 2 in an oven of 5: two fill one batch, the third waits.

    A member that joins never lengthens the batch, so the first batch lasts
    its longest member's 140 minutes and the third order starts after it.
    """
    problem = oven_plant([2, 2, 2])
    solution = dispatch(problem)
    places = [(p.start, p.end) for p in solution.placements]
    assert places == [(0, 140), (0, 140), (140, 280)]


def test_families_never_share_a_batch() -> None:
    problem = oven_plant([1, 1], families=["a", "b"])
    first, second = dispatch(problem).placements
    assert first.start != second.start
    assert first.end <= second.start or second.end <= first.start


def test_a_longer_member_does_not_join_a_shorter_batch() -> None:
    """Quantity 4 (160 min) cannot join a batch of quantity 1 (130 min)."""
    problem = oven_plant([1, 4], capacity=8)
    first, second = dispatch(problem).placements
    assert (first.start, first.end) == (0, 130)
    assert (second.start, second.end) == (130, 290)


def test_an_order_larger_than_every_batch_machine_is_an_input_error() -> None:
    with pytest.raises(InputError, match="rule 19"):
        oven_plant([6], capacity=5)


def lot_plant(quantity: int, transfer: int | None) -> Problem:
    weld: dict[str, Any] = {
        "id": "weld", "machines": ["WELD"], "minutes_per_unit": 10, "after": ["cut"]
    }  # fmt: skip
    if transfer is not None:
        weld["transfer_quantity"] = transfer
    return build_problem(
        scenario(
            [{"id": "SAW"}, {"id": "WELD"}],
            [{"id": "cut", "machines": ["SAW"], "minutes_per_unit": 20,
              "setup_minutes": 15}, weld],
            [quantity],
        )
    )  # fmt: skip


def test_a_transfer_lot_starts_after_the_first_lot_and_ends_after_the_last() -> None:
    """cut: 15 + 4 x 20 = 95 min; weld: 40 min, lots of 1 of 4 units.

    Rule 21: weld starts once cut has worked 15 + ceil(80 x 1/4) = 35 min,
    and at least ceil(40 x 1/4) = 10 of its minutes fall after cut ends at
    95: it ends at 105, so it starts at 65 (it would end at 75 from 35).
    """
    cut, weld = dispatch(lot_plant(4, 1)).placements
    assert (cut.start, cut.end) == (0, 95)
    assert (weld.start, weld.end) == (65, 105)


@pytest.mark.parametrize("transfer", [None, 4, 9])
def test_without_a_smaller_lot_the_precedence_is_plain(transfer: int | None) -> None:
    """No transfer, or b >= quantity (rule 22): weld waits for all of cut."""
    problem = lot_plant(4, transfer)
    assert all(task.transfer is None for task in problem.tasks)
    cut, weld = dispatch(problem).placements
    assert weld.start == cut.end == 95


def test_transfer_with_a_wait_is_an_input_error() -> None:
    with pytest.raises(ValueError, match="rule 21"):
        scenario(
            [{"id": "SAW"}],
            [{"id": "cut", "machines": ["SAW"], "minutes": 5},
             {"id": "weld", "machines": ["SAW"], "minutes": 5,
              "transfer_quantity": 1, "min_wait_minutes": 0}],
            [2],
        )  # fmt: skip
