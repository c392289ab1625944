"""The text form of a `ScheduleDiff`: largest changes first, tables capped.

Every time is shown in the new schedule's zone; ids and customer names go
into `Text` cells (never rich markup), so `[Wien]` prints as written.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mtosched.schedule import local
from mtosched.schedule_diff import OperationGroup, ScheduleDiff, duration_text

#: Date and time without the weekday, so that tables fit 80 columns.
_WHEN = "%d %b %H:%M"
_NO_WRAP = {"start", "completion", "due", "Δ", "now", "lateness"}
_Row = TypeVar("_Row")
_KPI_LABELS = {
    "orders": "orders",
    "late_orders": "late orders",
    "on_time_rate": "on-time rate",
    "total_tardiness_minutes": "total tardiness",
    "max_tardiness_minutes": "max tardiness",
    "max_lateness_minutes": "max lateness",
    "weighted_tardiness": "weighted tardiness",
    "total_flow_time_minutes": "total flow time",
    "makespan_minutes": "makespan",
}


def render_diff(
    console: Console, changes: ScheduleDiff, zone: ZoneInfo, *, limit: int
) -> None:
    """The report for people, every time in the new schedule's zone."""
    # One line however wide the terminal, so that logs can be grepped.
    console.print(Text(changes.summary(), style="bold"), soft_wrap=True)
    shift = changes.start_shift_minutes
    console.print(
        Text(
            f"old plan from {_when(changes.old_start, zone)}, new plan from "
            f"{_when(changes.new_start, zone)} ({duration_text(shift)}); "
            f"tolerance {duration_text(changes.tolerance_minutes, signed=False)}",
            style="dim",
        ),
        soft_wrap=True,
    )
    _moved(console, changes, zone, limit)
    _orders(console, changes, zone, limit)
    _arrivals(console, changes, zone, limit)
    _partial(
        console,
        "Operations removed from kept orders",
        changes.operations_removed,
        limit,
    )
    _partial(
        console, "Operations added to kept orders", changes.operations_added, limit
    )
    _kpis(console, changes)


def _moved(console: Console, changes: ScheduleDiff, zone: ZoneInfo, limit: int) -> None:
    """Moved operations, largest move first; the old start is start minus Δ."""
    if not changes.moved:
        return
    table = _table(
        f"Moved operations ({len(changes.moved)})",
        *("order", "operation", "machine", "start", "Δ"),
    )
    shown = _capped(changes.moved, limit)
    for m in shown:
        machine = (
            f"{m.old_machine} → {m.new_machine}" if m.machine_changed else m.new_machine
        )
        table.add_row(
            *_cells(
                m.order,
                m.operation,
                machine,
                _when(m.new_start, zone),
                duration_text(m.delta_minutes),
            )
        )
    _print(console, table, len(changes.moved) - len(shown))


def _orders(
    console: Console, changes: ScheduleDiff, zone: ZoneInfo, limit: int
) -> None:
    """Orders that became late, became on time, or just moved, in that order.

    The flipped verdicts come first: they are the rows a planner acts on.
    """
    for verdict, title, style in (
        ("late", "Became late", "bold red"),
        ("on_time", "Became on time", "green"),
        (None, "Order completion moved", None),
    ):
        rows = [c for c in changes.orders_changed if c.became == verdict]
        if not rows:
            continue
        table = _table(
            f"{title} ({len(rows)})",
            *("order", "customer", "completion", "Δ", "now"),
            style=style,
        )
        shown = _capped(rows, limit)
        for c in shown:
            table.add_row(
                *_cells(
                    c.order,
                    c.customer or "",
                    _when(c.new_completion, zone),
                    duration_text(c.completion_delta_minutes),
                    _lateness(c.new_lateness_minutes),
                )
            )
        _print(console, table, len(rows) - len(shown))


def _arrivals(
    console: Console, changes: ScheduleDiff, zone: ZoneInfo, limit: int
) -> None:
    """New orders (as planned now) and gone ones (as they were planned)."""
    for title, rows in (
        ("New orders ({})", changes.orders_new),
        ("Gone orders ({}): finished or dropped", changes.orders_gone),
    ):
        if not rows:
            continue
        table = _table(
            title.format(len(rows)),
            "order",
            "customer",
            "due",
            "completion",
            "lateness",
        )
        shown = _capped(rows, limit)
        for o in shown:
            table.add_row(
                *_cells(
                    o.order,
                    o.customer or "",
                    _when(o.due, zone),
                    _when(o.completion, zone),
                    _lateness(o.lateness_minutes),
                )
            )
        _print(console, table, len(rows) - len(shown))


def _partial(
    console: Console, title: str, groups: list[OperationGroup], limit: int
) -> None:
    """Operations of orders present in both schedules, one row per order."""
    rows = [g for g in groups if not g.whole_order]
    if not rows:
        return
    count = sum(len(g.operations) for g in rows)
    table = _table(f"{title} ({count})", "order", "operations")
    shown = _capped(rows, limit)
    for g in shown:
        names = ", ".join(f"{p.operation} ({p.machine})" for p in g.operations)
        table.add_row(*_cells(g.order, names))
    _print(console, table, len(rows) - len(shown))


def _kpis(console: Console, changes: ScheduleDiff) -> None:
    if not changes.kpis:
        return
    table = _table("KPIs", "kpi", "old", "new", "Δ")
    for name, k in changes.kpis.items():
        if name == "on_time_rate":
            values = f"{k.old:.1%}", f"{k.new:.1%}", _signed(f"{k.delta:+.1%}")
        elif name.endswith("_minutes"):
            old, new, delta = int(k.old), int(k.new), int(k.delta)
            values = (
                # Max lateness is negative when every order is early.
                duration_text(old, signed=old < 0),
                duration_text(new, signed=new < 0),
                duration_text(delta),
            )
        else:
            values = str(k.old), str(k.new), _signed(f"{k.delta:+}")
        table.add_row(*_cells(_KPI_LABELS.get(name, name), *values))
    console.print(table)


def _signed(number: str) -> str:
    """A formatted signed number with the true minus `duration_text` uses."""
    if number.lstrip("+-").strip("0.%") == "":
        return number.lstrip("+-")
    return number.replace("-", "\u2212")


def _lateness(minutes: int) -> str:
    """Signed lateness as words: "late 2 h 05 min" or "45 min early"."""
    if minutes > 0:
        return f"late {duration_text(minutes, signed=False)}"
    if minutes < 0:
        return f"{duration_text(-minutes, signed=False)} early"
    return "on the dot"


def _table(title: str, *columns: str, style: str | None = None) -> Table:
    # A title wider than its table would wrap: make the table that wide.
    table = Table(
        title=title,
        title_justify="left",
        title_style=style,
        show_edge=False,
        min_width=len(title),
    )
    for column in columns:
        table.add_column(
            column,
            justify="right" if column in ("Δ", "old", "new") else "left",
            no_wrap=column in _NO_WRAP,
        )
    return table


def _cells(*values: str) -> list[Text]:
    """Plain `Text` cells: ids and customer names are data, never rich markup."""
    return [Text(value) for value in values]


def _capped(rows: list[_Row], limit: int) -> list[_Row]:
    return rows if limit == 0 else rows[:limit]


def _print(console: Console, table: Table, hidden: int) -> None:
    console.print(table)
    if hidden:
        console.print(f"… and {hidden} more (--limit 0 shows all)")


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return local(moment, zone).strftime(_WHEN)
