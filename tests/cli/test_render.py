"""Long text from user files is shortened in the terminal, kept whole in files.

Issue 16: a 5 MB order id made rich take 15 s to lay out the summary.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtosched.cli.render import TEXT_WIDTH, shorten
from tests.helpers import run_cli, write_json


def test_shorten_says_how_much_was_left_out() -> None:
    """Short text is untouched; long text keeps its start and counts the rest."""
    assert shorten("SO-1") == "SO-1"
    assert shorten("x" * TEXT_WIDTH) == "x" * TEXT_WIDTH
    assert shorten("abcdefghij", 5) == "abcd… (+6 chars)"


@pytest.mark.cli
def test_a_megabyte_id_is_shortened_in_the_summary(tmp_path: Path) -> None:
    """The late-orders table and machine sequences show a cut id; the file has it all."""
    long_id, long_customer = "X" * 1_000_000, "Y" * 1_000_000
    scenario = {
        "start": "2026-11-30T06:00:00Z",
        "machines": [{"id": "M1"}],
        "products": [
            {"id": "p", "routing": [{"id": "op", "machines": ["M1"], "minutes": 60}]}
        ],
        "orders": [
            {
                "id": long_id,
                "customer": long_customer,
                "product": "p",
                "due": "2026-11-30T06:30:00Z",
            }
        ],
    }
    plan = tmp_path / "plan.json"
    result = run_cli(
        "schedule",
        write_json(tmp_path / "long.json", scenario),
        "--time-limit",
        "2",
        "-o",
        plan,
    )
    assert result.returncode == 0, result.stderr[:2000]
    assert len(result.stdout) < 20_000
    # rich wraps (and may cut further) at 80 columns: compare without
    # borders and spaces; the count of what was left out survives.
    flat = "".join(result.stdout.replace("│", "").split())
    left_out = 1_000_000 - TEXT_WIDTH + 1
    assert flat.count(f"(+{left_out}") == 2  # order and customer (cells wrap)
    assert "(+999981chars)" in flat  # the id in the machine's sequence, at 20
    assert json.loads(plan.read_text())["orders"][0]["id"] == long_id
