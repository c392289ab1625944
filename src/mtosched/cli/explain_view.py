"""The text form of an `Explanation`: per order a short story, then the plant.

Ids, names and cause texts come from user files: they go into `Text`
objects (never rich markup), so `[Wien]` prints as written.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mtosched.explain import CAUSE_KINDS, CAUSE_LABELS, Explanation, OrderExplanation
from mtosched.explain.report import ChainStep, LeverResult, PlantRow
from mtosched.explain.words import duration, listing

_LARGEST = 5
#: Date and time without the weekday, so that the chain fits 80 columns.
_WHEN = "%d %b %H:%M"
_SHORT: dict[str, str] = {
    "processing": "own work",
    "release": "release",
    "min_wait": "min wait",
    "material": "material",
    "non_working": "not working",
    "changeover": "changeover",
    "machine_busy": "machine busy",
    "running_work": "running work",
    "frozen_plan": "frozen plan",
    "resource": "crew/tool",
    "batch_wait": "batch wait",
    "idle": "idle",
}
_MARKS = {"on_time": "✓", "improved": "~", "no_better": "✗", "failed": "!"}


def render_explanation(console: Console, explanation: Explanation) -> None:
    """Every explained order, then the plant view."""
    if not explanation.orders:
        console.print("[green]No late orders:[/green] nothing to explain.")
    for order in explanation.orders:
        _order(console, order)
    _plant(console, explanation)
    for note in explanation.notes:
        console.print(Text(f"note: {note}", style="dim"))


def _order(console: Console, order: OrderExplanation) -> None:
    facts = [order.order, order.customer, f"priority {order.priority}"]
    head = Text(" · ".join(f for f in facts if f), style="bold")
    if order.tardiness_minutes:
        head.append(f"  late by {duration(order.lateness_minutes)}", style="bold red")
    else:
        head.append(f"  on time, {duration(-order.lateness_minutes)} to spare", "green")
    console.print(head)
    console.print(Text(order.story))
    console.print(_chain(order.chain))
    console.print(_minutes(order))
    largest = [c for c in order.causes if c.kind != "processing"][:_LARGEST]
    if largest:
        console.print(Text("Largest waits", style="bold"))
        for cause in largest:
            console.print(Text(f"  {duration(cause.minutes):>10}  {cause.text}"))
    if order.what_if is not None:
        _what_if(console, order)
    console.print()


def _chain(steps: list[ChainStep]) -> Table:
    table = Table(title="Critical chain", title_justify="left", show_edge=False)
    for column in ("#", "operation", "machine", "start", "work", "waited", "mostly"):
        right = column in {"#", "work", "waited"}
        table.add_column(column, justify="right" if right else "left")
    for k, step in enumerate(steps, start=1):
        by_kind: dict[str, int] = {}
        for cause in step.causes:
            by_kind[cause.kind] = by_kind.get(cause.kind, 0) + cause.minutes
        top = max(by_kind, key=lambda kind: by_kind[kind], default=None)
        mostly = _SHORT[top] if top else ""
        if step.running or step.frozen:
            mostly = ("running" if step.running else "frozen") + (
                f"; {mostly}" if mostly else ""
            )
        cells = (
            str(k),
            step.operation,
            step.machine,
            step.start.strftime(_WHEN),
            duration(step.processing_minutes),
            duration(step.waiting_minutes),
            mostly,
        )
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _minutes(order: OrderExplanation) -> Table:
    table = Table(
        title="Where the time went (planning start to completion)",
        title_justify="left",
        show_edge=False,
    )
    table.add_column("cause")
    table.add_column("time", justify="right")
    table.add_column("share of lateness", justify="right")
    for kind in CAUSE_KINDS:
        if order.minutes[kind] == 0 and order.lateness_share[kind] == 0:
            continue
        share = order.lateness_share[kind]
        table.add_row(
            CAUSE_LABELS[kind],
            duration(order.minutes[kind]),
            duration(share) if share else "",
        )
    table.add_row(
        Text("total", style="bold"),
        duration(order.span_minutes),
        duration(order.tardiness_minutes) if order.tardiness_minutes else "",
    )
    return table


def _what_if(console: Console, order: OrderExplanation) -> None:
    what_if = order.what_if
    assert what_if is not None
    title = "What if (each change re-solved for real)" if what_if.levers else "What if"
    console.print(Text(title, style="bold"))
    for lever in what_if.levers:
        mark = "·" if lever.kind == "resolve" else _MARKS[lever.outcome]
        console.print(Text(f"  {mark} {lever.text}: {_verdict(lever)}"))
    if what_if.note:
        console.print(Text(f"  ({what_if.note})", style="dim"))


def _verdict(lever: LeverResult) -> str:
    if lever.outcome == "failed" or lever.lateness_minutes is None:
        return f"no schedule ({lever.note})"
    if lever.lateness_minutes <= 0:
        verdict = f"on time, {duration(-lever.lateness_minutes)} to spare"
        if lever.kind == "resolve":
            verdict += " (the schedule, not the plant, made it late)"
    elif lever.outcome == "improved":
        verdict = (
            f"still late by {duration(lever.lateness_minutes)} "
            f"({duration(lever.improvement_minutes or 0)} better)"
        )
    else:
        verdict = f"still late by {duration(lever.lateness_minutes)}"
    before, after = lever.late_orders_before, lever.late_orders_after
    if before is not None and after is not None and before != after:
        verdict += f"; late orders {before} → {after}"
    effects = [effect.text for effect in lever.side_effects]
    if effects:
        verdict += "; makes " + listing(effects)
    elif lever.kind != "resolve":
        verdict += "; no other order later"
    return verdict


def _plant(console: Console, explanation: Explanation) -> None:
    rows = [row for row in explanation.plant if row.waiting_minutes > 0]
    title = f"Plant: where the {explanation.late_orders} late order(s) waited"
    table = Table(title=title, title_justify="left", show_edge=False)
    for column in (
        "machine / crew",
        "load",
        "waited",
        "lateness caused",
        "late orders",
    ):
        numeric = column in {"load", "waited", "lateness caused"}
        table.add_column(column, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(
            Text(row.id),
            _load(row),
            duration(row.waiting_minutes),
            duration(row.lateness_minutes),
            Text(_few(row.late_orders)),
        )
    if rows:
        console.print(table)
    loaded = sorted(
        (r for r in explanation.plant if r.utilization is not None),
        key=lambda r: -(r.utilization or 0.0),
    )[:3]
    if loaded:
        busiest = listing([f"{r.id} {r.utilization or 0.0:.0%}" for r in loaded])
        console.print(Text(f"Most loaded machines: {busiest}"))


def _load(row: PlantRow) -> str:
    return "" if row.utilization is None else f"{row.utilization:.0%}"


def _few(names: list[str]) -> str:
    """`a, b +3`: a table cell that stays narrow."""
    shown = ", ".join(names[:2])
    return shown + (f" +{len(names) - 2}" if len(names) > 2 else "")
