"""`mtosched show` through the real CLI, in a 100-column console without colour."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mtosched import SolveParams, build_problem, load_scenario, solve
from mtosched.export.json_writer import write
from tests.helpers import INSTANCES, assert_checked, run_cli
from tests.helpers.report_plant import busy_line, changeover_pair, hand_schedule

#: Every test here runs the CLI in a subprocess (deselect with -m "not cli").
pytestmark = pytest.mark.cli

# The hand-placed plant of report_plant.py: times are Berlin wall-clock, one
# column is 1320 min / 91 columns = 14.5 min, so 08:00 falls in column 8 and
# Berlin midnight in column 74 (UTC midnight would be column 78).
GANTT = """\
Mon 30 Nov 06:00 to Tue 01 Dec 04:00 (Europe/Berlin), one column ≈ 0h15
         06:00   08:00   10:00   12:00    14:00   16:00   18:00   20:00    22:00   01 Dec  02:00
         ┬───────┬───────┬───────┬────────┬───────┬───────┬───────┬────────┬───────┬───────┬────────
SAW-1   │A▒▒▒▒▒▒▒B███████C███████D█████████                                        ┊
PAINT-1 │        A▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒B████████████████████C████████████████████D████████████████████
A O-1 late 1h00   B O-2   C O-3   D O-4   █ on time  ▒ late  ┊ midnight"""

# 12:00 to 20:00 on PAINT-1 only: O-1 is cut off at the left edge, O-4
# (from 23:00) is outside the window and out of the legend.
WINDOW = """\
Mon 30 Nov 12:00 to Mon 30 Nov 20:00 (Europe/Berlin), one column ≈ 0h05
         12:00      13:00      14:00       15:00      16:00      17:00       18:00      19:00
         ┬──────────┬──────────┬───────────┬──────────┬──────────┬───────────┬──────────┬───────────
PAINT-1 │A▒▒▒▒▒▒▒▒▒▒B████████████████████████████████████████████████████████C██████████████████████
A O-1 late 1h00   B O-2   C O-3   █ on time  ▒ late  ┊ midnight"""

# Brackets in a customer name are text, not rich markup.
TABLES = """\
O-2 · Ölz [Wien] & Söhne [/bold] · shelf · priority 1
due Mon 30 Nov 18:00 · completion Mon 30 Nov 18:00 · on time, 0h00 to spare
 # ┃ operation ┃ machine ┃ start            ┃ end              ┃ min
━━━╇━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━
 1 │ cut       │ SAW-1   │ Mon 30 Nov 08:00 │ Mon 30 Nov 10:00 │ 120
 2 │ paint     │ PAINT-1 │ Mon 30 Nov 13:00 │ Mon 30 Nov 18:00 │ 300

PAINT-1 · Paint line · work centre finishing · utilization 91%
 # ┃ order ┃ operation ┃ start            ┃ end              ┃ min ┃ late
━━━╇━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━╇━━━━━━
 1 │ O-1   │ paint     │ Mon 30 Nov 08:00 │ Mon 30 Nov 13:00 │ 300 │ late
 2 │ O-2   │ paint     │ Mon 30 Nov 13:00 │ Mon 30 Nov 18:00 │ 300 │
 3 │ O-3   │ paint     │ Mon 30 Nov 18:00 │ Mon 30 Nov 23:00 │ 300 │
 4 │ O-4   │ paint     │ Mon 30 Nov 23:00 │ Tue 01 Dec 04:00 │ 300 │
"""


@pytest.fixture(autouse=True)
def plain_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """No colour and a known width, whatever terminal runs the tests."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "100")


def _plan(tmp_path: Path, customer: str | None = None) -> Path:
    _, schedule = hand_schedule(tmp_path, customer=customer)
    path = tmp_path / "plan.json"
    write(schedule, path)
    return path


def _show(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli("show", *args)


def _lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines())


def test_gantt_snapshot(tmp_path: Path) -> None:
    """The whole schedule: day tick at Berlin midnight, late O-1 in ▒."""
    result = _show(_plan(tmp_path), "--gantt", "--width", "100")
    assert result.returncode == 0, result.stderr
    assert _lines(result.stdout) == GANTT
    rows = result.stdout.splitlines()[1:5]
    assert {len(row) for row in rows} == {100}


