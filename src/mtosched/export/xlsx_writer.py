"""The schedule as an Excel workbook for the shop-floor PC.

Production managers filter, sort and pivot in Excel, so every sheet is a
plain table with a frozen header and an autofilter, and every time is a
real Excel datetime, not text. Excel has no time zones: times are naive
wall-clock in the scenario's zone, which the headers and Summary name.
Text is always written as text, so a customer called "=cmd|..." cannot
become a formula in someone's spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# xlsxwriter ships no type information; its objects are typed as Any here.
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from mtosched.export.atomic import write_atomically
from mtosched.export.timeline import (
    busy_minutes,
    daily_load,
    machine_rows,
    minutes_between,
)
from mtosched.export.timeline import wall_clock as _wall
from mtosched.schedule import Schedule, zone_of

#: An on-time order finishing less than this before its due date is amber.
NEAR_LATE_MINUTES = 240
#: A day's load cell is fully coloured at 24 hours of busy time.
FULL_DAY_MINUTES = 1440

_DATETIME = "yyyy-mm-dd hh:mm"
#: White for an idle day to red for a day busy around the clock.
_LOAD_SCALE = {
    "type": "2_color_scale",
    "min_type": "num",
    "min_value": 0,
    "min_color": "#FFFFFF",
    "max_type": "num",
    "max_value": FULL_DAY_MINUTES,
    "max_color": "#E67C73",
}
_LATE_FILL, _NEAR_FILL = "#F4C7C3", "#FCE8B2"


def workbook_bytes(schedule: Schedule) -> bytes:
    """The .xlsx file's content: sheets Summary, Orders, Operations, Machines."""
    buffer = BytesIO()
    book = Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    zone = zone_of(schedule)
    styles = _Styles(book)
    _summary(book.add_worksheet("Summary"), schedule, zone, styles)
    _orders(book.add_worksheet("Orders"), schedule, zone, styles)
    _operations(book.add_worksheet("Operations"), schedule, zone, styles)
    _machines(book.add_worksheet("Machines"), schedule, zone, styles)
    book.close()
    return buffer.getvalue()


def write(schedule: Schedule, path: Path) -> None:
    """Write the workbook atomically."""
    write_atomically(path, workbook_bytes(schedule))


class _Styles:
    """The few cell formats, created once per workbook as xlsxwriter requires."""

    def __init__(self, book: Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDE4EE"})
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.datetime = book.add_format({"num_format": _DATETIME})
        self.day = book.add_format(
            {"num_format": "ddd dd mmm", "bold": True, "bg_color": "#DDE4EE"}
        )
        self.percent = book.add_format({"num_format": "0.0%"})
        self.hours = book.add_format({"num_format": "0.00"})
        self.late = book.add_format({"bg_color": _LATE_FILL})
        self.near = book.add_format({"bg_color": _NEAR_FILL})


def _table(
    sheet: Worksheet,
    header: Sequence[str | date],
    rows: Sequence[Sequence[Any]],
    styles: _Styles,
) -> None:
    """Header, rows (datetimes, numbers, booleans, text), filter, freeze, widths.

    A `date` in the header is written as a real date (the load-per-day columns).
    """
    for col, name in enumerate(header):
        if isinstance(name, date):
            day = datetime(name.year, name.month, name.day)
            sheet.write_datetime(0, col, day, styles.day)
        else:
            sheet.write_string(0, col, name, styles.header)
    widths = [len(str(name)) + 3 for name in header]  # room for the filter button
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            widths[col] = max(widths[col], _cell(sheet, r, col, value, styles))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 1, 48))
    sheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
    sheet.freeze_panes(1, 1)


def _cell(sheet: Worksheet, row: int, col: int, value: Any, styles: _Styles) -> int:
    """Write one typed cell and return the width its content needs."""
    if value is None:
        sheet.write_blank(row, col, None)
        return 0
    if isinstance(value, datetime):
        sheet.write_datetime(row, col, value, styles.datetime)
        return len(_DATETIME)
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return 5
    if isinstance(value, int | float):
        sheet.write_number(row, col, value)
        return len(f"{value:g}")
    sheet.write_string(row, col, str(value))
    return len(str(value))


