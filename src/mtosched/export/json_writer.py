"""The schedule as the contract's JSON document."""

from __future__ import annotations

from pathlib import Path

from mtosched.export.atomic import write_atomically
from mtosched.schedule import Schedule


def schedule_json(schedule: Schedule) -> str:
    """Pretty JSON (2-space indent) with every instant carrying its offset."""
    return schedule.model_dump_json(indent=2, exclude_none=True, by_alias=True) + "\n"


def write(schedule: Schedule, path: Path) -> None:
    """Write the JSON document atomically."""
    write_atomically(path, schedule_json(schedule))
