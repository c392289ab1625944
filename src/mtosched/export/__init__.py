"""Exporters: one writer per format, chosen by the output file's extension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mtosched.export.atomic import write_atomically
from mtosched.export.csv_writer import schedule_csv
from mtosched.export.json_writer import schedule_json
from mtosched.schedule import Schedule

WRITERS: dict[str, Callable[[Schedule], str]] = {
    ".json": schedule_json,
    ".csv": schedule_csv,
}


def writer_for(path: str) -> Callable[[Schedule], str] | None:
    """The writer for a path's extension, or None when it is not supported."""
    return WRITERS.get(Path(path).suffix.lower())


def export_schedule(schedule: Schedule, path: str | Path) -> None:
    """Write `schedule` to `path` in the format its extension names."""
    writer = writer_for(str(path))
    if writer is None:
        supported = ", ".join(sorted(WRITERS))
        raise ValueError(f"{path}: unsupported output format (use {supported})")
    write_atomically(Path(path), writer(schedule))


__all__ = ["WRITERS", "export_schedule", "schedule_csv", "schedule_json", "writer_for"]