def _summary(sheet: Worksheet, schedule: Schedule, zone: ZoneInfo, st: _Styles) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 4, 18)
    sheet.write_string(0, 0, schedule.scenario or "schedule", st.title)
    facts: list[tuple[str, Any]] = [
        ("status", schedule.status),
        ("planning start", _wall(schedule.start, zone)),
        ("time zone", zone.key),
        ("times in this workbook", f"wall-clock in {zone.key}"),
    ]
    if schedule.solver is not None:
        s = schedule.solver
        facts += [
            ("schedule from", s.source),
            ("solver seconds", s.seconds),
            ("workers", s.workers),
            ("seed", s.seed),
            ("time limit (s)", s.time_limit),
        ]
    row = 2
    for label, value in facts:
        sheet.write_string(row, 0, label)
        _cell(sheet, row, 1, value, st)
        row += 1
    row += 1
    for col, name in enumerate(("objective term", "value", "bound", "gap")):
        sheet.write_string(row, col, name, st.header)
    for term, value in schedule.objective.items():
        row += 1
        sheet.write_string(row, 0, term)
        sheet.write_number(row, 1, value)
        _cell(sheet, row, 2, schedule.bound.get(term), st)
        gap = schedule.gap(term)
        if gap is not None:
            sheet.write_number(row, 3, gap, st.percent)
    row += 2
    sheet.write_string(row, 0, "KPI", st.header)
    sheet.write_string(row, 1, "value", st.header)
    for name, value in schedule.kpis.model_dump().items():
        if isinstance(value, int | float):
            row += 1
            sheet.write_string(row, 0, name.replace("_", " "))
            percent = st.percent if name.endswith("rate") else None
            sheet.write_number(row, 1, value, percent)
    notes = (
        f"Orders: red = late, amber = on time with less than "
        f"{NEAR_LATE_MINUTES // 60} h to spare.",
        f"Machines: day columns hold busy minutes per calendar day in {zone.key}, "
        f"setup included, from the planning start ({FULL_DAY_MINUTES} = all day).",
        "Busy minutes are elapsed time from setup start to end: an operation "
        "paused over closed time counts its pause; utilization counts working "
        "time only.",
    )
    row += 1
    for note in notes:
        row += 1
        sheet.write_string(row, 0, note)


def _orders(sheet: Worksheet, schedule: Schedule, zone: ZoneInfo, st: _Styles) -> None:
    header = [
        "order",
        "customer",
        "product",
        "priority",
        f"released ({zone.key})",
        f"due ({zone.key})",
        f"completion ({zone.key})",
        "lateness (min)",
        "lateness (h)",
        "late",
    ]
    rows = [
        [
            o.id,
            o.customer,
            o.product,
            o.priority,
            None if o.released is None else _wall(o.released, zone),
            _wall(o.due, zone),
            _wall(o.completion, zone),
            o.lateness_minutes,
            round(o.lateness_minutes / 60, 2),
            o.tardiness_minutes > 0,
        ]
        for o in schedule.orders
    ]
    _table(sheet, header, rows, st)
    sheet.set_column(8, 8, 13, st.hours)
    # Formulas on the lateness column, so the colours follow edits in Excel.
    near = f"=AND($H2<=0,$H2>-{NEAR_LATE_MINUTES})"
    for criteria, colour in (("=$H2>0", st.late), (near, st.near)) if rows else ():
        rule = {"type": "formula", "criteria": criteria, "format": colour}
        sheet.conditional_format(1, 0, len(rows), len(header) - 1, rule)


def _operations(
    sheet: Worksheet, schedule: Schedule, zone: ZoneInfo, st: _Styles
) -> None:
    orders = {o.id: o for o in schedule.orders}
    centres = {m.id: m.work_center for m in machine_rows(schedule)}
    header = [
        "order",
        "customer",
        "operation",
        "machine",
        "work centre",
        "batch",
        f"setup start ({zone.key})",
        f"start ({zone.key})",
        f"end ({zone.key})",
        "duration (min)",
        "running",
        f"order due ({zone.key})",
        "order late",
    ]
    rows = []
    for op in schedule.operations:
        order = orders.get(op.order)
        rows.append(
            [
                op.order,
                None if order is None else order.customer,
                op.operation,
                op.machine,
                centres.get(op.machine),
                op.batch,
                None if op.setup_start is None else _wall(op.setup_start, zone),
                _wall(op.start, zone),
                _wall(op.end, zone),
                round(minutes_between(op.start, op.end, zone)),
                op.running,
                None if order is None else _wall(order.due, zone),
                order is not None and order.tardiness_minutes > 0,
            ]
        )
    _table(sheet, header, rows, st)


def _machines(
    sheet: Worksheet, schedule: Schedule, zone: ZoneInfo, st: _Styles
) -> None:
    load = daily_load(schedule, zone)
    busy = busy_minutes(schedule, zone)
    counts: dict[str, int] = {}
    for op in schedule.operations:
        counts[op.machine] = counts.get(op.machine, 0) + 1
    utilization = schedule.kpis.machine_utilization
    header: list[str | date] = ["machine", "name", "work centre", "utilization"]
    header += ["operations", "busy (min)", *load.days]
    rows = [
        [
            m.id,
            m.name,
            m.work_center,
            utilization.get(m.id, 0.0),
            counts.get(m.id, 0),
            busy.get(m.id, 0),
            *load.minutes.get(m.id, [0] * len(load.days)),
        ]
        for m in machine_rows(schedule)
    ]
    _table(sheet, header, rows, st)
    sheet.set_column(3, 3, 12, st.percent)
    if rows:
        first_day = header.index(load.days[0])
        sheet.conditional_format(1, first_day, len(rows), len(header) - 1, _LOAD_SCALE)
