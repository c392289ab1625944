"""`summary.html`: one self-contained page, readable offline.

No script and no CDN: an inline SVG bar chart of weighted tardiness and
late orders per variant, the comparison table and every cell. Every text
from the input is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from mtosched.sweep.cells import SweepRow
from mtosched.sweep.compare import Comparison

_BAR_HEIGHT, _GAP, _LABEL, _WIDTH = 18, 6, 140, 360
_STYLE = """
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}
.failed{color:#b00}
"""


def summary_html(lines: Sequence[Comparison], rows: Sequence[SweepRow]) -> str:
    """The page's text."""
    charts = "".join(
        _chart(title, [(line.variant, getattr(line, field)) for line in lines])
        for title, field in (
            ("Weighted tardiness", "weighted_tardiness"),
            ("Late orders", "late_orders"),
        )
    )
    head = (
        "variant", "seed", "status", "weighted tardiness", "late orders",
        "on-time rate", "makespan (min)", "busiest machine", "seconds",
        "Δ weighted tardiness", "Δ late orders", "error",
    )  # fmt: skip
    body = [
        (
            line.variant, line.seed, line.status, line.weighted_tardiness,
            line.late_orders, line.on_time_rate, line.makespan_minutes,
            _busiest(line), line.seconds, line.delta_weighted_tardiness,
            line.delta_late_orders, line.error,
        )
        for line in lines
    ]  # fmt: skip
    cells = [
        (r.variant, r.seed, r.status, r.kpis.get("weighted_tardiness"),
         r.kpis.get("late_orders"), r.seconds, r.error)
        for r in rows
    ]  # fmt: skip
    cell_head = ("variant", "seed", "status", "weighted tardiness", "late orders",
                 "seconds", "error")  # fmt: skip
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>mtosched sweep</title><style>{_STYLE}</style></head><body>"
        "<h1>What-if sweep</h1>"
        f"{charts}<h2>Variants (best seed)</h2>{_table(head, body)}"
        f"<h2>Every cell</h2>{_table(cell_head, cells)}</body></html>\n"
    )


def _busiest(line: Comparison) -> str | None:
    if line.busiest_machine is None or line.busiest_utilization is None:
        return None
    return f"{line.busiest_machine} {line.busiest_utilization:.0%}"


def _chart(title: str, bars: list[tuple[str, int | None]]) -> str:
    """Horizontal bars scaled to the largest value; a failed variant has none."""
    top = max((v for _, v in bars if v is not None), default=0) or 1
    height = len(bars) * (_BAR_HEIGHT + _GAP) + _GAP
    parts = [
        f"<h2>{escape(title)}</h2><svg xmlns='http://www.w3.org/2000/svg' "
        f"width='{_LABEL + _WIDTH + 80}' height='{height}' role='img' "
        f"aria-label='{escape(title)} per variant'>"
    ]
    for i, (name, value) in enumerate(bars):
        y = _GAP + i * (_BAR_HEIGHT + _GAP)
        text_y = y + _BAR_HEIGHT - 4
        parts.append(f"<text x='0' y='{text_y}'>{escape(name)}</text>")
        if value is None:
            parts.append(
                f"<text x='{_LABEL}' y='{text_y}' class='failed'>no schedule</text>"
            )
            continue
        width = round(_WIDTH * value / top)
        parts.append(
            f"<rect x='{_LABEL}' y='{y}' width='{width}' height='{_BAR_HEIGHT}' "
            "fill='#4a7bb7'/>"
            f"<text x='{_LABEL + width + 4}' y='{text_y}'>{value}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    lines = []
    for row in rows:
        tds = "".join(f"<td>{'' if v is None else escape(str(v))}</td>" for v in row)
        lines.append(f"<tr>{tds}</tr>")
    return f"<table><tr>{header}</tr>{''.join(lines)}</table>"
