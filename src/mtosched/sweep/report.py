"""The sweep's output folder: summaries and each variant's best schedule.

`summary.json` and `summary.csv` are rewritten as every cell finishes, so
the folder always tells how far a sweep got; the workbook, the HTML page
and the best schedules follow when the sweep ends (or is stopped). Every
file is written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from mtosched.export import render
from mtosched.export.atomic import write_all, write_atomically
from mtosched.export.json_writer import schedule_json
from mtosched.sweep.cells import SweepResult, SweepRow
from mtosched.sweep.compare import compare
from mtosched.sweep.page import summary_html
from mtosched.sweep.workbook import summary_workbook

#: KPI columns of `summary.csv`, after variant, seed, status and seconds.
KPI_COLUMNS = (
    "orders",
    "late_orders",
    "on_time_rate",
    "weighted_tardiness",
    "total_tardiness_minutes",
    "max_tardiness_minutes",
    "makespan_minutes",
)


def summary_json(result: SweepResult) -> str:
    """`summary.json`: `{"rows": [...], "best": {variant: seed}}`."""
    return json.dumps(result.to_json(), indent=2) + "\n"


def summary_csv(rows: Sequence[SweepRow]) -> str:
    """One line per cell; objective terms as `objective.TERM` columns."""
    terms: list[str] = []
    for row in rows:
        terms.extend(t for t in row.objective if t not in terms)
    header = [
        "variant",
        "seed",
        "status",
        "seconds",
        *(f"objective.{t}" for t in terms),
        *KPI_COLUMNS,
        "busiest_utilization",
        "error",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        load = row.kpis.get("machine_utilization") or {}
        writer.writerow(
            [
                row.variant,
                row.seed,
                row.status,
                row.seconds,
                *(row.objective.get(t, "") for t in terms),
                *(row.kpis.get(k, "") for k in KPI_COLUMNS),
                max(load.values(), default=""),
                row.error or "",
            ]
        )
    return buffer.getvalue()


def write_progress(result: SweepResult, out: Path) -> None:
    """The summaries as they stand: called after every finished cell."""
    write_all(
        [
            (out / "summary.json", summary_json(result)),
            (out / "summary.csv", summary_csv(result.rows)),
        ]
    )


def write_report(
    result: SweepResult, out: Path, formats: Sequence[str] = ()
) -> list[Path]:
    """Every summary, and each variant's best schedule as JSON and `formats`.

    `formats` are extensions such as ".html"; returns the files written.
    """
    lines = compare(result)
    files: list[tuple[Path, str | bytes]] = [
        (out / "summary.json", summary_json(result)),
        (out / "summary.csv", summary_csv(result.rows)),
        (out / "summary.xlsx", summary_workbook(lines, result.rows)),
        (out / "summary.html", summary_html(lines, result.rows)),
    ]
    for variant, schedule in result.schedules.items():
        files.append((out / f"{variant}.json", schedule_json(schedule)))
        for suffix in formats:
            if suffix != ".json":
                path = out / f"{variant}{suffix}"
                files.append((path, render(schedule, path)))
    for path, content in files:
        write_atomically(path, content)  # one by one: a big sweep stays small
    return [path for path, _ in files]
