"""The nightly loop: progress, a frozen horizon, stability, the warm start."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mtosched import (
    InfeasibleError,
    Scenario,
    Schedule,
    SolveParams,
    build_problem,
    check,
    previous_plan,
    read_schedule,
    solve,
)
from mtosched.problem.previous import PlannedOperation, PreviousPlan, stability_weight
from mtosched.scenario.loading import parse_scenario_text
from mtosched.schedule_mapping import solution_from_schedule
from mtosched.verify.evaluate import evaluate, moved_tasks
from tests.helpers import assert_checked, run_cli, write_json
from tests.helpers.nightly import new_orders, next_morning, nightly_plant

FAST = SolveParams(time_limit=4, workers=2, seed=0)


def scenario_of(data: dict[str, Any], name: str = "scenario.json") -> Scenario:
    return parse_scenario_text(json.dumps(data), name)


def merged(*parts: dict[str, Any]) -> Scenario:
    """Scenario parts merged in order, the way the CLI merges files."""
    from mtosched.scenario.loading import merge_scenarios

    return merge_scenarios(
        [scenario_of(p, f"part{k}.json") for k, p in enumerate(parts)]
    )


def frozen_window(
    plan: Schedule, hours: float, freeze: float
) -> dict[tuple[str, str], Any]:
    """Operations the plan starts in [now, now + freeze) for now = start + hours."""
    now = plan.start + timedelta(hours=hours)
    until = now + timedelta(hours=freeze)
    return {
        (op.order, op.operation): op
        for op in plan.operations
        if now <= op.start < until
    }


# --- small pieces -------------------------------------------------------------


def test_stability_goes_right_after_weighted_tardiness() -> None:
    plan = PreviousPlan("p", {})
    assert plan.objective(("weighted_tardiness", "flow_time")) == (
        "weighted_tardiness",
        "stability",
        "flow_time",
    )
    assert plan.objective(("makespan",)) == ("makespan", "stability")
    assert plan.objective(("stability", "makespan")) == ("stability", "makespan")
    off = PreviousPlan("p", {}, add_stability=False)
    assert off.objective(("weighted_tardiness",)) == ("weighted_tardiness",)


def test_work_planned_soon_weighs_most() -> None:
    assert stability_weight(0) == 8
    assert stability_weight(1439) == 8
    assert stability_weight(1440) == 7
    assert stability_weight(6 * 1440) == 2
    assert stability_weight(30 * 1440) == 1
    assert stability_weight(-500) == 8


def test_bad_previous_settings_are_rejected() -> None:
    with pytest.raises(ValueError, match="freeze_hours"):
        PreviousPlan("p", {}, freeze_hours=-1)
    with pytest.raises(ValueError, match="tolerance"):
        PreviousPlan("p", {}, stability_tolerance=-5)


def test_moves_count_machine_changes_and_shifts_beyond_tolerance() -> None:
    data = nightly_plant(1, orders=3)
    scenario = scenario_of(data)
    first = solve(scenario, FAST)
    for tolerance, shift, moved in ((0, 0, 0), (0, 10, 1), (10, 10, 0), (9, 10, 1)):
        ops = {
            (op.order, op.operation): PlannedOperation(op.machine, op.start)
            for op in first.operations
        }
        key = (first.operations[0].order, first.operations[0].operation)
        ops[key] = PlannedOperation(
            ops[key].machine, ops[key].start + timedelta(minutes=shift)
        )
        problem = build_problem(
            scenario, previous=PreviousPlan("p", ops, stability_tolerance=tolerance)
        )
        solution, _ = solution_from_schedule(problem, first)
        assert solution is not None
        assert len(moved_tasks(problem, solution)) == moved, (tolerance, shift)
        t = problem.task_index[key]
        weight = problem.baseline.weights[t] if problem.baseline else 0
        assert evaluate(problem, solution).terms["stability"] == moved * weight


# --- the warm start -----------------------------------------------------------


@pytest.mark.cli
def test_unchanged_optimal_plan_is_kept_exactly_with_a_tiny_time_limit() -> None:
    data = nightly_plant(2, orders=6)
    scenario = scenario_of(data)
    first = solve(scenario, SolveParams(time_limit=20, workers=2))
    assert first.status == "optimal"
    again = solve(
        scenario,
        SolveParams(time_limit=0.05, workers=1),
        previous=previous_plan(first, source="night1.json"),
    )
    assert_checked(build_problem(scenario, previous=previous_plan(first)), again)
    assert (
        again.objective["weighted_tardiness"] == first.objective["weighted_tardiness"]
    )
    assert again.objective["stability"] == 0
    assert again.previous is not None and again.previous.moved_operations == 0


def test_unchanged_plan_is_never_made_worse() -> None:
    """Last night's plan is a candidate: tonight is lexicographically no worse."""
    data = nightly_plant(2)
    scenario = scenario_of(data)
    first = solve(scenario, FAST)
    again = solve(
        scenario, SolveParams(time_limit=0.05, workers=1), previous=previous_plan(first)
    )
    assert_checked(build_problem(scenario, previous=previous_plan(first)), again)
    tonight = [again.objective[t] for t in ("weighted_tardiness", "stability")]
    assert tonight <= [first.objective["weighted_tardiness"], 0]


