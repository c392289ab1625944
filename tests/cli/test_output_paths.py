"""Output paths: checked before the solve, written all or none, pipes closed early.

Issue 16: `-o` into a missing folder, onto a folder or onto a read-only file
system failed with exit 70 after the whole solve, with the earlier `-o`
files already written (`sweep --out` and `import -o` likewise, before any
work); `-o - | head` ended 0 instead of the documented 141; a killed run
left its temporary files behind for good.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from mtosched import SolveParams, build_problem, load_scenario, solve
from mtosched.export import export_schedules
from mtosched.export import json_writer as json_module
from mtosched.export.atomic import (
    STALE_SECONDS,
    remove_stale,
    unwritable,
    unwritable_folder,
)
from mtosched.schedule import Schedule
from tests.helpers import DATA, INSTANCES, run_cli, write_json

SCENARIO = INSTANCES / "bespoke-cars.json"


def schedule_with(
    *outputs: str | Path, cwd: Path, limit: str = "60"
) -> tuple[int, str, float]:
    """Run `schedule`; exit code, stderr without its box, seconds taken."""
    args: list[str | Path] = ["schedule", SCENARIO, "--time-limit", limit, "-q"]
    for output in outputs:
        args += ["-o", output]
    began = time.monotonic()
    result = run_cli(*args, cwd=cwd)
    text = " ".join(result.stderr.replace("│", " ").split())
    return result.returncode, text, time.monotonic() - began


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("no/such/dir/plan.json", "folder no/such/dir does not exist"),
        ("folder.json", "it is a folder"),
        ("afile.txt/plan.json", "afile.txt is not a folder"),
    ],
)
@pytest.mark.cli
def test_bad_targets_exit_2_before_solving(
    tmp_path: Path, target: str, reason: str
) -> None:
    """Exit 2 naming path and reason, long before a 60 s limit; nothing written."""
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "afile.txt").write_text("x")
    code, stderr, seconds = schedule_with("good.json", target, cwd=tmp_path)
    assert code == 2, stderr
    assert f"'{target}': cannot write there: {reason}" in stderr
    assert seconds < 20  # no solve: the limit is 60 s
    assert not (tmp_path / "good.json").exists()


def one_line(stderr: str) -> str:
    """stderr without the box of a usage error, on one line."""
    return " ".join(stderr.replace("│", " ").split())


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        ("afile.txt", "it is a file"),
        ("afile.txt/out", "afile.txt is not a folder"),
        ("/proc/out", "cannot create a file in /proc: "),
    ],
)
@pytest.mark.cli
def test_sweep_checks_its_folder_before_any_cluster_starts(
    tmp_path: Path, out: str, reason: str
) -> None:
    """`sweep --out` onto a file or into /proc: exit 2 naming it, not exit 70."""
    (tmp_path / "afile.txt").write_text("x")
    began = time.monotonic()
    result = run_cli("sweep", SCENARIO, "--out", out, "--quiet", cwd=tmp_path)
    text = one_line(result.stderr)
    assert result.returncode == 2, text
    assert f"'{out}': cannot write there: {reason}" in text
    assert time.monotonic() - began < 20  # no cluster, no solve
    assert (tmp_path / "afile.txt").read_text() == "x"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("no/such/dir/mk01.json", "folder no/such/dir does not exist"),
        ("folder", "it is a folder"),
    ],
)
@pytest.mark.cli
def test_import_checks_its_output_before_reading(
    tmp_path: Path, target: str, reason: str
) -> None:
    """`import fjsp mk01.txt -o` a missing folder or a folder: exit 2, not 70."""
    (tmp_path / "folder").mkdir()
    result = run_cli("import", "fjsp", DATA / "mk01.txt", "-o", target, cwd=tmp_path)
    text = one_line(result.stderr)
    assert result.returncode == 2, text
    assert f"'{target}': cannot write there: {reason}" in text
    assert list((tmp_path / "folder").iterdir()) == []


def test_a_folder_to_be_created_is_accepted(tmp_path: Path) -> None:
    """`sweep --out new/deep` is made by the sweep: fine when its parent takes it."""
    assert unwritable_folder(tmp_path / "new" / "deep") is None
    assert unwritable_folder(tmp_path) is None
    assert list(tmp_path.iterdir()) == []  # probed, nothing left, nothing made


def test_an_unwritable_place_is_named() -> None:
    """A place nobody may create files in (as root too): the OS's reason."""
    reason = unwritable(Path("/proc/plan.json"))
    assert reason is not None
    assert reason.startswith("cannot create a file in /proc: ")


