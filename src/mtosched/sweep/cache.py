"""Finished cells kept in the output folder, so that a rerun skips them.

Each cell is one file, `DIR/cells/KEY.json`, holding its row and its
schedule, written atomically the moment the cell finishes: a sweep that is
killed keeps every cell it finished. Only outcomes a rerun would repeat
are kept (see `CACHED_STATUSES`); a cell that ran out of time or lost its
worker runs again.
"""

from __future__ import annotations

import json
from pathlib import Path

from mtosched.export.atomic import write_atomically
from mtosched.sweep.cells import CACHED_STATUSES, CellOutcome, SweepRow

#: The cache's folder inside the output folder.
CELLS_FOLDER = "cells"


def cell_path(out: Path, key: str) -> Path:
    """Where the cell with this key is kept."""
    return out / CELLS_FOLDER / f"{key}.json"


def load_cell(out: Path, key: str) -> CellOutcome | None:
    """The stored outcome of a cell, or None (absent, unreadable, stale)."""
    path = cell_path(out, key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        row = SweepRow.from_json(data["row"], key)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged file is only a cache miss
    schedule = data.get("schedule")
    if row.status not in CACHED_STATUSES or (row.ok and schedule is None):
        return None
    text = None if schedule is None else json.dumps(schedule, indent=2) + "\n"
    return CellOutcome(row, text)


def store_cell(out: Path, outcome: CellOutcome) -> None:
    """Keep a finished cell when a rerun would only repeat it."""
    row = outcome.row
    if row.status not in CACHED_STATUSES or not row.key:
        return
    schedule = (
        None if outcome.schedule_json is None else json.loads(outcome.schedule_json)
    )
    path = cell_path(out, row.key)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"row": row.to_json(), "schedule": schedule}
    write_atomically(path, json.dumps(document, indent=1) + "\n")
