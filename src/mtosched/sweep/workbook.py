"""`summary.xlsx`: the comparison and every cell, as plain filterable tables.

Written with xlsxwriter, as the schedule workbook is; text stays text, so a
variant named "=cmd" cannot become a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from xlsxwriter.workbook import Workbook

from mtosched.sweep.cells import SweepRow
from mtosched.sweep.compare import Comparison

_COMPARISON_HEADER = (
    ("variant", "variant"),
    ("best seed", "seed"),
    ("status", "status"),
    ("weighted tardiness", "weighted_tardiness"),
    ("late orders", "late_orders"),
    ("on-time rate", "on_time_rate"),
    ("makespan (min)", "makespan_minutes"),
    ("busiest machine", "busiest_machine"),
    ("its utilization", "busiest_utilization"),
    ("seconds", "seconds"),
    ("Δ weighted tardiness", "delta_weighted_tardiness"),
    ("Δ late orders", "delta_late_orders"),
    ("Δ makespan (min)", "delta_makespan_minutes"),
    ("error", "error"),
)


def summary_workbook(lines: Sequence[Comparison], rows: Sequence[SweepRow]) -> bytes:
    """The workbook's bytes: sheets Comparison (per variant) and Cells."""
    buffer = BytesIO()
    book = Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = book.add_format({"bold": True})
    table = [
        [getattr(line, field) for _, field in _COMPARISON_HEADER] for line in lines
    ]
    _sheet(book, "Comparison", [t for t, _ in _COMPARISON_HEADER], table, bold)
    terms: list[str] = []
    for row in rows:
        terms.extend(t for t in row.objective if t not in terms)
    header = ["variant", "seed", "status", "seconds", *terms, "late orders", "error"]
    cells = [
        [
            row.variant,
            row.seed,
            row.status,
            row.seconds,
            *(row.objective.get(t) for t in terms),
            row.kpis.get("late_orders"),
            row.error,
        ]
        for row in rows
    ]
    _sheet(book, "Cells", header, cells, bold)
    book.close()
    return buffer.getvalue()


def _sheet(
    book: Any, name: str, header: list[str], table: list[list[Any]], bold: Any
) -> None:
    """A sheet with a frozen, filterable header row; empty cells for None."""
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, header, bold)
    for r, values in enumerate(table, start=1):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(table)), len(header) - 1)
    sheet.set_column(0, len(header) - 1, 16)
