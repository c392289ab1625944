"""The checker on batches (rules 18-20), with placements made by hand.

One oven bakes `120 + 10 x quantity` minutes per order; orders of the same
recipe may share a load up to the capacity. Every expected time below
follows from the contract text alone, never from what the list schedule
happens to do.
"""

from __future__ import annotations

from typing import Any

from mtosched import Scenario, build_problem
from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.schedule_mapping import build_schedule
from mtosched.verify.check import CheckReport, check

START = "2026-12-07T06:00:00Z"


def oven(
    quantities: list[int],
    families: list[str] | None = None,
    *,
    capacity: int = 5,
    machine: dict[str, Any] | None = None,
    bake: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    orders: list[dict[str, Any]] | None = None,
) -> Problem:
    """One oven, one `bake` per order, due late (only feasibility matters)."""
    recipes = families or ["a"] * len(quantities)
    data: dict[str, Any] = {
        "timezone": "UTC",
        "start": START,
        "machines": [
            {"id": "OVEN", "batch": {"capacity": capacity}, **(machine or {})}
        ],
        "products": [
            {
                "id": "part",
                "options": {"recipe": sorted(set(recipes))},
                "routing": [
                    {
                        "id": "bake",
                        "machines": ["OVEN"],
                        "minutes": 120,
                        "minutes_per_unit": 10,
                        "family_option": "recipe",
                        **(bake or {}),
                    }
                ],
            }
        ],
        "orders": [
            {
                "id": f"O{k}",
                "product": "part",
                "quantity": quantity,
                "options": {"recipe": recipes[k]},
                "due": "2026-12-20T06:00:00Z",
                **((orders or [{}] * len(quantities))[k]),
            }
            for k, quantity in enumerate(quantities)
        ],
        **(extra or {}),
    }
    return build_problem(Scenario.model_validate(data))


def verdict(problem: Problem, *places: tuple[int, int]) -> CheckReport:
    """Check one placement (start, end) per task, all on the oven."""
    solution = Solution(tuple(Placement(0, a, b) for a, b in places))
    return check(problem, solution)


def only(report: CheckReport) -> str:
    """The single violation of a report."""
    assert len(report.violations) == 1, report.violations
    return report.violations[0]


def test_a_full_load_of_one_recipe_is_valid() -> None:
    """Quantities 2 + 3 fill capacity 5; the batch lasts the longest, 150 min."""
    problem = oven([2, 3])
    report = verdict(problem, (0, 150), (0, 150))
    assert report.ok, report.violations


def test_a_batch_counts_once_in_utilization() -> None:
    """Two members, 150 busy minutes of 150: 100 %, not 200 % (rule 18)."""
    report = verdict(oven([2, 3]), (0, 150), (0, 150))
    assert report.evaluation is not None
    assert report.evaluation.utilization == {"OVEN": 1.0}


def test_a_member_that_ends_early_is_named() -> None:
    """Every member stays in the oven until the batch ends."""
    message = only(verdict(oven([2, 3]), (0, 140), (0, 150)))
    assert "O0/bake ends 10 min before the batch" in message
    assert "rule 18" in message


def test_a_batch_shorter_than_its_longest_member_is_named() -> None:
    """Both end at 140, but O1 (quantity 3) needs 150."""
    message = only(verdict(oven([2, 3]), (0, 140), (0, 140)))
    assert message == (
        "batch OVEN/1 gets 140 working minutes, its longest member O1/bake "
        "needs 150 (rule 18)"
    )


def test_a_batch_longer_than_its_longest_member_is_named() -> None:
    message = only(verdict(oven([2, 3]), (0, 160), (0, 160)))
    assert "gets 160 working minutes" in message


def test_a_batch_has_no_changeover_inside_so_recipes_never_mix() -> None:
    """Recipes a and b in one load: one family per batch (rule 18)."""
    message = only(verdict(oven([1, 1], ["a", "b"]), (0, 130), (0, 130)))
    assert message.startswith("batch OVEN/1 mixes families (a, b)")


def test_a_load_over_capacity_is_named() -> None:
    message = only(verdict(oven([3, 3]), (0, 150), (0, 150)))
    assert message == (
        "batch OVEN/1 holds 6, more than the capacity 5 of OVEN (rule 18)"
    )


def test_capacity_counts_operations_when_size_is_operations() -> None:
    """Quantities 3 + 3 are two members of size 1 each in capacity 2."""
    problem = oven(
        [3, 3], capacity=2, machine={"batch": {"capacity": 2, "size": "operations"}}
    )
    assert verdict(problem, (0, 150), (0, 150)).ok


def test_batches_on_one_oven_never_overlap() -> None:
    message = only(verdict(oven([1, 1], ["a", "b"]), (0, 130), (100, 230)))
    assert message == "OVEN: batch OVEN/1 and batch OVEN/2 overlap"


def test_a_lone_member_is_a_plain_operation() -> None:
    """A batch of one lasts its member's duration (rule 19)."""
    problem = oven([2])
    assert verdict(problem, (0, 140)).ok
    assert "needs 140" in only(verdict(problem, (0, 150)))


def recipe_oven(quantities: list[int], families: list[str]) -> Problem:
    """The oven changes over 30 min between recipes, 0 within one."""
    return oven(
        quantities,
        families,
        machine={"changeovers": "recipe"},
        extra={
            "changeovers": [{"id": "recipe", "default_minutes": 30, "same_minutes": 0}]
        },
    )


