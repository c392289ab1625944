"""Durations and instants as a planner reads them, and the cause labels.

Every sentence `explain` writes goes through here, so the text report, the
JSON `text` fields and the README example use one vocabulary.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

#: What a minute on an order's critical chain was spent on (see `chain.py`).
CauseKind = Literal[
    "processing",
    "release",
    "min_wait",
    "material",
    "non_working",
    "changeover",
    "machine_busy",
    "running_work",
    "frozen_plan",
    "resource",
    "batch_wait",
    "idle",
]
CAUSE_KINDS: tuple[CauseKind, ...] = get_args(CauseKind)

#: Kinds that are waiting (everything except the order's own processing).
WAIT_KINDS: tuple[CauseKind, ...] = tuple(k for k in CAUSE_KINDS if k != "processing")

CAUSE_LABELS: dict[CauseKind, str] = {
    "processing": "own work",
    "release": "release date",
    "min_wait": "required wait after a step",
    "material": "material not yet received",
    "non_working": "non-working time",
    "changeover": "changeover",
    "machine_busy": "machine busy with other orders",
    "running_work": "work already running",
    "frozen_plan": "frozen plan",
    "resource": "crew or tool at capacity",
    "batch_wait": "waiting for the rest of its batch",
    "idle": "not forced by any constraint",
}

WHEN = "%a %d %b %H:%M"


def duration(minutes: int) -> str:
    """`1d 04h00`, `3h05`, `-2h00`: days, hours and minutes of elapsed time."""
    sign = "-" if minutes < 0 else ""
    days, rest = divmod(abs(minutes), 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h{mins:02d}"
    return f"{sign}{hours}h{mins:02d}"


def when(moment: datetime) -> str:
    """`Mon 30 Nov 06:00` in the instant's own (the plant's) time zone."""
    return moment.strftime(WHEN)


def window(first: datetime, last: datetime) -> str:
    """`Mon 30 Nov 06:00-14:00` within a day, else `Fri 04 Dec 22:00 → Mon ...`."""
    if first.date() == last.date():
        return f"{when(first)}-{last.strftime('%H:%M')}"
    return f"{when(first)} → {when(last)}"


def listing(items: list[str], limit: int = 3) -> str:
    """`a, b and c`, or `a, b, c and 4 more` beyond `limit`."""
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"
