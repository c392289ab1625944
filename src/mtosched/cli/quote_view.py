"""The text form of a `Quote`: one paragraph per candidate configuration.

Promise, what proves it, how close to the bound it is, and what on the
order's critical chain holds it back; `--format json` has every cause.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from mtosched.promise.models import CandidateQuote, Quote

#: Causes shown per candidate in the text report.
_LIMIT_ROWS = 5


def _when(moment: object) -> str:
    from datetime import datetime

    assert isinstance(moment, datetime)
    return moment.strftime("%a %d %b %Y %H:%M")


def _span(minutes: int) -> str:
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    return f"{days} d {hours} h {mins:02d} min" if days else f"{hours} h {mins:02d} min"


def render_quote(console: Console, result: Quote) -> None:
    """One paragraph per candidate: promise, proof, bound, what limits it."""
    frozen = (
        f"; frozen until {_when(result.frozen_until)}"
        if result.frozen_until is not None
        else ""
    )
    console.print(
        f"Quote against the {result.current} plan of "
        f"{escape(result.scenario or 'the scenario')} from {_when(result.start)}"
        f"{frozen}",
        highlight=False,
    )
    for candidate in result.candidates:
        _render_candidate(console, candidate)


def _render_candidate(console: Console, c: CandidateQuote) -> None:
    options = ", ".join(f"{k} {v}" for k, v in c.options.items())
    what = " ".join(part for part in (c.product or "", options) if part)
    console.print()
    console.print(
        f"[bold]{escape(c.order)}[/bold] {escape(what)}"
        + (f" for {escape(c.customer)}" if c.customer else ""),
        highlight=False,
    )
    if c.date is not None and c.answer is not None:
        verdict = {"yes": "[green]yes[/green]", "no": "[red]no[/red]"}
        console.print(
            f"  by {_when(c.date)}? {verdict.get(c.answer, 'undecided')}",
            highlight=False,
        )
    if c.promise is None:
        if c.reasons:
            for reason in c.reasons:
                console.print(f"  cannot promise: {reason}", markup=False)
        elif c.answer == "no":
            console.print("  no schedule delivers it by then (proved)", markup=False)
        else:
            console.print("  no promise found within the time limit", markup=False)
        return
    met = "meets" if c.meets_request else "[red]misses[/red]"
    console.print(
        f"  promise [bold]{_when(c.promise)}[/bold] ({met} the requested "
        f"{_when(c.requested)}); checked: on time at that date, no confirmed "
        "order later",
        highlight=False,
    )
    if c.lower_bound is not None and c.gap_minutes is not None:
        closeness = (
            "optimal: no earlier date is possible"
            if c.status == "optimal"
            else f"no schedule ends before {_when(c.lower_bound)} "
            f"(a better one could gain up to {_span(c.gap_minutes)})"
        )
        console.print(f"  {closeness}", highlight=False)
    if c.limits:
        totals: dict[str, int] = {}
        for limit in c.limits:
            totals[limit.kind] = totals.get(limit.kind, 0) + limit.minutes
        ranked = sorted(totals.items(), key=lambda item: -item[1])
        summary = ", ".join(
            f"{kind.replace('_', ' ')} {_span(m)}" for kind, m in ranked
        )
        console.print(
            f"  waiting on its critical chain: {summary}", markup=False, highlight=False
        )
        console.print("  largest:", highlight=False)
        for limit in c.limits[:_LIMIT_ROWS]:
            console.print(
                f"    {_span(limit.minutes):>16}  {limit.text}",
                markup=False,
                highlight=False,
            )
        if len(c.limits) > _LIMIT_ROWS:
            console.print(
                f"    … and {len(c.limits) - _LIMIT_ROWS} more (--format json)",
                highlight=False,
            )