def test_changeovers_are_between_batches_and_counted_once() -> None:
    """Batch a [0, 130), batch b (two members) from 160: one 30 min change."""
    problem = recipe_oven([1, 1, 1], ["a", "b", "b"])
    report = verdict(problem, (0, 130), (160, 290), (160, 290))
    assert report.ok, report.violations
    assert report.evaluation is not None
    assert report.evaluation.terms["changeover_minutes"] == 30
    # busy 130 + 130 processing + 30 changeover of 290 minutes
    assert report.evaluation.utilization == {"OVEN": round(290 / 290, 4)}


def test_a_batch_without_room_for_its_changeover_is_named() -> None:
    problem = recipe_oven([1, 1, 1], ["a", "b", "b"])
    message = only(verdict(problem, (0, 130), (140, 270), (140, 270)))
    assert message == (
        "the batch of O1/bake (2 members): 30 min changeover after O0/bake "
        "needs machine time, only 10 min left"
    )


def test_setup_start_is_written_on_every_member_with_one_value() -> None:
    problem = recipe_oven([1, 1, 1], ["a", "b", "b"])
    solution = Solution(
        (Placement(0, 0, 130), Placement(0, 160, 290), Placement(0, 160, 290))
    )
    report = check(problem, solution)
    assert report.evaluation is not None
    schedule = build_schedule(problem, solution, report.evaluation, status="feasible")
    setups = {(op.order, op.setup_start) for op in schedule.operations}
    changed = problem.instant(130)
    assert setups == {("O0", None), ("O1", changed), ("O2", changed)}
    assert [op.batch for op in schedule.operations] == ["OVEN/1", "OVEN/2", "OVEN/2"]


def test_the_initial_family_counts_before_the_first_batch() -> None:
    problem = oven(
        [1, 1],
        ["b", "b"],
        machine={"changeovers": "recipe", "initial_family": "a"},
        extra={"changeovers": [{"id": "recipe", "default_minutes": 30}]},
    )
    assert "only 0 min left" in only(verdict(problem, (0, 130), (0, 130)))
    report = verdict(problem, (30, 160), (30, 160))
    assert report.ok and report.evaluation is not None
    assert report.evaluation.terms["changeover_minutes"] == 30


def crew_oven(*, stiff: bool = False) -> Problem:
    """O0 (130 min) needs a crew that works 06:00-08:00 and 10:00-22:00;
    O1 (160 min) needs nobody. The oven itself works around the clock, so
    the members' working times differ and the batch's is their intersection.
    With `stiff`, O1 may not be interrupted.
    """
    shifts = [
        {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": a, "to": b}
        for a, b in (("06:00", "08:00"), ("10:00", "22:00"))
    ]
    bake = {"id": "bake", "machines": ["OVEN"], "minutes": 120,
            "minutes_per_unit": 10, "family": "a"}  # fmt: skip
    data = {
        "timezone": "UTC",
        "start": START,
        "calendars": [{"id": "crew-hours", "shifts": shifts}],
        "resources": [{"id": "crew", "capacity": 2, "calendar": "crew-hours"}],
        "machines": [{"id": "OVEN", "batch": {"capacity": 5}}],
        "orders": [
            {"id": "O0", "quantity": 1, "due": "2026-12-20T06:00:00Z",
             "routing": [{**bake, "uses": {"crew": 1}}]},
            {"id": "O1", "quantity": 4, "due": "2026-12-20T06:00:00Z",
             "routing": [{**bake, "interruptible": not stiff}]},
        ],
    }  # fmt: skip
    return build_problem(Scenario.model_validate(data))


def test_a_batch_works_only_while_every_members_crew_works() -> None:
    """Batch working time = oven ∩ O0's crew (rule 18 with rule 5).

    From 06:00 the longest member's 160 minutes (O1's, who needs no crew)
    are 120 until 08:00 and 40 after 10:00: the batch ends at 10:40,
    minute 280; O1 alone would end at minute 160.
    """
    problem = crew_oven()
    assert verdict(problem, (0, 280), (0, 280)).ok
    report = verdict(problem, (0, 160), (0, 160))
    assert report.violations == (
        "batch OVEN/1 gets 120 working minutes, its longest member O1/bake "
        "needs 160 (rule 18)",
        "batch OVEN/1 ends in non-working time of its members (rule 18)",
    )


def test_a_batch_is_interruptible_only_if_all_members_are() -> None:
    """O0 may pause over the crew's break; O1 may not, so neither may the batch."""
    problem = crew_oven(stiff=True)
    message = only(verdict(problem, (0, 280), (0, 280)))
    assert message == (
        "batch OVEN/1 spans non-working time, but O1/bake may not be "
        "interrupted (rule 18)"
    )


def test_every_member_holds_its_resources_for_the_whole_batch() -> None:
    """Two members need 1 crew each; a crew of 1 cannot serve one load."""
    problem = oven(
        [1, 1],
        bake={"uses": {"crew": 1}},
        extra={"resources": [{"id": "crew", "capacity": 1}]},
    )
    message = only(verdict(problem, (0, 130), (0, 130)))
    assert message.startswith("crew: 2 held at")
