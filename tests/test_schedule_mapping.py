"""Batch ids in a schedule file (rule 20), read back by `mtosched.check`.

The plan: OVEN bakes O0 alone (recipe a), then O1 and O2 together (recipe
b) after a 30 minute changeover; SAW cuts, a plain machine. Each test edits
one thing in the written schedule and expects the check to name it.
"""

from __future__ import annotations

from typing import Any

import pytest

from mtosched import Scenario, Schedule, check
from mtosched.problem.model import Problem
from tests.helpers import run_cli
from tests.helpers.batches import hand_schedule, oven_problem, plant


@pytest.fixture(scope="module")
def problem() -> Problem:
    return oven_problem()


@pytest.fixture(scope="module")
def schedule(problem: Problem) -> Schedule:
    return hand_schedule(problem)


def edited(schedule: Schedule, **changes: dict[str, Any]) -> Schedule:
    """The schedule with some operations' fields replaced, by `ORDER=fields`."""
    operations = [
        op.model_copy(update=changes[op.order]) if op.order in changes else op
        for op in schedule.operations
    ]
    return schedule.model_copy(update={"operations": operations})


def index_of(schedule: Schedule, order: str) -> int:
    return next(k for k, op in enumerate(schedule.operations) if op.order == order)


def violations(problem: Problem, schedule: Schedule) -> tuple[str, ...]:
    return check(problem, schedule).violations


def test_the_written_schedule_has_batch_ids_and_passes(
    problem: Problem, schedule: Schedule
) -> None:
    batches = {op.order: op.batch for op in schedule.operations}
    assert batches == {"O0": "OVEN/1", "O1": "OVEN/2", "O2": "OVEN/2", "P": None}
    assert check(problem, schedule).ok
    # flow: O0 130, O1 and O2 290, P 60 (one changeover of 30, counted once)
    assert schedule.objective == {"weighted_tardiness": 0, "flow_time": 770}


def test_an_operation_on_a_batch_machine_needs_an_id(
    problem: Problem, schedule: Schedule
) -> None:
    k = index_of(schedule, "O0")
    assert violations(problem, edited(schedule, O0={"batch": None})) == (
        f"operations[{k}] (O0/bake): runs on batch machine OVEN without a batch "
        "id (rule 20)",
    )


def test_an_operation_elsewhere_carries_no_id(
    problem: Problem, schedule: Schedule
) -> None:
    k = index_of(schedule, "P")
    assert violations(problem, edited(schedule, P={"batch": "SAW/1"})) == (
        f"operations[{k}] (P/cut): carries batch 'SAW/1' but SAW is not a batch "
        "machine (rule 20)",
    )


def test_one_id_on_two_loads_is_named(problem: Problem, schedule: Schedule) -> None:
    """O0 claims to be in OVEN/2, which starts and ends at other times."""
    found = violations(problem, edited(schedule, O0={"batch": "OVEN/2"}))
    k = index_of(schedule, "O0")
    # O0 comes first in the file, so each real member is named against it
    assert found == tuple(
        f"operations[{j}] (O{j}/bake): in batch 'OVEN/2' with operations[{k}] "
        "but a different start and end and setup_start (rules 18 and 20)"
        for j in (1, 2)
    )


def test_one_load_split_over_two_ids_is_named(
    problem: Problem, schedule: Schedule
) -> None:
    k, j = index_of(schedule, "O1"), index_of(schedule, "O2")
    found = violations(problem, edited(schedule, O2={"batch": "OVEN/3"}))
    assert found == (
        f"operations[{j}] (O2/bake): starts on OVEN with operations[{k}], so they "
        "are one batch, but their ids differ ('OVEN/3', 'OVEN/2') (rule 20)",
    )


def test_members_disagreeing_on_setup_start_are_named(
    problem: Problem, schedule: Schedule
) -> None:
    found = violations(problem, edited(schedule, O2={"setup_start": None}))
    assert len(found) == 1 and "different setup_start" in found[0]


def test_a_member_moved_is_both_a_bad_id_and_a_bad_batch(
    problem: Problem, schedule: Schedule
) -> None:
    """O2 ends 10 min early: its id no longer matches, and the batch breaks."""
    end = schedule.operations[index_of(schedule, "O2")].end
    moved = end.replace(minute=end.minute - 10)
    found = violations(problem, edited(schedule, O2={"end": moved}))
    assert any("different end" in v for v in found)
    assert (
        "batch OVEN/2: O2/bake ends 10 min before the batch; every member "
        "runs the whole batch (rule 18)" in found
    )


@pytest.mark.cli
def test_check_cli_names_a_missing_batch_id(tmp_path: Any, schedule: Schedule) -> None:
    """`mtosched check` exits 5 with the rule in its report."""
    scenario = tmp_path / "plant.json"
    scenario.write_text(
        Scenario.model_validate(plant()).model_dump_json(
            by_alias=True, exclude_none=True
        )
    )
    plan = tmp_path / "plan.json"
    plan.write_text(edited(schedule, O0={"batch": None}).model_dump_json(by_alias=True))
    result = run_cli("check", scenario, "--schedule", plan)
    assert result.returncode == 5, result.stderr
    assert "without a batch id" in result.stdout + result.stderr
