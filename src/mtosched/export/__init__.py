"""Exporters: one module per format, chosen by the output file's extension.

Each module has `write(schedule, path)`, which writes atomically, and a
function that renders the file's content (named in `FORMATS`), so that
several outputs can be written all or none. Modules are imported only when
their format is asked for, so heavy writers cost nothing to the other
commands.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from mtosched.export.atomic import unwritable, unwritable_folder, write_all
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


#: Output extension -> the function in its module that renders the content.
RENDERERS: dict[str, str] = {
    ".json": "schedule_json",
    ".csv": "schedule_csv",
    ".html": "gantt_html",
    ".xlsx": "workbook_bytes",
    ".svg": "schedule_svg",
}


def render(schedule: Schedule, path: str | Path) -> str | bytes:
    """The content of `path` in the format its extension names."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        supported = ", ".join(sorted(FORMATS))
        raise ValueError(f"{path}: unsupported output format (use {supported})")
    module = importlib.import_module(FORMATS[suffix])
    renderer = getattr(module, RENDERERS[suffix])
    return cast(Callable[[Schedule], str | bytes], renderer)(schedule)


def export_schedules(schedule: Schedule, paths: Sequence[str | Path]) -> None:
    """Write `schedule` to every path, or to none if any of them fails."""
    write_all([(Path(path), render(schedule, path)) for path in paths])


def export_schedule(schedule: Schedule, path: str | Path) -> None:
    """Write `schedule` to `path` in the format its extension names."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        supported = ", ".join(sorted(FORMATS))
        raise ValueError(f"{path}: unsupported output format (use {supported})")
    module = importlib.import_module(FORMATS[suffix])
    module.write(schedule, Path(path))


__all__ = [
    "FORMATS",
    "export_schedule",
    "export_schedules",
    "is_supported",
    "render",
    "unwritable",
    "unwritable_folder",
]
