"""`mtosched show`: read a schedule file in the terminal.

The nightly plan is a JSON file; a planner who wants to know "what runs on
the press tomorrow" or "where is order 2417" should not need Excel for it.
Without options this prints the same summary as `schedule`; `--order` and
`--machine` print one table each, `--gantt` draws the machines over time.
All times are local wall-clock in the schedule's time zone; the tables and
the chart are drawn by `show_view.py`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from mtosched.api import read_schedule
from mtosched.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    DebugOpt,
    PipeConsole,
    Report,
    parse_instant,
    run_command,
    stderr,
)
from mtosched.cli.gantt import Window
from mtosched.cli.render import render_schedule
from mtosched.cli.show_view import render_gantt, render_machine, render_order
from mtosched.errors import InputError, Issue
from mtosched.export.timeline import machine_rows, minutes_between, span
from mtosched.schedule import Schedule, local, zone_of


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
    console = PipeConsole(width=width, highlight=False)

    def body() -> int:
        plan = read_schedule(schedule_file)
        zone = _zone(plan, str(schedule_file))
        _known(plan, machine or [], order or [], str(schedule_file))
        window = _window(plan, zone, first, last)
        if window is None:
            stderr.print("--from must be before --to")
            return EXIT_USAGE
        if gantt:
            render_gantt(console, plan, zone, window, machine or [], order or [])
        elif machine or order:
            for order_id in order or []:
                render_order(console, plan, zone, order_id, window)
            for machine_id in machine or []:
                render_machine(console, plan, zone, machine_id, window)
        else:
            render_schedule(console, plan)
        return EXIT_OK

    run_command(body, debug=debug, fmt=Report.text)


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
