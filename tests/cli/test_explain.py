"""`mtosched explain` through the real entry point: text, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mtosched import SolveParams, build_problem, load_scenario, solve
from mtosched.export.json_writer import schedule_json
from tests.helpers import INSTANCES, assert_checked, at, op, order, run_cli, write_json

#: Every test here runs the CLI in a subprocess (deselect with -m "not cli").
pytestmark = pytest.mark.cli

CARS = INSTANCES / "bespoke-cars.json"


@pytest.fixture(scope="module")
def cars_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plant scheduled in a second: the dispatch plan, some late."""
    scenario = load_scenario(CARS)
    schedule = solve(scenario, SolveParams(time_limit=1, workers=2, seed=0))
    assert_checked(build_problem(scenario), schedule)
    assert schedule.kpis.late_orders > 0, "the test needs late orders"
    path = tmp_path_factory.mktemp("cars") / "plan.json"
    path.write_text(schedule_json(schedule), encoding="utf-8")
    return path


def late_ids(plan: Path) -> list[str]:
    data = json.loads(plan.read_text())
    late = [o for o in data["orders"] if o["tardiness_minutes"] > 0]
    return [o["id"] for o in sorted(late, key=lambda o: -o["tardiness_minutes"])]


def test_text_report_on_the_demo_plant(cars_plan: Path) -> None:
    """Every late order gets its story, chain and minutes; then the plant."""
    result = run_cli("explain", CARS, "--schedule", cars_plan, "--no-what-if")
    assert result.returncode == 0, result.stderr
    for oid in late_ids(cars_plan):
        assert f"{oid} is late by" in result.stdout
    for heading in ("Critical chain", "Where the time went", "Largest waits", "Plant:"):
        assert heading in result.stdout
    assert "What if" not in result.stdout


def test_json_report_adds_up_and_tries_levers(cars_plan: Path) -> None:
    """One document on stdout: minutes tile each span, levers were re-solved."""
    result = run_cli(
        "explain",
        CARS,
        "--schedule",
        cars_plan,
        "--format",
        "json",
        "--what-if-time",
        "1",
        "--what-if-orders",
        "1",
        "--workers",
        "2",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [o["order"] for o in data["orders"]] == late_ids(cars_plan)
    assert data["late_orders"] == len(data["orders"])
    for explained in data["orders"]:
        assert sum(explained["minutes"].values()) == explained["span_minutes"]
        assert (
            sum(explained["lateness_share"].values()) == explained["tardiness_minutes"]
        )
        chain = explained["chain"]
        assert (
            sum(s["processing_minutes"] + s["waiting_minutes"] for s in chain)
            == (explained["span_minutes"])
        )
    first, *rest = data["orders"]
    kinds = [lever["kind"] for lever in first["what_if"]["levers"]]
    assert kinds[0] == "resolve" and "priority" in kinds
    assert all(o["what_if"]["note"].startswith("not tried") for o in rest)
    plant = {row["id"]: row for row in data["plant"]}
    assert set(plant) >= {"BODY-1", "PAINT-1", "trim-crew"}
    caused = sum(row["lateness_minutes"] for row in data["plant"])
    assert caused <= sum(o["tardiness_minutes"] for o in data["orders"])


def tiny(tmp_path: Path) -> tuple[Path, Path]:
    """B (300 min) then A (60 min, due at 100) on M1, as a scenario and plan.

    B first costs 260 late minutes of A; A first, 60 of B at priority 5.
    """
    data: dict[str, Any] = {
        "name": "tiny",
        "start": at(0),
        "machines": [{"id": "M1"}],
        "orders": [
            order("A", 100, op(60)),
            order("B", 300, op(300), priority=5),
        ],
    }
    scenario = write_json(tmp_path / "tiny.json", data)
    schedule = solve(load_scenario(scenario), SolveParams(time_limit=5, workers=1))
    plan = tmp_path / "plan.json"
    plan.write_text(schedule_json(schedule), encoding="utf-8")
    return scenario, plan


def test_named_orders_follow_the_files_and_print_the_blocker(tmp_path: Path) -> None:
    """`explain FILE --schedule S ORDER`: B held M1, as the text says."""
    scenario, plan = tiny(tmp_path)
    result = run_cli(
        "explain",
        scenario,
        "--schedule",
        plan,
        "A",
        "--what-if-time",
        "2",
        "--workers",
        "1",
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # rich wraps at the terminal width
    assert "A is late by 4h20" in text
    assert "M1 busy with B/op Mon 30 Nov 06:00-11:00" in text
    assert "· the same scenario, re-solved (control): still late by 4h20" in text
    assert (
        "✓ priority 6 for A (was 1; above every other order): on time, 0h40 to "
        "spare; makes B late by 1h00"
    ) in text


def test_an_unknown_order_exits_1_naming_the_schedule(tmp_path: Path) -> None:
    scenario, plan = tiny(tmp_path)
    result = run_cli("explain", scenario, "--schedule", plan, "--order", "Z-9")
    assert result.returncode == 1
    assert f"{plan}: no order 'Z-9' in the schedule" in result.stderr


def test_a_schedule_of_another_scenario_exits_5(tmp_path: Path) -> None:
    """Edited durations: the schedule no longer fits, so nothing is explained."""
    scenario, plan = tiny(tmp_path)
    data = json.loads(scenario.read_text())
    data["orders"][0]["routing"][0]["minutes"] = 90
    other = write_json(tmp_path / "other.json", data)
    result = run_cli("explain", other, "--schedule", plan, "--format", "json")
    assert result.returncode == 5
    assert json.loads(result.stdout)["explained"] is False
    assert "Cannot explain" in result.stderr and "needs 90" in result.stderr


def test_input_and_usage_errors(tmp_path: Path) -> None:
    """A broken schedule file exits 1 with its name; no scenario file exits 2."""
    scenario, _ = tiny(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = run_cli("explain", scenario, "--schedule", broken)
    assert result.returncode == 1
    assert str(broken) in result.stderr
    usage = run_cli("explain", "SO-1", "--schedule", broken)
    assert usage.returncode == 2


def test_previous_plan_and_freeze_as_for_check(tmp_path: Path) -> None:
    """Tonight's plan kept last night's B frozen: C waits for the frozen plan."""
    night: dict[str, Any] = {
        "name": "nightly",
        "start": at(0),
        "machines": [{"id": "M1"}],
        "orders": [order("B", 1000, op(300))],
    }
    first = write_json(tmp_path / "last-night.json", night)
    last_plan = tmp_path / "last-plan.json"
    last = solve(load_scenario(first), SolveParams(time_limit=5, workers=1))
    last_plan.write_text(schedule_json(last), encoding="utf-8")
    night["orders"].append(order("C", 60, op(60)))
    scenario = write_json(tmp_path / "tonight.json", night)
    made = run_cli(
        "schedule",
        scenario,
        "--previous",
        last_plan,
        "--freeze",
        "8",
        "--workers",
        "1",
        "--time-limit",
        "5",
        "-o",
        tmp_path / "plan.json",
    )
    assert made.returncode == 0, made.stderr
    result = run_cli(
        "explain",
        scenario,
        "--schedule",
        tmp_path / "plan.json",
        "C",
        "--previous",
        last_plan,
        "--freeze",
        "8",
        "--no-what-if",
    )
    assert result.returncode == 0, result.stderr
    assert "M1 busy with B/op (frozen plan)" in " ".join(result.stdout.split())
    lonely = run_cli("explain", scenario, "--schedule", last_plan, "--freeze", "8")
    assert lonely.returncode == 2
