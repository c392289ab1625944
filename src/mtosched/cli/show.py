"""`mtosched show`: read a schedule file in the terminal.

The nightly plan is a JSON file; a planner who wants to know "what runs on
the press tomorrow" or "where is order 2417" should not need Excel for it.
Without options this prints the same summary as `schedule`; `--order` and
`--machine` print one table each, `--gantt` draws the machines over time.
All times are local wall-clock in the schedule's time zone.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mtosched.api import read_schedule
from mtosched.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    DebugOpt,
    Report,
    parse_instant,
    run_command,
    stderr,
)
from mtosched.cli.gantt import Window, gantt_lines
from mtosched.cli.render import render_schedule
from mtosched.errors import InputError, Issue
from mtosched.export.timeline import (
    busy_from,
    hours_minutes,
    local,
    machine_rows,
    minutes_between,
    span,
    utc,
    zone_of,
)
from mtosched.schedule import Schedule, ScheduledOperation

_WHEN = "%a %d %b %H:%M"
_NUMERIC = {"#", "min", "setup"}


def show_command(
    schedule_file: Annotated[
        Path, typer.Argument(help="A schedule JSON file (`schedule -o plan.json`).")
    ],
    machine: Annotated[
        list[str] | None,
        typer.Option("--machine", "-m", help="Show this machine. Repeatable."),
    ] = None,
    order: Annotated[
        list[str] | None,
        typer.Option("--order", help="Show this order. Repeatable."),
    ] = None,
    gantt: Annotated[
        bool, typer.Option("--gantt", help="Draw a character Gantt chart.")
    ] = False,
    begin: Annotated[
        str | None,
        typer.Option("--from", help="Window start (ISO 8601; naive = local time)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Window end (ISO 8601; naive = local time)."),
    ] = None,
    width: Annotated[
        int | None,
        typer.Option(min=40, help="Output width in columns (default: terminal)."),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Print a schedule file: summary, orders, machines or a Gantt chart.

    Examples:
      mtosched show plan.json

      mtosched show plan.json --order SO-2417 --machine PAINT-1

      mtosched show plan.json --gantt --from 2026-12-01 --to 2026-12-03

    """
    first, last = parse_instant(begin, "--from"), parse_instant(end, "--to")
    if (first or last) and not (gantt or machine or order):
        raise typer.BadParameter(
            "a window only narrows --gantt, --machine or --order", param_hint="--from"
        )
    console = Console(width=width, highlight=False)

    def body() -> int:
        plan = read_schedule(schedule_file)
        zone = _zone(plan, str(schedule_file))
        _known(plan, machine or [], order or [], str(schedule_file))
        window = _window(plan, zone, first, last)
        if window is None:
            stderr.print("--from must be before --to")
            return EXIT_USAGE
        if gantt:
            _gantt(console, plan, zone, window, machine or [], order or [])
        elif machine or order:
            for order_id in order or []:
                _order_table(console, plan, zone, order_id, window)
            for machine_id in machine or []:
                _machine_table(console, plan, zone, machine_id, window)
        else:
            render_schedule(console, plan)
        return EXIT_OK

    run_command(body, debug=debug, fmt=Report.text)


def _gantt(
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


def _zone(plan: Schedule, file: str) -> ZoneInfo:
    try:
        return zone_of(plan)
    except ValueError as exc:
        raise InputError([Issue(file, "timezone", str(exc))]) from None


def _known(plan: Schedule, machines: list[str], orders: list[str], file: str) -> None:
    """Unknown names are input errors that list what the file does have."""
    issues = []
    have_machines = [m.id for m in machine_rows(plan)]
    for name in machines:
        if name not in have_machines:
            known = ", ".join(have_machines)
            issues.append(Issue(file, "", f"no machine '{name}' (machines: {known})"))
    have_orders = {o.id for o in plan.orders}
    for name in orders:
        if name not in have_orders:
            issues.append(Issue(file, "", f"no order '{name}' in this schedule"))
    if issues:
        raise InputError(issues)


def _window(
    plan: Schedule, zone: ZoneInfo, first: datetime | None, last: datetime | None
) -> Window | None:
    """The chosen window in local time, the whole schedule by default."""
    whole = span(plan, zone)
    begin = local(first, zone) if first else whole[0]
    end = local(last, zone) if last else whole[1]
    if minutes_between(begin, end, zone) <= 0:
        return None
    return Window(begin, end)


def _of(plan: Schedule, orders: list[str]) -> list[ScheduledOperation]:
    return [op for op in plan.operations if op.order in orders]


def _inside(op: ScheduledOperation, window: Window, zone: ZoneInfo) -> bool:
    start, end = local(busy_from(op), zone), local(op.end, zone)
    return (
        minutes_between(start, window.end, zone)
        > 0
        < minutes_between(window.begin, end, zone)
    )


def _order_table(
    console: Console, plan: Schedule, zone: ZoneInfo, order_id: str, window: Window
) -> None:
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
    table = _table("#", "operation", "machine", "start", "end", "min")
    ops = sorted(_of(plan, [order_id]), key=lambda op: utc(op.start, zone))
    for k, op in enumerate(ops, start=1):  # numbered in the whole routing
        if _inside(op, window, zone):
            table.add_row(*_cells(op, zone, str(k), op.operation, op.machine))
    console.print(table)
    console.print()


def _machine_table(
    console: Console, plan: Schedule, zone: ZoneInfo, machine_id: str, window: Window
) -> None:
    m = next(m for m in machine_rows(plan) if m.id == machine_id)
    utilization = plan.kpis.machine_utilization.get(machine_id)
    facts = [m.id, m.name, m.work_center and f"work centre {m.work_center}"]
    if utilization is not None:
        facts.append(f"utilization {utilization:.0%}")
    console.print(Text(" · ".join(f for f in facts if f), style="bold"))
    late = {o.id for o in plan.orders if o.tardiness_minutes}
    ops = [op for op in plan.operations if op.machine == machine_id]
    ops.sort(key=lambda op: utc(busy_from(op), zone))
    # Changeover minutes get a column only on machines that have any.
    setups = [round(minutes_between(busy_from(op), op.start, zone)) for op in ops]
    setup = ["setup"] if any(setups) else []
    table = _table("#", "order", "operation", *setup, "start", "end", "min", "late")
    for k, (op, minutes) in enumerate(zip(ops, setups, strict=True), start=1):
        if not _inside(op, window, zone):
            continue
        flag = Text("late", style="bold red") if op.order in late else Text("")
        first = [str(k), op.order, op.operation] + [str(minutes or "")] * len(setup)
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
