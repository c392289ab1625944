"""One CSV row per operation, with the order's due date and lateness beside it.

Planners filter and pivot this in a spreadsheet, so every row is
self-contained and instants are local wall-clock times with their offset.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from mtosched.export.atomic import write_atomically
from mtosched.schedule import Schedule

COLUMNS = (
    "order",
    "customer",
    "priority",
    "operation",
    "machine",
    "batch",
    "start",
    "end",
    "duration_minutes",
    "running",
    "order_due",
    "order_completion",
    "order_lateness_minutes",
    "order_late",
)


def _elapsed_minutes(start: datetime, end: datetime) -> int:
    # In UTC: zoned datetimes subtract as wall-clock times across DST.
    return int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() // 60)


def schedule_csv(schedule: Schedule) -> str:
    """CSV text, operations sorted by machine, then start."""
    orders = {order.id: order for order in schedule.orders}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for op in schedule.operations:
        order = orders[op.order]
        writer.writerow(
            (
                op.order,
                order.customer or "",
                order.priority,
                op.operation,
                op.machine,
                op.batch or "",
                op.start.isoformat(),
                op.end.isoformat(),
                _elapsed_minutes(op.start, op.end),
                "yes" if op.running else "no",
                order.due.isoformat(),
                order.completion.isoformat(),
                order.lateness_minutes,
                "yes" if order.tardiness_minutes > 0 else "no",
            )
        )
    return buffer.getvalue()


def write(schedule: Schedule, path: Path) -> None:
    """Write the CSV file atomically."""
    write_atomically(path, schedule_csv(schedule))
