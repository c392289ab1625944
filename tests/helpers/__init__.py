"""Shared test helpers: the real CLI entry point and the independent checker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from mtosched import Problem, Schedule, check

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "instances"
#: Public benchmark files and reliability cases kept beside the tests.
DATA = ROOT / "tests" / "data"


def run_cli(
    *args: str | Path, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m mtosched` as a user would, capturing both streams."""
    return subprocess.run(
        [sys.executable, "-m", "mtosched", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def assert_checked(problem: Problem, schedule: Schedule) -> None:
    """Every schedule a test produces must pass the independent checker."""
    report = check(problem, schedule)
    assert report.ok, report.violations
    assert report.evaluation is not None
    for term, value in schedule.objective.items():
        assert report.evaluation.terms[term] == value


def write_json(path: Path, data: Any) -> Path:
    """Write `data` as JSON and return the path."""
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path
