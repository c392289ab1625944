"""`mtosched diff`: what moved between last night's plan and tonight's.

A report, not a gate: it exits 0 however much changed. Broken files exit 1
with the file and JSON path, through the shared `run_command`. Text output
is for people (`diff_view.py`: largest changes first, rows capped by
`--limit`); `--format json` is one document whose keys are listed in
`diff_document`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from mtosched.api import read_schedule
from mtosched.cli.common import (
    EXIT_OK,
    DebugOpt,
    FormatOpt,
    Report,
    run_command,
    stdout,
)
from mtosched.cli.diff_view import render_diff
from mtosched.diff import diff_schedules, duplicate_operations
from mtosched.errors import InputError, Issue
from mtosched.schedule import Schedule, zone_of
from mtosched.schedule_diff import ScheduleDiff


def diff_command(
    old: Annotated[
        Path,
        typer.Argument(help="The earlier schedule JSON file.", show_default=False),
    ],
    new: Annotated[
        Path,
        typer.Argument(help="The later schedule JSON file.", show_default=False),
    ],
    tolerance: Annotated[
        int,
        typer.Option(
            "--tolerance",
            min=0,
            metavar="MINUTES",
            help="Start shifts up to this many minutes (same machine) "
            "do not count as moves.",
        ),
    ] = 0,
    fmt: FormatOpt = Report.text,
    limit: Annotated[
        int,
        typer.Option(min=0, help="Rows per table in text output; 0 = all."),
    ] = 30,
    debug: DebugOpt = False,
) -> None:
    """Compare two schedule files: moved operations, orders, KPIs.

    Operations are matched by order and operation, orders by id; moves are
    differences of absolute instants, so a later planning start or another
    UTC offset moves nothing by itself. Exit 0 however much changed.

    Examples:
      mtosched diff plan-monday.json plan-tuesday.json

      mtosched diff old.json new.json --tolerance 15 --limit 0

      mtosched diff old.json new.json --format json | jq .counts

    """

    def body() -> int:
        before, after = _read_both(old, new)
        changes = diff_schedules(before, after, tolerance_minutes=tolerance)
        if fmt is Report.json:
            print(json.dumps(diff_document(changes), indent=2))
        else:
            render_diff(stdout, changes, zone_of(after), limit=limit)
        return EXIT_OK

    run_command(body, debug=debug, fmt=fmt)


def _read_both(old: Path, new: Path) -> tuple[Schedule, Schedule]:
    """Both schedules, or one `InputError` with the problems of both files."""
    issues: list[Issue] = []
    plans: list[Schedule] = []
    for path in (old, new):
        try:
            plan = read_schedule(path)
        except InputError as exc:
            issues.extend(exc.issues)
            continue
        issues.extend(_usable(plan, str(path)))
        plans.append(plan)
    if issues:
        raise InputError(issues)
    return plans[0], plans[1]


def _usable(plan: Schedule, file: str) -> list[Issue]:
    """What `diff_schedules` would reject, said with file and JSON path."""
    issues = []
    try:
        zone_of(plan)
    except ValueError as exc:
        issues.append(Issue(file, "timezone", str(exc)))
    for k in duplicate_operations(plan):
        op = plan.operations[k]
        issues.append(
            Issue(
                file,
                f"operations[{k}]",
                f"order '{op.order}' operation '{op.operation}' is listed twice",
            )
        )
    return issues


def diff_document(changes: ScheduleDiff) -> dict[str, Any]:
    """The `--format json` document.

    Keys: summary, old_start, new_start, start_shift_minutes,
    tolerance_minutes, counts, moved, orders_changed, orders_new, orders_gone,
    operations_added, operations_removed, kpis (see `mtosched.diff` for the
    fields of each). Instants are ISO 8601 with offsets; minutes are signed
    integers, positive = later.
    """
    data = changes.model_dump(mode="json")
    return {"summary": changes.summary(), **data}
