"""Rich renderings of reports for people; JSON documents for scripts."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mtosched.errors import Issue
from mtosched.export.bars import bars
from mtosched.schedule import Schedule
from mtosched.verify.check import CheckReport

_SEQUENCE_WIDTH = 6
_LATE_ROWS = 25
#: Longest text from user files shown in a table cell or a title. A 5 MB
#: order id once took rich 15 s to lay out (issue 16); files keep it whole.
TEXT_WIDTH = 60
#: Longest line of an issue or a reason: ids inside it are shortened too.
LINE_WIDTH = 400


def shorten(text: str, width: int = TEXT_WIDTH) -> str:
    """`text` cut to `width` characters, saying how much was left out."""
    if len(text) <= width:
        return text
    return f"{text[: width - 1]}… (+{len(text) - width + 1} chars)"


def _cell(text: str | None) -> str:
    """User text for a table: shortened, and escaped for rich markup."""
    return escape(shorten(text or ""))


def _minutes(value: int) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    days, rest = divmod(value, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h{minutes:02d}"
    return f"{sign}{hours}h{minutes:02d}"


def _when(schedule: Schedule, moment: Any) -> str:
    return str(moment.strftime("%a %d %b %H:%M"))


def render_schedule(console: Console, schedule: Schedule) -> None:
    """The nightly summary: status, objective, KPIs, late orders, machines."""
    # Names come from user files: escape them, or '[Wien]' vanishes and
    # '[/bold]' crashes the renderer.
    name = _cell(schedule.scenario or "scenario")
    console.print(
        f"[bold]{name}[/bold]  status [bold]{schedule.status}[/bold]  "
        f"start {schedule.start.isoformat()} ({schedule.timezone})"
    )
    terms = Table(title="Objective (lexicographic)", title_justify="left")
    for column in ("term", "value", "bound", "gap"):
        terms.add_column(column, justify="left" if column == "term" else "right")
    for term, value in schedule.objective.items():
        bound = schedule.bound.get(term)
        gap = schedule.gap(term)
        terms.add_row(
            term,
            str(value),
            "-" if bound is None else str(bound),
            "-" if gap is None else f"{gap:.1%}",
        )
    console.print(terms)

    k = schedule.kpis
    kpis = Table(title="KPIs", title_justify="left", show_header=False)
    kpis.add_column("kpi")
    kpis.add_column("value", justify="right")
    kpis.add_row("orders", str(k.orders))
    kpis.add_row("late orders", str(k.late_orders))
    kpis.add_row("on-time rate", f"{k.on_time_rate:.1%}")
    kpis.add_row("total tardiness", _minutes(k.total_tardiness_minutes))
    kpis.add_row("max tardiness", _minutes(k.max_tardiness_minutes))
    kpis.add_row("max lateness", _minutes(k.max_lateness_minutes))
    kpis.add_row("total flow time", _minutes(k.total_flow_time_minutes))
    kpis.add_row("makespan", _minutes(k.makespan_minutes))
    console.print(kpis)

    late = schedule.late_orders
    if late:
        table = Table(title=f"Late orders ({len(late)})", title_justify="left")
        for column in ("order", "customer", "priority", "due", "completion", "late by"):
            table.add_column(column)
        for order in late[:_LATE_ROWS]:
            table.add_row(
                _cell(order.id),
                _cell(order.customer),
                str(order.priority),
                _when(schedule, order.due),
                _when(schedule, order.completion),
                _minutes(order.lateness_minutes),
            )
        console.print(table)
        if len(late) > _LATE_ROWS:
            console.print(
                f"… and {len(late) - _LATE_ROWS} more late orders "
                "(all are in the -o .json/.csv output)"
            )
    else:
        console.print("[green]No late orders.[/green]")

    machines = Table(title="Machines", title_justify="left")
    for column in ("machine", "utilization", "ops", "sequence (first orders)"):
        machines.add_column(column)
    # a batch is one step of the sequence: its orders joined by "+"
    by_machine: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for bar in bars(schedule.operations):
        step = "+".join(shorten(o, 20) for o in bar.orders)
        by_machine.setdefault(bar.machine, []).append(step)
        counts[bar.machine] = counts.get(bar.machine, 0) + len(bar.operations)
    for machine, utilization in k.machine_utilization.items():
        sequence = by_machine.get(machine, [])
        shown = " → ".join(sequence[:_SEQUENCE_WIDTH])
        if len(sequence) > _SEQUENCE_WIDTH:
            shown += f" … (+{len(sequence) - _SEQUENCE_WIDTH})"
        machines.add_row(
            _cell(machine),
            f"{utilization:.0%}",
            str(counts.get(machine, 0)),
            escape(shown),
        )
    console.print(machines)
    if schedule.previous is not None:
        render_previous(console, schedule)
    if schedule.solver is not None:
        s = schedule.solver
        console.print(
            f"solved in {s.seconds:.1f} s with {s.workers} worker(s), seed {s.seed}, "
            f"limit {s.time_limit:g} s; schedule from {s.source}"
        )


def render_previous(console: Console, schedule: Schedule) -> None:
    """What the rescheduling kept from the previous plan, and what moved."""
    p = schedule.previous
    assert p is not None
    frozen = (
        f"{p.frozen_operations} frozen until {_when(schedule, p.freeze_until)}"
        if p.freeze_until is not None
        else "nothing frozen"
    )
    tolerance = (
        f" by more than {p.stability_tolerance_minutes} min"
        if p.stability_tolerance_minutes
        else ""
    )
    console.print(
        f"against {escape(p.source)}: {frozen}; {p.moved_operations} of "
        f"{p.planned_operations} planned operations moved{tolerance} "
        "(mtosched diff lists them)"
    )
    for note in p.notes:
        console.print(f"  note: {note}", markup=False, highlight=False, soft_wrap=True)


def schedule_report(schedule: Schedule, outputs: list[str]) -> dict[str, Any]:
    """The summary as one JSON document (``schedule --format json``)."""
    return {
        "scenario": schedule.scenario,
        "status": schedule.status,
        "objective": schedule.objective,
        "bound": schedule.bound,
        "gap": {t: schedule.gap(t) for t in schedule.bound},
        "kpis": schedule.kpis.model_dump(),
        "late_orders": [o.model_dump(mode="json") for o in schedule.late_orders],
        "solver": schedule.solver.model_dump() if schedule.solver else None,
        "previous": (
            schedule.previous.model_dump(mode="json") if schedule.previous else None
        ),
        "outputs": outputs,
    }


def render_issues(console: Console, issues: list[Issue], title: str) -> None:
    """Input problems, one per line, file and path first."""
    console.print(f"[bold red]{title}[/bold red] ({len(issues)} problem(s))")
    for issue in issues:
        console.print(
            f"  {shorten(str(issue), LINE_WIDTH)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def issues_json(issues: list[Issue]) -> list[dict[str, str]]:
    """Input problems for scripts."""
    return [{"file": i.file, "path": i.path, "message": i.message} for i in issues]


def render_check(console: Console, report: CheckReport) -> None:
    """The checker's verdict and the recomputed objective."""
    if report.ok:
        console.print("[green]Schedule is valid.[/green]")
    else:
        console.print(f"[bold red]{len(report.violations)} violation(s)[/bold red]")
        for violation in report.violations:
            console.print(
                f"  {violation}", markup=False, highlight=False, soft_wrap=True
            )
    if report.evaluation is not None:
        terms = ", ".join(f"{k}={v}" for k, v in report.evaluation.terms.items())
        console.print(f"recomputed: {terms}", highlight=False)


