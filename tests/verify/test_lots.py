"""The checker on transfer lots (rules 21-22), with placements made by hand.

cut: 15 min set-up + 20 min per unit; weld: 10 min per unit, in lots of b.
For 4 units in lots of 1 (rule 21): weld may start once cut has worked
15 + ceil(80 x 1/4) = 35 minutes, and at least ceil(40 x 1/4) = 10 of
weld's minutes come after cut ends (the last lot).
"""

from __future__ import annotations

from typing import Any

from mtosched import Scenario, build_problem
from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.verify.check import CheckReport, check

START = "2026-12-07T06:00:00Z"
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def lot_plant(
    quantity: int = 4,
    transfer: int | None = 1,
    *,
    saw: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    progress: dict[str, Any] | None = None,
) -> Problem:
    """SAW cuts, WELD welds, one order of `quantity` units."""
    weld: dict[str, Any] = {"id": "weld", "machines": ["WELD"], "minutes_per_unit": 10}
    if transfer is not None:
        weld["transfer_quantity"] = transfer
    data: dict[str, Any] = {
        "timezone": "UTC",
        "start": START,
        "machines": [{"id": "SAW", **(saw or {})}, {"id": "WELD"}],
        "products": [
            {
                "id": "frame",
                "routing": [
                    {
                        "id": "cut",
                        "machines": ["SAW"],
                        "minutes_per_unit": 20,
                        "setup_minutes": 15,
                    },
                    weld,
                ],
            }
        ],
        "orders": [
            {
                "id": "F",
                "product": "frame",
                "quantity": quantity,
                "due": "2026-12-20T06:00:00Z",
                **({"progress": progress} if progress else {}),
            }
        ],
        **(extra or {}),
    }
    return build_problem(Scenario.model_validate(data))


def verdict(
    problem: Problem, cut: tuple[int, int], weld: tuple[int, int]
) -> CheckReport:
    """Check cut on SAW (machine 0) and weld on WELD (machine 1)."""
    return check(problem, Solution((Placement(0, *cut), Placement(1, *weld))))


def test_weld_overlaps_cut_by_lots() -> None:
    """cut [0, 95); weld from 35 (first lot) to 105 (10 min after cut ends)."""
    problem = lot_plant()
    report = verdict(problem, (0, 95), (65, 105))
    assert report.ok, report.violations
    assert verdict(problem, (0, 95), (35, 75)).violations == (
        "F/weld: works 0 min after F/cut ends, the last transfer lot needs 10 "
        "(rule 21)",
    )


def test_a_lot_started_too_early_is_named() -> None:
    """weld [30, 70) starts 5 min before the first lot and ends too soon."""
    report = verdict(lot_plant(), (0, 95), (30, 70))
    assert report.violations == (
        "F/weld: starts 5 min before the first transfer lot of F/cut is done (rule 21)",
        "F/weld: works 0 min after F/cut ends, the last transfer lot needs 10 "
        "(rule 21)",
    )


def test_the_last_lot_must_still_be_processed() -> None:
    """weld [60, 100) ends 5 min after cut: 5 of the 10 minutes it needs."""
    report = verdict(lot_plant(), (0, 95), (60, 100))
    assert report.violations == (
        "F/weld: works 5 min after F/cut ends, the last transfer lot needs 10 "
        "(rule 21)",
    )


def test_a_lot_as_large_as_the_order_is_a_plain_precedence() -> None:
    """Rule 22: b >= q is end-before-start."""
    problem = lot_plant(transfer=4)
    assert problem.tasks[1].transfer is None
    assert verdict(problem, (0, 95), (95, 135)).ok
    assert verdict(problem, (0, 95), (65, 105)).violations == (
        "F/weld: starts 30 min too early after F/cut",
    )


def test_lots_count_working_minutes_of_the_predecessor() -> None:
    """The saw works 06:00-06:30 and 07:00-22:00.

    cut's 95 minutes run 30 before the break and 65 after: it ends 08:05
    (minute 125). Its first lot (35 working minutes) is done at 07:05
    (minute 65), not at minute 35.
    """
    shifts = [
        {"days": EVERY_DAY, "from": a, "to": b}
        for a, b in (("06:00", "06:30"), ("07:00", "22:00"))
    ]
    problem = lot_plant(
        saw={"calendar": "saw-hours"},
        extra={"calendars": [{"id": "saw-hours", "shifts": shifts}]},
    )
    assert verdict(problem, (0, 125), (95, 135)).ok
    last_lot = (
        "F/weld: works 0 min after F/cut ends, the last transfer lot needs 10 (rule 21)"
    )
    assert verdict(problem, (0, 125), (65, 105)).violations == (last_lot,)
    assert verdict(problem, (0, 125), (60, 100)).violations == (
        "F/weld: starts 5 min before the first transfer lot of F/cut is done (rule 21)",
        last_lot,
    )


def test_a_running_predecessor_counts_from_when_it_started() -> None:
    """cut started 05:30 (minute -30), so it ends at 65 and its first lot
    is done at 5; the last lot has weld end at 75 or later."""
    problem = lot_plant(
        progress={
            "cut": {"state": "running", "machine": "SAW",
                    "started": "2026-12-07T05:30:00Z"}
        }
    )  # fmt: skip
    assert problem.tasks[0].fixed == Placement(0, -30, 65)
    assert verdict(problem, (-30, 65), (35, 75)).ok
    assert verdict(problem, (-30, 65), (5, 45)).violations == (
        "F/weld: works 0 min after F/cut ends, the last transfer lot needs 10 "
        "(rule 21)",
    )


def test_a_predecessor_in_a_batch_hands_on_at_the_batch_end() -> None:
    """bake runs on a batch oven: pack with lots of 1 waits for the door."""
    data = {
        "timezone": "UTC",
        "start": START,
        "machines": [{"id": "OVEN", "batch": {"capacity": 4}}, {"id": "PACK"}],
        "products": [
            {
                "id": "tray",
                "routing": [
                    {"id": "bake", "machines": ["OVEN"], "minutes": 60},
                    {"id": "pack", "machines": ["PACK"], "minutes_per_unit": 10,
                     "transfer_quantity": 1},
                ],
            }
        ],
        "orders": [{"id": "T", "product": "tray", "quantity": 2,
                    "due": "2026-12-20T06:00:00Z"}],
    }  # fmt: skip
    problem = build_problem(Scenario.model_validate(data))
    assert problem.tasks[1].transfer == 1
    assert verdict(problem, (0, 60), (60, 80)).ok
    assert verdict(problem, (0, 60), (50, 70)).violations == (
        "T/pack: starts 10 min too early after T/bake",
    )
