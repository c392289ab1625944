"""The command line through its real entry point: commands, files, exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtosched import build_problem, load_scenario, read_schedule
from mtosched.cli import app as cli_app
from mtosched.cli import schedule as schedule_cli
from mtosched.errors import NoScheduleFoundError
from tests.helpers import INSTANCES, assert_checked, run_cli, write_json


def one_machine(orders: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A one-machine plant: each order is one 60-minute operation on M1."""
    return {
        "name": "tiny",
        "start": "2026-11-30T06:00:00Z",
        "machines": [{"id": "M1"}],
        "products": [
            {"id": "p", "routing": [{"id": "op", "machines": ["M1"], "minutes": 60}]}
        ],
        "orders": orders,
        **extra,
    }


def order(oid: str, due: str, **extra: Any) -> dict[str, Any]:
    return {"id": oid, "product": "p", "due": due, **extra}


@pytest.mark.cli
def test_version_and_help() -> None:
    """--version prints the version; --help lists the four commands."""
    version = run_cli("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("mtosched ")
    helped = run_cli("--help")
    assert helped.returncode == 0
    for command in ("schedule", "validate", "check", "schema"):
        assert command in helped.stdout


@pytest.mark.cli
def test_schedule_writes_json_and_csv_that_check_accepts(tmp_path: Path) -> None:
    """The nightly run: schedule the demo plant, export, re-check the file."""
    plan, table = tmp_path / "s.json", tmp_path / "s.csv"
    scenario = INSTANCES / "bespoke-cars.json"
    result = run_cli(
        "schedule",
        scenario,
        "--time-limit",
        "5",
        "--workers",
        "2",
        "-o",
        plan,
        "-o",
        table,
    )
    assert result.returncode == 0, result.stderr
    assert "KPIs" in result.stdout and "Objective" in result.stdout
    written = json.loads(plan.read_text())
    assert written["status"] in ("optimal", "feasible")
    assert set(written["objective"]) == {"weighted_tardiness", "flow_time"}
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == len(written["operations"])
    assert {"order", "machine", "start", "end", "order_due"} <= set(rows[0])
    checked = run_cli("check", scenario, "--schedule", plan)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "valid" in checked.stdout
    problem = build_problem(load_scenario(scenario))
    assert_checked(problem, read_schedule(plan))


@pytest.mark.cli
def test_output_dash_sends_the_schedule_to_stdout(tmp_path: Path) -> None:
    """`-o -`: JSON on stdout, the human summary moves to stderr."""
    result = run_cli(
        "schedule", INSTANCES / "curing-no-wait.json", "-o", "-", "--time-limit", "5"
    )
    assert result.returncode == 0, result.stderr
    schedule = json.loads(result.stdout)
    assert schedule["status"] == "optimal"
    assert "KPIs" in result.stderr


@pytest.mark.cli
def test_format_json_report(tmp_path: Path) -> None:
    """`--format json` prints one report document for scripts."""
    result = run_cli(
        "schedule",
        INSTANCES / "configurable-options.json",
        "--format",
        "json",
        "--time-limit",
        "5",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "optimal"
    assert report["kpis"]["orders"] == 6
    assert (
        report["objective"]["weighted_tardiness"]
        == report["bound"]["weighted_tardiness"]
    )


@pytest.mark.cli
def test_fail_on_late_gates_with_exit_5(tmp_path: Path) -> None:
    """Two 60-min orders due after 60 min on one machine: one must be late."""
    due = "2026-11-30T07:00:00Z"
    path = write_json(
        tmp_path / "late.json", one_machine([order("A", due), order("B", due)])
    )
    assert run_cli("schedule", path, "--time-limit", "5").returncode == 0
    gated = run_cli("schedule", path, "--time-limit", "5", "--fail-on-late")
    assert gated.returncode == 5
    assert "late" in gated.stderr


@pytest.mark.cli
def test_deadline_beyond_reach_is_infeasible_and_names_the_order(
    tmp_path: Path,
) -> None:
    """A 60-min job with a 30-min deadline: exit 3, the order is named."""
    orders = [order("RUSH", "2026-11-30T06:30:00Z", deadline="2026-11-30T06:30:00Z")]
    path = write_json(tmp_path / "rush.json", one_machine(orders))
    out = tmp_path / "plan.json"
    result = run_cli("schedule", path, "-o", out)
    assert result.returncode == 3
    assert "RUSH" in result.stderr and "deadline" in result.stderr
    assert not out.exists(), "no output file may be written for an infeasible scenario"


@pytest.mark.cli
def test_conflicting_deadlines_name_both_orders(tmp_path: Path) -> None:
    """Each order fits its deadline alone, not both on one machine: exit 3."""
    limit = "2026-11-30T07:30:00Z"
    orders = [order("A", limit, deadline=limit), order("B", limit, deadline=limit)]
    path = write_json(tmp_path / "pair.json", one_machine(orders))
    result = run_cli("schedule", path, "--format", "json")
    assert result.returncode == 3
    reasons = " ".join(json.loads(result.stdout)["reasons"])
    assert "A" in reasons and "B" in reasons and "M1" in reasons


@pytest.mark.cli
def test_check_rejects_a_tampered_schedule(tmp_path: Path) -> None:
    """Moving an operation onto another's time is a violation: exit 5."""
    scenario = INSTANCES / "curing-no-wait.json"
    plan = tmp_path / "plan.json"
    assert (
        run_cli("schedule", scenario, "-o", plan, "--time-limit", "5").returncode == 0
    )
    data = json.loads(plan.read_text())
    first, second = data["operations"][0], data["operations"][1]
    assert first["machine"] == second["machine"]
    second["start"], second["end"] = first["start"], first["end"]
    write_json(plan, data)
    result = run_cli("check", scenario, "--schedule", plan, "--format", "json")
    assert result.returncode == 5
    verdict = json.loads(result.stdout)
    assert not verdict["ok"]
    assert any("overlap" in v or "needs" in v for v in verdict["violations"])


@pytest.mark.cli
def test_check_reports_a_broken_schedule_file(tmp_path: Path) -> None:
    """A schedule that is not JSON is an input error naming line and column."""
    plan = tmp_path / "plan.json"
    plan.write_text('{"status": ')
    result = run_cli("check", INSTANCES / "curing-no-wait.json", "--schedule", plan)
    assert result.returncode == 1
    assert "plan.json" in result.stderr and "line 1, column" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.cli
def test_usage_errors_exit_2(tmp_path: Path) -> None:
    """Unknown options and unsupported output formats are usage errors."""
    assert run_cli("schedule", "--no-such-option").returncode == 2
    bad = run_cli(
        "schedule", INSTANCES / "curing-no-wait.json", "-o", tmp_path / "x.pdf"
    )
    assert bad.returncode == 2
    flat = " ".join(bad.stderr.replace("│", " ").split())
    assert "unsupported output format" in flat


@pytest.mark.cli
def test_now_overrides_start(tmp_path: Path) -> None:
    """--now moves the planning start: nothing starts before it."""
    result = run_cli(
        "schedule",
        INSTANCES / "configurable-options.json",
        "-o",
        "-",
        "--now",
        "2026-12-01T00:00:00Z",
        "--time-limit",
        "5",
    )
    assert result.returncode == 0, result.stderr
    schedule = json.loads(result.stdout)
    assert schedule["start"].startswith("2026-12-01T00:00:00")
    assert min(op["start"] for op in schedule["operations"]) >= schedule["start"]


@pytest.mark.parametrize(
    "instance", ["curing-no-wait.json", "configurable-options.json"]
)
@pytest.mark.cli
def test_one_worker_and_a_seed_repeat_exactly(instance: str) -> None:
    """--workers 1 --seed N gives the same schedule on repeated runs."""
    runs = [
        run_cli(
            "schedule", INSTANCES / instance, "-o", "-", "--workers", "1", "--seed", "7"
        )
        for _ in range(2)
    ]
    assert all(r.returncode == 0 for r in runs)
    first, second = (json.loads(r.stdout) for r in runs)
    for document in (first, second):
        document["solver"].pop("seconds")
        document["solver"].pop("timing")  # measured seconds, like "seconds"
        for stage in document["solver"]["stages"]:
            stage.pop("seconds")
    assert first == second


def test_no_schedule_in_time_exits_4(monkeypatch: pytest.MonkeyPatch) -> None:
    """When nothing is found in time the CLI exits 4 (mapping tested in-process)."""

    def give_up(*args: Any, **kwargs: Any) -> Any:
        raise NoScheduleFoundError("no feasible schedule found within 1 s")

    monkeypatch.setattr(schedule_cli, "solve", give_up)
    result = CliRunner().invoke(
        cli_app.app, ["schedule", str(INSTANCES / "curing-no-wait.json")]
    )
    assert result.exit_code == 4


def test_internal_error_exits_70_without_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug surfaces as exit 70 and a request to report it; --debug shows more."""

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(schedule_cli, "solve", crash)
    runner = CliRunner()
    result = runner.invoke(
        cli_app.app, ["schedule", str(INSTANCES / "curing-no-wait.json")]
    )
    assert result.exit_code == 70
    assert "Traceback" not in result.output
    assert "report" in result.output
    debug = runner.invoke(
        cli_app.app, ["schedule", str(INSTANCES / "curing-no-wait.json"), "--debug"]
    )
    assert debug.exit_code == 70


@pytest.mark.cli
def test_names_that_look_like_markup_print_as_written(tmp_path: Path) -> None:
    """A customer '[/bold]' or an order '[Wien]' is text, not rich markup."""
    due = "2026-11-30T06:30:00Z"  # both late, so both are in the late table
    orders = [
        order("[Wien]", due, customer="[/bold]"),
        order("B", due, customer="[red]x"),
    ]
    path = write_json(tmp_path / "markup.json", one_machine(orders))
    result = run_cli("schedule", path, "--time-limit", "5")
    assert result.returncode == 0, result.stderr
    assert "[Wien]" in result.stdout and "[/bold]" in result.stdout


@pytest.mark.cli
def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    """Atomic writes still leave a file others may read (umask 022 -> 0644)."""
    import os

    old = os.umask(0o022)
    try:
        plan = tmp_path / "plan.json"
        result = run_cli("schedule", INSTANCES / "curing-no-wait.json", "-o", plan)
        assert result.returncode == 0, result.stderr
        assert plan.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)


@pytest.mark.cli
def test_a_schedule_from_an_unfinished_stage_reads_back(tmp_path: Path) -> None:
    """A stage that ends without a bound writes no bound; check still reads it."""
    from mtosched.schedule import StageInfo

    assert (
        StageInfo(term="flow_time", status="unknown", value=1, seconds=0.1).bound
        is None
    )
    plan = tmp_path / "plan.json"
    scenario = INSTANCES / "shopfloor-small.json"
    made = run_cli(
        "schedule", scenario, "--time-limit", "0.05", "--workers", "1", "-o", plan
    )
    assert made.returncode == 0, made.stderr
    checked = run_cli("check", scenario, "--schedule", plan)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def mtosched(*args: str | Path) -> subprocess.Popen[bytes]:
    """`python -m mtosched ARGS` with stdout and stderr on pipes, as a shell runs it."""
    return subprocess.Popen(
        [sys.executable, "-m", "mtosched", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A schedule of the demo plant, for `show` and `diff`."""
    plan = tmp_path_factory.mktemp("small") / "plan.json"
    made = run_cli(
        "schedule", INSTANCES / "curing-no-wait.json", "--time-limit", "5",
        "--workers", "1", "-q", "-o", plan,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return plan


@pytest.mark.parametrize(
    "command",
    [
        ["schema"],
        ["show", "{plan}"],
        ["diff", "{plan}", "{plan}"],
        ["validate", str(INSTANCES / "curing-no-wait.json")],
        ["schedule", str(INSTANCES / "curing-no-wait.json"), "-q", "-o", "{out}"],
    ],
    ids=["schema", "show", "diff", "validate", "schedule-summary"],
)
@pytest.mark.cli
def test_a_reader_gone_before_the_output_ends_it_with_141(
    small_plan: Path, tmp_path: Path, command: list[str]
) -> None:
    """`mtosched ... | true`: the reader leaves first; exit 141, nothing on stderr.

    Rich's consoles and click both ended such a run with 1, "invalid input"
    (issue 16). The pipe is closed before the child has even finished
    importing, so every write it makes meets it closed.
    """
    args = [a.format(plan=small_plan, out=tmp_path / "out.json") for a in command]
    process = mtosched(*args)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # what `| true` does
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, stderr
    assert stderr == ""


@pytest.mark.cli
def test_head_on_a_long_table_ends_it_with_141(tmp_path: Path) -> None:
    """`mtosched show plan.json --machine M1 | head -c 100` on 1,000 operations.

    The table (about 90 kB) outgrows the pipe's 64 kB buffer, so the write
    is still waiting when the reader leaves after its first bytes.
    """
    orders = [order(f"O{i}", "2026-12-30T06:00:00Z") for i in range(1000)]
    scenario = write_json(tmp_path / "many.json", one_machine(orders))
    plan = tmp_path / "plan.json"
    made = run_cli(
        "schedule", scenario, "--time-limit", "2", "--workers", "1", "-q", "-o", plan
    )
    assert made.returncode == 0, made.stderr
    process = mtosched("show", plan, "--machine", "M1")
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100).startswith(b"M1")
    process.stdout.close()  # what `head -c 100` does
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, stderr
    assert stderr == ""
