"""Stopping a solve early: Ctrl-C, SIGTERM and a library stop request.

The solve must end long before its time limit, write the best schedule it
has, say it was interrupted, and exit 130 (SIGINT) or 143 (SIGTERM).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mtosched import SolveParams, build_problem, load_scenario, read_schedule, solve
from mtosched.params import StopRequest
from tests.helpers import INSTANCES, assert_checked

#: Every test here runs the CLI in a subprocess (deselect with -m "not cli").
pytestmark = pytest.mark.cli

SCENARIO = INSTANCES / "bespoke-cars.json"


def _schedule(*args: str) -> list[str]:
    """The command line of `mtosched schedule` on the demo plant, as a user runs it."""
    return [sys.executable, "-m", "mtosched", "schedule", str(SCENARIO), *args]


def _schedule_then_signal(
    tmp_path: Path, sig: signal.Signals
) -> tuple[int, float, Path, str]:
    """Start a 120 s solve, signal it 4 s in; exit code, seconds to exit, file."""
    plan = tmp_path / "plan.json"
    process = subprocess.Popen(
        _schedule("--time-limit", "120", "--workers", "2", "--quiet", "-o", str(plan)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    sent = time.monotonic()
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, time.monotonic() - sent, plan, stderr


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_solve_and_writes_the_best_schedule(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    """4 s into a 120 s solve: exit within seconds, the schedule written."""
    returncode, seconds, plan, stderr = _schedule_then_signal(tmp_path, sig)
    assert returncode == code, stderr
    assert seconds < 10, f"took {seconds:.1f} s to stop"
    assert "interrupted" in stderr
    schedule = read_schedule(plan)
    assert schedule.solver is not None and schedule.solver.interrupted
    assert_checked(build_problem(load_scenario(SCENARIO)), schedule)
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"


@pytest.mark.parametrize(
    "imported", ["typer", "pydantic", "mtosched.api", "mtosched.cli.common"]
)
def test_ctrl_c_while_starting_up_exits_130_without_a_traceback(
    tmp_path: Path, imported: str
) -> None:
    """SIGINT while Python imports the commands: 130 and one line, nothing written.

    About 0.3 s after launch it printed a KeyboardInterrupt traceback (issue
    16). `-X importtime` reports each module as its import ends, so the
    signal lands inside the imports however slow the machine is; a fixed
    delay could land before them, in Python's own start-up.
    """
    plan = tmp_path / "plan.json"
    python, *args = _schedule("--time-limit", "60", "--quiet", "-o", str(plan))
    process = subprocess.Popen(
        [python, "-X", "importtime", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.rsplit("|", 1)[-1].strip() == imported:
            process.send_signal(signal.SIGINT)
            break
    rest = process.stderr.read()  # to the end: the process has exited
    process.wait(timeout=60)
    stderr = "".join(
        line for line in rest.splitlines(True) if not line.startswith("import time:")
    )
    assert process.returncode == 130, stderr
    assert stderr == "interrupted\n"
    assert not plan.exists()


def test_a_stop_request_ends_a_library_solve_early() -> None:
    """A stop from another thread 2 s in ends a 60 s solve with its best plan."""
    problem = build_problem(load_scenario(SCENARIO))
    stop = StopRequest()
    timer = threading.Timer(2.0, stop.request)
    timer.start()
    began = time.monotonic()
    schedule = solve(problem, SolveParams(time_limit=60, workers=2, stop=stop))
    timer.join()
    assert time.monotonic() - began < 8
    assert schedule.solver is not None and schedule.solver.interrupted
    assert_checked(problem, schedule)


def test_verbose_and_json_say_where_the_time_went(tmp_path: Path) -> None:
    """`--verbose` prints the phases; `--format json` has them under solver.timing."""
    result = subprocess.run(
        _schedule(
            "--time-limit", "4", "--workers", "2", "--verbose", "--format", "json"
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "dispatch" in result.stderr and "neighbourhoods" in result.stderr
    assert "whole-plant pass" in result.stderr
    timing = json.loads(result.stdout)["solver"]["timing"]
    assert timing["relaxed_model"]  # "run", or why not
    assert timing["dispatch_runs"] >= 4  # four rules at least
    assert timing["compile"] is not None and timing["compile"] > 0
    phases = ("compile", "dispatch", "relaxed", "model_build", "presolve", "search")
    assert sum(timing[p] for p in phases) + timing["neighbourhood"] <= timing["total"]
    assert not json.loads(result.stdout)["solver"]["interrupted"]


def schedule_one_machine_orders(
    folder: Path, count: int, limit: str, plan: Path
) -> subprocess.CompletedProcess[str]:
    """`mtosched schedule` on `count` one-minute orders of one machine."""
    scenario = {
        "start": "2026-11-30T06:00:00Z",
        "machines": [{"id": "M1"}],
        "products": [
            {"id": "p", "routing": [{"id": "op", "machines": ["M1"], "minutes": 1}]}
        ],
        "orders": [
            {"id": f"O{k}", "product": "p", "due": "2026-12-30T06:00:00Z"}
            for k in range(count)
        ],
    }
    path = folder / "big.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mtosched", "schedule", str(path),
         "--time-limit", limit, "-q", "-o", str(plan)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_limit_no_first_schedule_can_meet_fails_at_once(tmp_path: Path) -> None:
    """5,000 orders at 0.2 s: refused before compiling, exit 4, size named."""
    plan = tmp_path / "plan.json"
    began = time.monotonic()
    result = schedule_one_machine_orders(tmp_path, 5000, "0.2", plan)
    assert result.returncode == 4, result.stderr
    assert "5000 orders" in result.stderr and "fits about 200 orders" in result.stderr
    assert time.monotonic() - began < 30  # start-up and reading, no solve
    assert not plan.exists()


def test_a_first_schedule_that_cannot_end_in_time_is_refused_after_compiling(
    tmp_path: Path,
) -> None:
    """8,000 one-operation orders on one machine: within the order count the
    first check allows, but one list schedule needs about 3 s (the square of
    the machine's work), more than a 1 s limit and its 2 s of grace: exit 4
    at once, naming the operations, the machines and the orders that fit."""
    plan = tmp_path / "plan.json"
    began = time.monotonic()
    result = schedule_one_machine_orders(tmp_path, 8000, "1", plan)
    assert result.returncode == 4, result.stderr
    message = " ".join(result.stderr.split())
    assert "8000 orders (8000 operations to place on 1 machine)" in message
    assert "need about 3 s for a first schedule" in message
    assert "raise --time-limit" in message and "fits about" in message
    assert time.monotonic() - began < 30  # reading and compiling, no solve
    assert not plan.exists()
