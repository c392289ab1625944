"""The tables and the chart of `mtosched show`, in the schedule's local time.

Ids and names come from user files: they go into `Text` cells, never rich
markup. Operations are drawn when they overlap the chosen window.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mtosched.cli.gantt import Window, gantt_lines
from mtosched.export.bars import bars
from mtosched.export.timeline import (
    busy_from,
    hours_minutes,
    machine_rows,
    minutes_between,
)
from mtosched.schedule import Schedule, ScheduledOperation, local, utc

_WHEN = "%a %d %b %H:%M"
_NUMERIC = {"#", "min", "setup"}


def render_gantt(
    console: Console,
    plan: Schedule,
    zone: ZoneInfo,
    window: Window,
    machines: list[str],
    orders: list[str],
) -> None:
    """The chart: chosen machines, else those the chosen orders visit, else all."""
    visited = {op.machine for op in _of(plan, orders)}
    rows = machines or [
        m.id for m in machine_rows(plan) if not orders or m.id in visited
    ]
    chosen = set(orders) if orders else None
    lines = gantt_lines(
        plan, zone, window, width=console.width, machines=rows, orders=chosen
    )
    for line in lines:
        console.print(line, no_wrap=True, overflow="crop", crop=True)


def _of(plan: Schedule, orders: list[str]) -> list[ScheduledOperation]:
    return [op for op in plan.operations if op.order in orders]


def _inside(op: ScheduledOperation, window: Window, zone: ZoneInfo) -> bool:
    start, end = local(busy_from(op), zone), local(op.end, zone)
    return (
        minutes_between(start, window.end, zone)
        > 0
        < minutes_between(window.begin, end, zone)
    )


def render_order(
    console: Console, plan: Schedule, zone: ZoneInfo, order_id: str, window: Window
) -> None:
    """One order: its due date and verdict, then its operations in the window."""
    o = next(o for o in plan.orders if o.id == order_id)
    facts = [o.id, o.customer, o.product, f"priority {o.priority}"]
    console.print(Text(" · ".join(f for f in facts if f), style="bold"))
    verdict = (
        Text(f"late by {hours_minutes(o.lateness_minutes)}", style="bold red")
        if o.tardiness_minutes
        else Text(f"on time, {hours_minutes(-o.lateness_minutes)} to spare", "green")
    )
    when = f"due {_when(o.due, zone)} · completion {_when(o.completion, zone)} · "
    console.print(Text(when) + verdict)
    ops = sorted(_of(plan, [order_id]), key=lambda op: utc(op.start, zone))
    # the batch an operation runs in, only for orders that visit a batch machine
    batch = ["batch"] if any(op.batch for op in ops) else []
    table = _table("#", "operation", "machine", *batch, "start", "end", "min")
    for k, op in enumerate(ops, start=1):  # numbered in the whole routing
        if _inside(op, window, zone):
            where = [op.machine] + [op.batch or ""] * len(batch)
            table.add_row(*_cells(op, zone, str(k), op.operation, *where))
    console.print(table)
    console.print()


def render_machine(
    console: Console, plan: Schedule, zone: ZoneInfo, machine_id: str, window: Window
) -> None:
    """One machine: its utilization, then its operations in the window."""
    m = next(m for m in machine_rows(plan) if m.id == machine_id)
    utilization = plan.kpis.machine_utilization.get(machine_id)
    facts = [m.id, m.name, m.work_center and f"work centre {m.work_center}"]
    if utilization is not None:
        facts.append(f"utilization {utilization:.0%}")
    console.print(Text(" · ".join(f for f in facts if f), style="bold"))
    late = {o.id for o in plan.orders if o.tardiness_minutes}
    # a batch is one load: numbered once, its members listed together under it
    loads = bars([op for op in plan.operations if op.machine == machine_id])
    loads.sort(key=lambda bar: utc(bar.busy_from, zone))
    # Changeover and batch columns only on machines that have any.
    setups = [round(minutes_between(bar.busy_from, bar.start, zone)) for bar in loads]
    setup = ["setup"] if any(setups) else []
    batch = ["batch"] if any(bar.batch for bar in loads) else []
    table = _table(
        "#", *batch, "order", "operation", *setup, "start", "end", "min", "late"
    )
    for k, (bar, minutes) in enumerate(zip(loads, setups, strict=True), start=1):
        if not _inside(bar.lead, window, zone):
            continue
        for member, op in enumerate(bar.operations):
            flag = Text("late", style="bold red") if op.order in late else Text("")
            lead = member == 0  # number, batch id and setup once per load
            head = (
                [str(k), *[bar.batch or ""] * len(batch)]
                if lead
                else [""] * (1 + len(batch))
            )
            first = [*head, op.order, op.operation]
            first += [str(minutes or "") if lead else ""] * len(setup)
            table.add_row(*_cells(op, zone, *first), flag)
    console.print(table)
    console.print()


def _table(*columns: str) -> Table:
    table = Table(show_edge=False)
    for column in columns:
        table.add_column(column, justify="right" if column in _NUMERIC else "left")
    return table


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return local(moment, zone).strftime(_WHEN)


def _cells(op: ScheduledOperation, zone: ZoneInfo, *first: str) -> list[Text]:
    """Plain `Text` cells: ids and names are data, never rich markup."""
    minutes = round(minutes_between(op.start, op.end, zone))
    running = " (running)" if op.running else ""
    times = [f"{_when(op.start, zone)}{running}", _when(op.end, zone), str(minutes)]
    return [Text(cell) for cell in (*first, *times)]
