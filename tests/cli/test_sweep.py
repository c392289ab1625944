"""`mtosched sweep` as a user runs it: the real entry point, a real Dask cluster.

The cluster test starts `dask scheduler` and two `dask worker` processes on
127.0.0.1 and submits through `--cluster`; the others need no cluster.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtosched import build_problem, load_scenario, read_schedule
from mtosched.sweep import EXIT_PARTIAL, apply_overlay, read_overlay
from tests.helpers import assert_checked, run_cli, write_json
from tests.helpers.sweeps import BASE, dask_processes, write_impossible, write_overlays

#: Every test here runs the CLI in a subprocess (deselect with -m "not cli").
pytestmark = pytest.mark.cli


def test_a_sweep_through_a_real_scheduler_and_two_workers(tmp_path: Path) -> None:
    """--cluster ADDR: rows for every variant, a failing one gives exit 6."""
    overlays = write_overlays(tmp_path)
    impossible = write_impossible(tmp_path)
    out = tmp_path / "out"
    with dask_processes(workers=2) as address:
        run = run_cli(
            "sweep", BASE,
            *(f"--variant={name}={path}" for name, path in overlays.items()),
            "--variant", f"impossible={impossible}",
            "--seeds", "0,1", "--time-limit", "2", "--cluster", address,
            "--out", out, "-o", "html", "--format", "json", "--quiet",
        )  # fmt: skip
    assert run.returncode == EXIT_PARTIAL, run.stderr
    report = json.loads(run.stdout)
    assert len(report["rows"]) == 10
    assert report["exit_code"] == EXIT_PARTIAL
    lines = {line["variant"]: line for line in report["variants"]}
    assert lines["impossible"]["status"] == "infeasible"
    assert lines["rush"]["delta_weighted_tardiness"] > 0
    base = load_scenario(BASE)
    for name, seed in report["best"].items():
        merged = (
            base
            if name == "base"
            else apply_overlay(base, read_overlay(overlays[name]))
        )
        schedule = read_schedule(out / f"{name}.json")
        assert schedule.solver is not None and schedule.solver.seed == seed
        assert_checked(build_problem(merged), schedule)
        assert (out / f"{name}.html").exists()


def test_bad_options_are_usage_errors_before_any_cluster_starts(tmp_path: Path) -> None:
    """Seeds that are no numbers, a reserved name, a format nobody writes: exit 2."""
    out = tmp_path / "out"
    for extra in (
        ["--seeds", "0,x"],
        ["--variant", f"summary={BASE}"],
        ["--variant", f"base={BASE}"],
        ["-o", "pdf"],
    ):
        run = run_cli("sweep", BASE, "--out", out, *extra)
        assert run.returncode == 2, (extra, run.stderr)
    assert not out.exists()


def test_an_invalid_base_exits_1_with_file_and_path(tmp_path: Path) -> None:
    """Nothing can run without a base: the contract's input error."""
    broken = write_json(tmp_path / "plant.json", {"orders": [{"id": "X"}]})
    run = run_cli("sweep", broken, "--out", tmp_path / "out", "--quiet")
    assert run.returncode == 1
    assert "plant.json: orders[0]" in run.stderr