def test_gantt_window_and_machine(tmp_path: Path) -> None:
    """--from (naive: Berlin time), --to (UTC: 20:00 Berlin), --machine narrow it."""
    result = _show(
        _plan(tmp_path), "--gantt", "--machine", "PAINT-1", "--width", "100",
        "--from", "2026-11-30T12:00", "--to", "2026-11-30T19:00:00Z",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _lines(result.stdout) == WINDOW


def test_gantt_of_one_order(tmp_path: Path) -> None:
    """--order draws only that order's bars, on the machines it visits."""
    result = _show(_plan(tmp_path), "--gantt", "--order", "O-3", "--width", "100")
    assert result.returncode == 0, result.stderr
    lines = _lines(result.stdout).splitlines()
    # Cut 10:00-12:00 covers columns 16-24, paint 18:00-23:00 columns 49-70.
    bars = [line.split("│")[1] for line in lines[3:5]]
    assert bars[0] == " " * 16 + "A" + "█" * 8 + " " * 49 + "┊"
    assert bars[1] == " " * 49 + "A" + "█" * 21 + " " * 3 + "┊"
    assert lines[5] == "A O-3   █ on time  ▒ late  ┊ midnight"


def test_legend_names_at_most_62_orders(tmp_path: Path) -> None:
    """70 orders: keys A-Z, a-z, 0-9 name 62; the other 8 share '?'."""
    _, schedule = busy_line(tmp_path, 70)
    path = tmp_path / "plan.json"
    write(schedule, path)
    result = _show(path, "--gantt", "--width", "100")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "9 J061" in text and "J062" not in text
    assert "? 8 more orders (narrow --from/--to)" in " ".join(text.split())


def test_gantt_fits_the_console_width(tmp_path: Path) -> None:
    """Without --width the chart takes the console's width (COLUMNS here)."""
    result = run_cli("show", _plan(tmp_path), "--gantt")
    rows = [line for line in result.stdout.splitlines() if "│" in line]
    assert [len(row) for row in rows] == [100, 100]


def test_order_and_machine_tables(tmp_path: Path) -> None:
    """An order's operations in time order; a machine's sequence with late flags."""
    plan = _plan(tmp_path, customer="Ölz [Wien] & Söhne [/bold]")
    result = _show(plan, "--order", "O-2", "--machine", "PAINT-1", "--width", "100")
    assert result.returncode == 0, result.stderr
    assert _lines(result.stdout) == TABLES


def test_changeovers_in_gantt_and_machine_table(tmp_path: Path) -> None:
    """A 90-minute colour change: light shade before BLUE's bar, a setup column.

    06:00-11:30 over 91 columns is 3.6 min per column: the changeover from
    08:00 fills columns 33-56 and BLUE's key sits at 09:30, column 57.
    """
    _, schedule = changeover_pair(tmp_path)
    path = tmp_path / "plan.json"
    write(schedule, path)
    chart = _show(path, "--gantt", "--width", "100")
    assert chart.returncode == 0, chart.stderr
    lines = _lines(chart.stdout).splitlines()
    assert lines[3] == "PAINT-1 │A" + "█" * 32 + "░" * 24 + "B" + "█" * 33
    assert lines[4] == "A RED   B BLUE   █ on time  ▒ late  ░ changeover  ┊ midnight"
    table = _show(path, "--machine", "PAINT-1", "--width", "100")
    rows = [line.split("│") for line in _lines(table.stdout).splitlines()[3:5]]
    assert [[cell.strip() for cell in row[:4]] for row in rows] == [
        ["1", "RED", "paint", ""],
        ["2", "BLUE", "paint", "90"],
    ]


def test_summary_without_filters(tmp_path: Path) -> None:
    """No options: the same summary `schedule` prints, from the file."""
    result = _show(_plan(tmp_path), "--width", "100")
    assert result.returncode == 0, result.stderr
    lines = _lines(result.stdout).splitlines()
    assert lines[0] == (
        "report-plant  status feasible  start 2026-11-30T06:00:00+01:00 (Europe/Berlin)"
    )
    assert "Late orders (1)" in lines and "KPIs" in lines


def test_late_orders_are_red_in_colour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With colour forced, the late order's legend entry is bold red."""
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    result = _show(_plan(tmp_path), "--gantt", "--width", "100")
    legend = result.stdout.splitlines()[-1]
    assert "\x1b[1;31m late 1h00" in legend
    assert (
        "O-2" in legend and "\x1b[1;31m" not in legend.split("O-2")[1].split("O-3")[0]
    )


def test_unknown_machine_and_order_exit_1(tmp_path: Path) -> None:
    """Unknown names are input errors naming what the file has."""
    result = _show(_plan(tmp_path), "--machine", "LASER-9", "--order", "O-99")
    assert result.returncode == 1
    err = " ".join(result.stderr.split())
    assert "no machine 'LASER-9' (machines: SAW-1, PAINT-1)" in err
    assert "no order 'O-99' in this schedule" in err
    assert result.stdout == ""


def test_broken_file_exits_1(tmp_path: Path) -> None:
    """A schedule that is not JSON: exit 1, naming line and column."""
    broken = tmp_path / "plan.json"
    broken.write_text('{"status": ')
    result = _show(broken, "--gantt")
    assert result.returncode == 1
    assert "plan.json" in result.stderr and "line 1, column" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("--gantt", "--from", "tomorrow"),
        ("--gantt", "--from", "2026-12-01", "--to", "2026-11-30"),
        ("--from", "2026-12-01"),
        ("--gantt", "--width", "20"),
    ],
    ids=["bad-instant", "reversed", "window-without-view", "too-narrow"],
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    """Bad options are usage errors (exit 2), never a traceback."""
    result = _show(_plan(tmp_path), *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_solved_instance_gantt(tmp_path: Path) -> None:
    """curing-no-wait solved to optimality: axis exact, bars follow the sequence.

    The optimal makespan (1320 min) fixes the window; which of several optimal
    sequences the solver returns is not asserted, only that every machine row
    shows its operations' key letters in time order.
    """
    scenario = load_scenario(INSTANCES / "curing-no-wait.json")
    schedule = solve(scenario, SolveParams(time_limit=10, workers=1, seed=0))
    assert_checked(build_problem(scenario), schedule)
    assert schedule.status == "optimal"
    path = tmp_path / "plan.json"
    write(schedule, path)
    result = _show(path, "--gantt", "--width", "100")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("Mon 30 Nov 06:00 to Tue 01 Dec 04:00 (UTC), one column ≈ 0h15")
    legend = {
        entry.split()[1]: entry.split()[0]
        for entry in " ".join(lines[7:]).split("   ")
        if entry.split()[1:] and entry.split()[1] in {o.id for o in schedule.orders}
    }
    for line, machine in zip(
        lines[3:7], ("CUT-1", "MIX-1", "PRESS-1", "OVEN-1"), strict=True
    ):
        assert line.startswith(f"{machine:<8}│") and len(line) == 100
        ops = [op for op in schedule.operations if op.machine == machine]
        expected = "".join(
            legend[op.order] for op in sorted(ops, key=lambda op: op.start)
        )
        assert "".join(c for c in line[9:] if c.isalnum()) == expected
