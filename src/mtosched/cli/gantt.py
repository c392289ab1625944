"""A character Gantt chart for `mtosched show --gantt`.

A planner at a terminal wants the shape of the plan at a glance: which
machine is busy when, and which orders are late. One row per machine, one
column per equal slice of the window, so the chart fits any terminal width.
Colour is a bonus, not the message: every bar starts with its order's key
letter from the legend, and late orders are drawn with a different block,
so the chart still reads when piped, printed or seen without colour.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from rich.text import Text

from mtosched.export.bars import Bar, bars
from mtosched.export.timeline import (
    busy_from,
    hours_minutes,
    minutes_between,
    ticks,
)
from mtosched.schedule import Schedule, local, utc

ON_TIME, LATE, SETUP, MIDNIGHT, BATCH = "█", "▒", "░", "┊", "+"
_KEYS = string.ascii_uppercase + string.ascii_lowercase + string.digits
_PALETTE = ("cyan", "green", "yellow", "blue", "magenta", "bright_cyan")
_LATE_STYLE = "bold red"
_LABEL_MAX = 14

#: Maps an instant to its (fractional) column on the chart.
_Columns = Callable[[datetime], float]


@dataclass(frozen=True, slots=True)
class Window:
    """The time span the chart covers, `begin` before `end`, in local time."""

    begin: datetime
    end: datetime


def gantt_lines(
    schedule: Schedule,
    zone: ZoneInfo,
    window: Window,
    *,
    width: int,
    machines: list[str],
    orders: set[str] | None = None,
) -> list[Text]:
    """The chart as lines of exactly `width` cells (the legend may be shorter).

    `machines` are the rows, top to bottom; `orders`, when given, limits the
    bars to those orders.
    """
    label = min(_LABEL_MAX, max((len(m) for m in machines), default=4)) + 1
    cols = max(10, width - label - 1)
    total = max(1.0, minutes_between(window.begin, window.end, zone))
    per_col = total / cols

    def col(moment: datetime) -> float:
        return minutes_between(window.begin, moment, zone) / per_col

    shown = [
        op
        for op in schedule.operations
        if op.machine in machines
        and (orders is None or op.order in orders)
        and col(op.end) > 0
        and col(busy_from(op)) < cols
    ]
    shown.sort(key=lambda op: (utc(busy_from(op), zone), op.machine))
    keys = _keys(op.order for op in shown)
    late = {o.id: o.lateness_minutes for o in schedule.orders if o.tardiness_minutes}
    styles = {
        order: _LATE_STYLE if order in late else _PALETTE[i % len(_PALETTE)]
        for i, order in enumerate(keys)
    }
    days = ticks(window.begin, window.end, zone, 24)
    midnights = {math.floor(col(d)) for d in days if 0 <= col(d) < cols}

    lines = [_heading(window, zone, per_col), *_axis(window, zone, label, cols, col)]
    for machine in machines:
        cells: list[tuple[str, str]] = [
            (MIDNIGHT, "dim") if c in midnights else (" ", "") for c in range(cols)
        ]
        for bar in bars([op for op in shown if op.machine == machine]):
            lead = bar.lead.order
            _draw(cells, bar, col, keys[lead], styles[lead], late)
        name = machine if len(machine) < label else machine[: label - 2] + "…"
        line = Text(f"{name:<{label}}│")
        for style, run in groupby(cells, key=lambda cell: cell[1]):
            line.append("".join(char for char, _ in run), style)  # one escape per run
        lines.append(line)
    setups = any(busy_from(op) != op.start for op in shown)
    batched = any(bar.is_batch for bar in bars(shown))
    lines += _legend(keys, styles, late, width, setups=setups, batches=batched)
    return lines


def _keys(orders: Iterable[str]) -> dict[str, str]:
    """A key character per order, in order of first appearance ('?' past 62)."""
    keys: dict[str, str] = {}
    for order in orders:
        if order not in keys:
            keys[order] = _KEYS[len(keys)] if len(keys) < len(_KEYS) else "?"
    return keys


def _draw(
    cells: list[tuple[str, str]],
    bar: Bar,
    col: _Columns,
    key: str,
    style: str,
    late: dict[str, int],
) -> None:
    """Paint one bar: changeover in light shade, key letter, the order's block.

    A batch is one bar in its first member's colour, late if any member is;
    a `+` after the key says that more orders ride in it.
    """
    setup = max(0, math.floor(col(bar.busy_from)))
    first = max(setup, math.floor(col(bar.start)))
    last = min(len(cells) - 1, math.ceil(col(bar.end)) - 1)
    fill = LATE if any(order in late for order in bar.orders) else ON_TIME
    for c in range(setup, first):
        cells[c] = (SETUP, "dim")
    first = min(first, len(cells) - 1)
    for c in range(first, max(first, last) + 1):
        cells[c] = (fill, style)
    cells[first] = (key, f"reverse {style}")
    if bar.is_batch and first + 1 <= last:
        cells[first + 1] = (BATCH, f"bold {style}")


def _heading(window: Window, zone: ZoneInfo, per_col: float) -> Text:
    fmt = "%a %d %b %H:%M"
    return Text(
        f"{local(window.begin, zone):{fmt}} to {local(window.end, zone):{fmt}} "
        f"({zone.key}), one column ≈ {hours_minutes(per_col)}",
        style="bold",
    )


def _axis(
    window: Window, zone: ZoneInfo, label: int, cols: int, col: _Columns
) -> list[Text]:
    """Two lines: tick labels ("01 Dec" at midnight, else "HH:MM"), tick marks."""
    per_hour = cols * 60 / max(1.0, minutes_between(window.begin, window.end, zone))
    step = next((h for h in (1, 2, 3, 6, 12) if h * per_hour >= 8), None)
    if step is None:
        step = 24 * next(d for d in (1, 2, 7, 14, 28, 10**6) if d * per_hour * 24 >= 8)
    marks = ticks(window.begin, window.end, zone, step)
    labels = [" "] * cols
    rule = ["─"] * cols
    free = 0
    for mark in marks:
        c = math.floor(col(mark))
        if not 0 <= c < cols:
            continue
        rule[c] = "┬"
        text = mark.strftime("%d %b") if mark.hour == mark.minute == 0 else None
        text = text or mark.strftime("%H:%M")
        if c >= free and c + len(text) <= cols:
            labels[c : c + len(text)] = text
            free = c + len(text) + 1
    pad = " " * (label + 1)
    return [Text(pad + "".join(labels), style="dim"), Text(pad + "".join(rule))]


def _legend(
    keys: dict[str, str],
    styles: dict[str, str],
    late: dict[str, int],
    width: int,
    *,
    setups: bool,
    batches: bool = False,
) -> list[Text]:
    """Key letter and order id, late ones with their lateness, wrapped to `width`."""
    items = []
    unkeyed = sum(1 for key in keys.values() if key == "?")
    for order, key in keys.items():
        if key == "?":
            continue
        entry = Text()
        entry.append(key, style=f"reverse {styles[order]}")
        entry.append(f" {order}")
        if order in late:
            entry.append(f" late {hours_minutes(late[order])}", style=_LATE_STYLE)
        items.append(entry)
    if unkeyed:
        # A legend of thousands of orders would bury the chart: narrow the
        # window or pick orders to see them all by name.
        items.append(Text(f"? {unkeyed} more orders (narrow --from/--to)"))
    changeover = f"{SETUP} changeover  " if setups else ""
    batch = f"{BATCH} batch of several orders  " if batches else ""
    items.append(
        Text(f"{ON_TIME} on time  {LATE} late  {changeover}{batch}{MIDNIGHT} midnight")
    )
    lines: list[Text] = [Text("")]
    for item in items:
        if lines[-1].cell_len and lines[-1].cell_len + 3 + item.cell_len > width:
            lines.append(Text(""))
        if lines[-1].cell_len:
            lines[-1].append("   ")
        lines[-1].append_text(item)
    return lines
