"""Exporters: one module per format, chosen by the output file's extension.

Each module has `write(schedule, path)`, which writes atomically. Modules are
imported only when their format is asked for, so heavy writers cost nothing
to the other commands.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from mtosched.schedule import Schedule

#: Output extension -> the module that writes it.
FORMATS: dict[str, str] = {
    ".json": "mtosched.export.json_writer",
    ".csv": "mtosched.export.csv_writer",
    ".html": "mtosched.export.html_gantt",
    ".xlsx": "mtosched.export.xlsx_writer",
    ".svg": "mtosched.export.svg_gantt",
}


def is_supported(path: str) -> bool:
    """Whether `-o path` names a format mtosched can write."""
    return Path(path).suffix.lower() in FORMATS


def export_schedule(schedule: Schedule, path: str | Path) -> None:
    """Write `schedule` to `path` in the format its extension names."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        supported = ", ".join(sorted(FORMATS))
        raise ValueError(f"{path}: unsupported output format (use {supported})")
    module = importlib.import_module(FORMATS[suffix])
    module.write(schedule, Path(path))


__all__ = ["FORMATS", "export_schedule", "is_supported"]
