"""The schedule as the contract's JSON document."""

from __future__ import annotations

from mtosched.schedule import Schedule


def schedule_json(schedule: Schedule) -> str:
    """Pretty JSON (2-space indent) with every instant carrying its offset."""
    return schedule.model_dump_json(indent=2, exclude_none=True) + "\n"