def test_warm_start_is_no_worse_than_last_nights_plan_for_the_remaining_work() -> None:
    data = nightly_plant(3)
    first = solve(scenario_of(data), FAST)
    tomorrow = scenario_of(next_morning(data, first))
    reference = previous_plan(first)
    problem = build_problem(tomorrow, previous=reference)
    # last night's plan, restricted to what is left: feasible as it stands
    kept, _ = solution_from_schedule(problem, first)
    assert kept is not None
    assert check(problem, kept).ok
    last_night = evaluate(problem, kept).terms
    tonight = solve(problem, SolveParams(time_limit=0.05, workers=1))
    assert_checked(problem, tonight)
    assert [tonight.objective[t] for t in problem.objective] <= [
        last_night[t] for t in problem.objective
    ]


# --- one night later, end to end --------------------------------------------------


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Monday's plan, then Tuesday's: progress, two new orders, a breakdown."""
    folder = tmp_path_factory.mktemp("nightly")
    data = nightly_plant(7)
    monday = write_json(folder / "monday.json", data)
    result = run_cli(
        "schedule",
        monday,
        "--time-limit",
        "4",
        "--workers",
        "2",
        "-q",
        "-o",
        folder / "night1.json",
    )
    assert result.returncode == 0, result.stderr
    night1 = read_schedule(folder / "night1.json")
    tuesday_data = next_morning(data, night1)
    now = night1.start + timedelta(hours=24)
    tuesday = write_json(folder / "tuesday.json", tuesday_data)
    arrivals = write_json(folder / "arrivals.json", new_orders(7, 2, now))
    breakdown = write_json(
        folder / "breakdown.json",
        {
            "downtime": [
                {
                    "machine": "WELD-1",
                    "from": (now + timedelta(hours=10)).isoformat(),
                    "to": (now + timedelta(hours=16)).isoformat(),
                    "reason": "welder repair",
                }
            ]
        },
    )
    files = [tuesday, arrivals, breakdown]
    runs = {}
    reference = ["--previous", folder / "night1.json", "--freeze", "8"]
    for label, extra in (
        ("stable", reference),
        ("free", [*reference, "--no-stability"]),
        ("fresh", []),
    ):
        out = folder / f"night2-{label}.json"
        result = run_cli(
            "schedule",
            *files,
            *extra,
            "--time-limit",
            "4",
            "--workers",
            "2",
            "-q",
            "-o",
            out,
        )
        assert result.returncode == 0, result.stderr
        runs[label] = read_schedule(out)
    return {
        "folder": folder,
        "files": files,
        "night1": night1,
        "tuesday": tuesday_data,
        "runs": runs,
        "scenario": merged(
            tuesday_data,
            json.loads(arrivals.read_text()),
            json.loads(breakdown.read_text()),
        ),
    }


@pytest.mark.cli
def test_frozen_operations_keep_machine_and_start(two_nights: dict[str, Any]) -> None:
    window = frozen_window(two_nights["night1"], 24, 8)
    assert window, "the seeded plan has work in the frozen horizon"
    for label in ("stable", "free"):
        night2 = two_nights["runs"][label]
        placed = {(op.order, op.operation): op for op in night2.operations}
        for key, before in window.items():
            after = placed[key]
            assert after.frozen
            assert (after.machine, after.start) == (before.machine, before.start)
        assert night2.previous is not None
        assert night2.previous.frozen_operations == len(window)


@pytest.mark.cli
def test_running_operations_stay_where_the_floor_has_them(
    two_nights: dict[str, Any],
) -> None:
    running = {
        (order["id"], op): entry
        for order in two_nights["tuesday"]["orders"]
        for op, entry in order.get("progress", {}).items()
        if entry["state"] == "running"
    }
    done = {
        (order["id"], op)
        for order in two_nights["tuesday"]["orders"]
        for op, entry in order.get("progress", {}).items()
        if entry["state"] == "done"
    }
    assert running and done
    night2 = two_nights["runs"]["stable"]
    placed = {(op.order, op.operation): op for op in night2.operations}
    for key, entry in running.items():
        assert placed[key].running
        assert placed[key].machine == entry["machine"]
        assert placed[key].start.isoformat() == entry["started"]
    assert not done & set(placed)
    assert {"SO-900", "SO-901"} <= {o.id for o in night2.orders}


@pytest.mark.cli
def test_both_nights_pass_the_checker_with_previous_and_freeze(
    two_nights: dict[str, Any],
) -> None:
    folder = two_nights["folder"]
    for label in ("stable", "free"):
        result = run_cli(
            "check",
            *two_nights["files"],
            "--schedule",
            folder / f"night2-{label}.json",
            "--previous",
            folder / "night1.json",
            "--freeze",
            "8",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Schedule is valid." in result.stdout
    reference = previous_plan(folder / "night1.json", freeze_hours=8)
    problem = build_problem(two_nights["scenario"], previous=reference)
    assert_checked(problem, two_nights["runs"]["stable"])


@pytest.mark.cli
def test_no_work_runs_while_the_welder_is_down(two_nights: dict[str, Any]) -> None:
    now = two_nights["night1"].start + timedelta(hours=24)
    down_from, down_to = now + timedelta(hours=10), now + timedelta(hours=16)
    for night2 in two_nights["runs"].values():
        for op in night2.operations:
            if op.machine == "WELD-1" and not op.running:
                assert (
                    op.end <= down_from
                    or op.start >= down_to
                    or (
                        op.start < down_from and op.end > down_to  # paused through it
                    )
                ), op
        weld = next(m for m in night2.machines if m.id == "WELD-1")
        assert any(c.from_ <= down_from and c.to >= down_to for c in weld.closed)


def moved_since(folder: Path, label: str) -> int:
    result = run_cli(
        "diff",
        folder / "night1.json",
        folder / f"night2-{label}.json",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["counts"]["moved"])


@pytest.mark.cli
def test_stability_moves_far_fewer_operations(two_nights: dict[str, Any]) -> None:
    runs = two_nights["runs"]
    stable, free = runs["stable"], runs["free"]
    assert stable.previous is not None and free.previous is not None
    assert "stability" in stable.objective and "stability" not in free.objective
    assert "stability" not in runs["fresh"].objective
    moved = {label: moved_since(two_nights["folder"], label) for label in runs}
    assert moved["stable"] == stable.previous.moved_operations
    # a fresh solve reshuffles the plan; rescheduling against it keeps it
    assert moved["stable"] < moved["fresh"], moved


@pytest.mark.cli
def test_a_moved_frozen_operation_fails_the_check(two_nights: dict[str, Any]) -> None:
    folder = two_nights["folder"]
    data = json.loads((folder / "night2-stable.json").read_text())
    frozen = next(op for op in data["operations"] if op["frozen"])
    start = (
        Schedule.model_validate(data).operations[data["operations"].index(frozen)].start
    )
    shifted = start + timedelta(minutes=5)
    frozen["start"] = shifted.isoformat()
    edited = write_json(folder / "edited.json", data)
    result = run_cli(
        "check",
        *two_nights["files"],
        "--schedule",
        edited,
        "--previous",
        folder / "night1.json",
        "--freeze",
        "8",
    )
    assert result.returncode == 5
    assert f"{frozen['order']}/{frozen['operation']}: a frozen operation was moved" in (
        result.stdout
    )


@pytest.mark.cli
def test_diff_reports_what_moved(two_nights: dict[str, Any]) -> None:
    folder = two_nights["folder"]
    result = run_cli("diff", folder / "night1.json", folder / "night2-stable.json")
    assert result.returncode == 0, result.stderr
    stable = two_nights["runs"]["stable"]
    assert stable.previous is not None
    moved = stable.previous.moved_operations
    assert f"{moved} of " in result.stdout
    assert "SO-900" in result.stdout and "SO-901" in result.stdout


# --- what a freeze cannot do ------------------------------------------------------


@pytest.mark.cli
def test_freeze_needs_previous(tmp_path: Path) -> None:
    scenario = write_json(tmp_path / "s.json", nightly_plant(1, orders=2))
    result = run_cli("schedule", scenario, "--freeze", "8")
    assert result.returncode == 2
    assert "--previous" in result.stderr


@pytest.mark.cli
def test_downtime_over_a_frozen_operation_is_infeasible_and_named(
    two_nights: dict[str, Any], tmp_path: Path
) -> None:
    folder = two_nights["folder"]
    (key, op), *_ = sorted(
        frozen_window(two_nights["night1"], 24, 8).items(), key=lambda kv: kv[1].start
    )
    overlay = write_json(
        tmp_path / "down.json",
        {
            "downtime": [
                {
                    "machine": op.machine,
                    "from": (op.start - timedelta(minutes=30)).isoformat(),
                    "to": (op.start + timedelta(minutes=30)).isoformat(),
                }
            ]
        },
    )
    result = run_cli(
        "schedule",
        *two_nights["files"],
        overlay,
        "--previous",
        folder / "night1.json",
        "--freeze",
        "8",
        "--time-limit",
        "3",
        "-q",
    )
    assert result.returncode == 3, result.stderr
    assert (
        f"frozen operation {key[0]}/{key[1]} cannot keep its place on {op.machine}"
        in (" ".join(result.stderr.split()))
    )
    assert "Traceback" not in result.stderr


def two_step_order(minutes: int) -> dict[str, Any]:
    return {
        "timezone": "UTC",
        "start": "2026-11-30T06:00:00Z",
        "machines": [{"id": "M1"}, {"id": "M2"}],
        "orders": [
            {
                "id": "A",
                "due": "2026-11-30T12:00:00Z",
                "routing": [
                    {"id": "first", "machines": ["M1"], "minutes": minutes},
                    {"id": "second", "machines": ["M2"], "minutes": 30},
                ],
            }
        ],
    }


def plan_of(**ops: tuple[str, str]) -> PreviousPlan:
    from datetime import datetime

    return PreviousPlan(
        "night1.json",
        {
            ("A", name): PlannedOperation(machine, datetime.fromisoformat(at))
            for name, (machine, at) in ops.items()
        },
        freeze_hours=2,
    )


def test_frozen_successor_of_a_longer_frozen_operation_is_named() -> None:
    plan = plan_of(
        first=("M1", "2026-11-30T06:00:00Z"), second=("M2", "2026-11-30T07:00:00Z")
    )
    with pytest.raises(InfeasibleError) as caught:
        build_problem(scenario_of(two_step_order(120)), previous=plan)
    assert "frozen operation A/second cannot keep its start" in str(caught.value)
    assert "A/first ends 60 min too late" in str(caught.value)


def test_solver_names_the_frozen_operation_that_blocks_the_routing() -> None:
    # 'first' was planned before now and never reported: it stays on M1 but
    # cannot end before the frozen 'second' starts.
    plan = plan_of(
        first=("M1", "2026-11-30T05:30:00Z"), second=("M2", "2026-11-30T07:00:00Z")
    )
    scenario = scenario_of(two_step_order(120))
    problem = build_problem(scenario, previous=plan)
    assert problem.baseline is not None
    assert any("neither done nor running" in note for note in problem.baseline.notes)
    with pytest.raises(InfeasibleError) as caught:
        solve(problem, SolveParams(time_limit=5, workers=1))
    assert "frozen operation A/second (on M2 from 2026-11-30 07:00" in str(caught.value)


def test_frozen_work_on_a_machine_that_can_no_longer_run_it_is_not_frozen() -> None:
    plan = plan_of(first=("M2", "2026-11-30T06:30:00Z"))
    problem = build_problem(scenario_of(two_step_order(60)), previous=plan)
    assert not any(task.frozen for task in problem.tasks)
    assert problem.baseline is not None
    assert any("can no longer run it" in note for note in problem.baseline.notes)
    schedule = solve(problem, SolveParams(time_limit=2, workers=1))
    assert_checked(problem, schedule)
    assert schedule.objective["stability"] == 8  # moved off a machine it cannot use


@pytest.mark.cli
def test_the_shipped_nightly_recipe_works_end_to_end(tmp_path: Path) -> None:
    """The README's recipe on instances/nightly: reschedule, check, diff."""
    from tests.helpers import INSTANCES

    demo = INSTANCES / "nightly"
    files = [
        demo / "plant.json",
        demo / "orders-tuesday.json",
        demo / "weld-1-down.json",
    ]
    monday = demo / "monday-plan.json"
    reference = ["--previous", monday, "--freeze", "8"]
    out = tmp_path / "tuesday-plan.json"
    result = run_cli(
        "schedule", *files, *reference, "--time-limit", "5", "-q", "-o", out
    )
    assert result.returncode == 0, result.stderr
    assert "frozen until Tue 01 Dec 14:00" in " ".join(result.stdout.split())
    checked = run_cli("check", *files, "--schedule", out, *reference)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tuesday, plan = read_schedule(out), read_schedule(monday)
    window = frozen_window(plan, 24, 8)
    placed = {(op.order, op.operation): op for op in tuesday.operations}
    assert window and all(
        (placed[k].machine, placed[k].start) == (op.machine, op.start)
        for k, op in window.items()
    )
    assert run_cli("diff", monday, out).returncode == 0