def render_timing(console: Console, schedule: Schedule) -> None:
    """Where the solve's time went (``schedule --verbose``)."""
    solver = schedule.solver
    if solver is None or solver.timing is None:
        return
    timing = solver.timing
    table = Table(
        title=f"Time ({solver.time_limit:g} s limit, {solver.workers} workers)",
        title_justify="left",
    )
    table.add_column("phase")
    table.add_column("seconds", justify="right")
    table.add_column("detail")
    if timing.compile is not None:
        table.add_row("compile", f"{timing.compile:.2f}", "")
    table.add_row(
        "dispatch",
        f"{timing.dispatch:.2f}",
        f"{timing.dispatch_runs} runs, {timing.dispatch_accepted} search steps kept",
    )
    table.add_row(
        "whole-plant pass",
        f"{timing.relaxed:.2f}",
        f"{timing.relaxed_model}: {timing.relaxed_found} found, "
        f"{timing.relaxed_kept} kept, {timing.relaxed_presolve:.2f} s presolve",
    )
    table.add_row("model build", f"{timing.model_build:.2f}", timing.full_model)
    table.add_row("presolve", f"{timing.presolve:.2f}", "")
    table.add_row("search", f"{timing.search:.2f}", "full model")
    table.add_row(
        "neighbourhoods",
        f"{timing.neighbourhood:.2f}",
        f"{timing.neighbourhood_steps} steps, {timing.neighbourhood_accepted} kept",
    )
    for kind, record in timing.neighbourhood_kinds.items():
        table.add_row(
            f"  {kind}",
            f"{record.seconds:.2f}",
            f"{record.steps} steps, {record.accepted} kept",
        )
    table.add_row("check", f"{timing.check:.2f}", "")
    table.add_row("total", f"{timing.total:.2f}", f"source: {solver.source}")
    console.print(table)
