"""`benchmarks/seeds.py`: solves over seeds with search settings, as a table."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import INSTANCES, ROOT


def test_one_term_two_seeds_and_a_setting_make_a_checked_table() -> None:
    """Each seed's row, then the median; the setting reaches the engine (the
    pass is off, so its column says why)."""
    command = [sys.executable, str(ROOT / "benchmarks" / "seeds.py")]
    command += [str(INSTANCES / "bespoke-cars.json"), "--time-limit", "2"]
    command += ["--workers", "1", "--seeds", "0", "1"]
    command += ["--term", "weighted_tardiness", "--search", "relaxed_max_tasks=0"]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "| bespoke-cars" in line]
    assert [row.split("|")[2].strip() for row in rows] == ["0", "1", "median"]
    assert all("skipped: more than 0 operations" in row for row in rows[:2])
