"""Overlays on a base scenario: replace by id, add, override scalars; errors name files.

No Dask here: only the merge that every sweep variant goes through.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mtosched import InputError, load_scenario
from mtosched.sweep import apply_overlay, read_overlay
from tests.helpers import INSTANCES, write_json

BASE = INSTANCES / "configurable-options.json"


def test_an_order_with_a_base_id_replaces_it_in_place(tmp_path: Path) -> None:
    """BR-101 keeps its place with the overlay's due date; BR-900 is appended."""
    overlay = write_json(
        tmp_path / "rush.json",
        {
            "orders": [
                {"id": "BR-101", "product": "bracket", "quantity": 40,
                 "options": {"shape": "flat", "gusset": "no"},
                 "due": "2026-11-30T09:00:00Z", "priority": 5},
                {"id": "BR-900", "product": "bracket", "quantity": 1,
                 "options": {"shape": "flat", "gusset": "no"},
                 "due": "2026-12-01T09:00:00Z"},
            ]
        },
    )  # fmt: skip
    base = load_scenario(BASE)
    merged = apply_overlay(base, read_overlay(overlay))
    ids = [o.id for o in merged.orders]
    assert ids == [*(o.id for o in base.orders), "BR-900"]
    assert merged.orders[0].priority == 5
    assert merged.origin("orders", 0).file == str(overlay)
    assert merged.origin("orders", 1).file == str(BASE)


def test_scalars_in_the_overlay_win_and_downtime_is_added(tmp_path: Path) -> None:
    """An objective in the overlay replaces the base's instead of disagreeing."""
    overlay = write_json(
        tmp_path / "makespan.json",
        {
            "objective": {"terms": ["makespan"]},
            "downtime": [{"machine": "WELD-1", "from": "2026-11-30T06:00:00Z",
                          "to": "2026-11-30T10:00:00Z"}],
        },
    )  # fmt: skip
    merged = apply_overlay(load_scenario(BASE), read_overlay(overlay))
    assert merged.objective_terms == ("makespan",)
    assert merged.name == "configurable-options"
    assert [d.machine for d in merged.downtime] == ["WELD-1"]


def test_a_bad_overlay_names_its_file_and_json_path(tmp_path: Path) -> None:
    """An unknown machine in the overlay is an input error at the overlay's path."""
    overlay = write_json(
        tmp_path / "bad.json",
        {"downtime": [{"machine": "WELD-9", "from": "2026-11-30T06:00:00Z",
                       "to": "2026-11-30T10:00:00Z"}]},
    )  # fmt: skip
    with pytest.raises(InputError) as caught:
        apply_overlay(load_scenario(BASE), read_overlay(overlay))
    issue = caught.value.issues[0]
    assert issue.file == str(overlay)
    assert issue.path.startswith("downtime[0]")
    assert "WELD-9" in issue.message


def test_a_repeated_id_within_one_overlay_is_refused(tmp_path: Path) -> None:
    """Replacement is by the base's ids; two equal ids in the overlay are a typo."""
    order = {"id": "BR-900", "product": "bracket",
             "options": {"shape": "flat", "gusset": "no"},
             "due": "2026-12-01T09:00:00Z"}  # fmt: skip
    overlay = write_json(tmp_path / "twice.json", {"orders": [order, order]})
    with pytest.raises(InputError, match="duplicate id 'BR-900'"):
        read_overlay(overlay)