def test_a_good_target_is_accepted_and_leaves_no_probe(tmp_path: Path) -> None:
    """The check creates and removes its probe: the folder stays empty."""
    assert unwritable(tmp_path / "plan.json") is None
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def plan() -> Schedule:
    problem = build_problem(load_scenario(SCENARIO))
    return solve(problem, SolveParams(time_limit=2, workers=1, seed=0))


def test_several_outputs_are_written_all_or_none(
    tmp_path: Path, plan: Schedule, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One failing output leaves the others untouched and no temporary files."""
    (tmp_path / "plan.csv").write_text("last night's\n")

    def broken(schedule: Schedule) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json_module, "schedule_json", broken)
    with pytest.raises(OSError, match="No space left"):
        export_schedules(plan, [tmp_path / "plan.csv", tmp_path / "plan.json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]
    assert (tmp_path / "plan.csv").read_text() == "last night's\n"
    monkeypatch.undo()
    export_schedules(plan, [tmp_path / "plan.csv", tmp_path / "plan.json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv", "plan.json"]


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    """Old `.NAME.XXXXXXXX.tmp` files go; fresh ones and others' files stay."""
    old = time.time() - STALE_SECONDS - 60

    def temp(name: str, mtime: float | None = None) -> Path:
        path = tmp_path / name
        path.write_text("partial")
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    stale = temp(".plan.json.k3_x9q2a.tmp", old)
    running = temp(".plan.json.a1b2c3d4.tmp")  # another run writing right now
    other_target = temp(".other.json.k3_x9q2a.tmp", old)
    not_ours = temp(".plan.json.backup.tmp", old)
    assert remove_stale(tmp_path / "plan.json") == [stale]
    assert not stale.exists()
    assert running.exists() and other_target.exists() and not_ours.exists()


@pytest.mark.cli
def test_the_next_run_cleans_up_after_a_killed_one(tmp_path: Path) -> None:
    """Through the CLI: writing plan.json removes its stale temporary file."""
    stale = tmp_path / ".plan.json.zz99yy88.tmp"
    stale.write_text('{"half": ')
    old = time.time() - 2 * STALE_SECONDS
    os.utime(stale, (old, old))
    code, stderr, _ = schedule_with("plan.json", cwd=tmp_path, limit="1")
    assert code == 0, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def many_orders(count: int) -> dict[str, Any]:
    """One machine, `count` one-operation orders: a schedule JSON over 64 KiB."""
    return {
        "start": "2026-11-30T06:00:00Z",
        "machines": [{"id": "M1"}],
        "products": [
            {"id": "p", "routing": [{"id": "op", "machines": ["M1"], "minutes": 5}]}
        ],
        "orders": [
            {"id": f"O{i}", "product": "p", "due": "2026-12-30T06:00:00Z"}
            for i in range(count)
        ],
    }


LIMITS = ("--time-limit", "2", "--workers", "1", "-q", "-o", "-")


@pytest.mark.cli
def test_stdout_closed_early_exits_141(tmp_path: Path) -> None:
    """`-o - | head -c 100`: the reader leaves; the documented exit is 141."""
    scenario = write_json(tmp_path / "many.json", many_orders(600))
    process = subprocess.Popen(
        [sys.executable, "-m", "mtosched", "schedule", str(scenario), *LIMITS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100).startswith(b"{")
    process.stdout.close()  # what `head` does
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, stderr
    assert "Traceback" not in stderr and "Internal error" not in stderr


@pytest.mark.cli
def test_quote_checks_its_output_before_solving(tmp_path: Path) -> None:
    """`quote -o` into a missing folder: exit 2 naming it, before a 60 s solve."""
    began = time.monotonic()
    result = run_cli(
        "quote", SCENARIO, "--order", INSTANCES / "quotes" / "roadster.json",
        "--time-limit", "60", "-o", "no/such/dir/quote.json", cwd=tmp_path,
    )  # fmt: skip
    text = " ".join(result.stderr.replace("│", " ").split())
    assert result.returncode == 2, text
    assert "'no/such/dir/quote.json': cannot write there: folder no/such/dir" in text
    assert time.monotonic() - began < 20