@pytest.mark.cli
def test_slack_keeps_more_of_the_plan_within_its_bound(tmp_path: Path) -> None:
    """`objective.slack` through the CLI: stability may spend 30 % lateness.

    The stability stage stays within the weighted tardiness the first stage
    reached plus 30 %; the schedule passes `check` with the same files.
    """
    from tests.helpers import INSTANCES

    demo = INSTANCES / "nightly"
    orders = json.loads((demo / "orders-tuesday.json").read_text(encoding="utf-8"))
    orders["objective"]["slack"] = {"weighted_tardiness": 0.3}
    slack_orders = write_json(tmp_path / "orders-tuesday.json", orders)
    files = [demo / "plant.json", slack_orders, demo / "weld-1-down.json"]
    reference = ["--previous", demo / "monday-plan.json", "--freeze", "8"]
    out = tmp_path / "tuesday-plan.json"
    result = run_cli(
        "schedule", *files, *reference, "--time-limit", "5", "-q",
        "--format", "json", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    stages = {stage["term"]: stage["value"] for stage in report["solver"]["stages"]}
    reached = stages["weighted_tardiness"]
    assert report["objective"]["weighted_tardiness"] <= reached + int(0.3 * reached)
    assert report["objective"]["stability"] == stages["stability"]
    checked = run_cli("check", *files, "--schedule", out, *reference)
    assert checked.returncode == 0, checked.stdout + checked.stderr
