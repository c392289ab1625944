"""The Excel workbook, read back with openpyxl as a planner's Excel would."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from mtosched.export import export_schedule
from tests.helpers.report_plant import ORDERS, changeover_pair, hand_schedule

BERLIN = ZoneInfo("Europe/Berlin")


def _open(tmp_path: Path, customer: str | None = None) -> openpyxl.Workbook:
    _, schedule = hand_schedule(tmp_path, customer=customer)
    path = tmp_path / "plan.xlsx"
    export_schedule(schedule, path)
    return openpyxl.load_workbook(path)


def _rows(sheet: Worksheet) -> list[dict[str, object]]:
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]  # type: ignore[arg-type]


def test_sheets_and_row_counts(tmp_path: Path) -> None:
    """Four sheets in a fixed order; one row per order, operation, machine."""
    book = _open(tmp_path)
    assert book.sheetnames == ["Summary", "Orders", "Operations", "Machines"]
    assert book["Orders"].max_row == 4 + 1
    assert book["Operations"].max_row == 8 + 1
    assert book["Machines"].max_row == 2 + 1


def test_operation_times_are_wall_clock_datetimes(tmp_path: Path) -> None:
    """Start and end are real datetimes in Berlin time, not UTC, not text.

    O-4's paint runs 23:00 to 04:00 the next day, local; in UTC it would
    read 22:00 to 03:00.
    """
    _, schedule = hand_schedule(tmp_path)
    book = _open(tmp_path)
    rows = _rows(book["Operations"])
    assert len(rows) == len(schedule.operations)
    for row, op in zip(rows, schedule.operations, strict=True):
        start, end = row["start (Europe/Berlin)"], row["end (Europe/Berlin)"]
        assert isinstance(start, datetime) and isinstance(end, datetime)
        assert start == op.start.astimezone(BERLIN).replace(tzinfo=None)
        assert end == op.end.astimezone(BERLIN).replace(tzinfo=None)
        assert (row["order"], row["operation"], row["machine"]) == (
            op.order,
            op.operation,
            op.machine,
        )
    last = rows[-1]
    assert (last["order"], last["operation"]) == ("O-4", "paint")
    assert last["start (Europe/Berlin)"] == datetime(2026, 11, 30, 23, 0)
    assert last["end (Europe/Berlin)"] == datetime(2026, 12, 1, 4, 0)
    assert last["duration (min)"] == 300
    assert last["work centre"] == "finishing"
    cell = book["Operations"]["H2"]  # after the batch column
    assert cell.is_date and "hh:mm" in cell.number_format


def test_orders_lateness_and_late_flags(tmp_path: Path) -> None:
    """Only O-1 (done 13:00, due 12:00) is late; lateness in minutes and hours."""
    rows = _rows(_open(tmp_path)["Orders"])
    assert [r["order"] for r in rows] == list(ORDERS)
    assert [r["late"] for r in rows] == [True, False, False, False]
    assert [r["lateness (min)"] for r in rows] == [60, 0, -180, -120]
    assert [r["lateness (h)"] for r in rows] == [1, 0, -3, -2]
    assert rows[0]["completion (Europe/Berlin)"] == datetime(2026, 11, 30, 13, 0)


def test_orders_are_coloured_by_lateness(tmp_path: Path) -> None:
    """Two formula rules over every order row: red when late, amber when close."""
    sheet = _open(tmp_path)["Orders"]
    rules = {
        rule.formula[0]: str(area.sqref)
        for area in sheet.conditional_formatting
        for rule in area.rules
    }
    assert rules == {"$H2>0": "A2:J5", "AND($H2<=0,$H2>-240)": "A2:J5"}


def test_tables_have_filters_and_frozen_headers(tmp_path: Path) -> None:
    """Every table sheet filters over its whole range and keeps the header."""
    book = _open(tmp_path)
    for name, last in (("Orders", "J5"), ("Operations", "M9"), ("Machines", "H3")):
        sheet = book[name]
        assert sheet.auto_filter.ref == f"A1:{last}", name
        assert sheet.freeze_panes == "B2", name


def test_machines_load_per_local_day(tmp_path: Path) -> None:
    """PAINT-1 works 08:00 to 04:00: 960 minutes on Monday, 240 on Tuesday."""
    sheet = _open(tmp_path)["Machines"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert header[6:] == (datetime(2026, 11, 30), datetime(2026, 12, 1))
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["SAW-1"][2:] == ("cutting", 0.3636, 4, 480, 480, 0)
    assert rows["PAINT-1"][2:] == ("finishing", 0.9091, 4, 1200, 960, 240)
    scales = [rule.type for area in sheet.conditional_formatting for rule in area.rules]
    assert scales == ["colorScale"]


def test_changeover_has_its_setup_start_and_counts_as_busy(tmp_path: Path) -> None:
    """BLUE's setup starts at 08:00; the line is busy 120 + 90 + 120 minutes."""
    _, schedule = changeover_pair(tmp_path)
    path = tmp_path / "plan.xlsx"
    export_schedule(schedule, path)
    book = openpyxl.load_workbook(path)
    setups = [row["setup start (UTC)"] for row in _rows(book["Operations"])]
    assert setups == [None, datetime(2026, 11, 30, 8, 0)]
    machine = _rows(book["Machines"])[0]
    assert machine["busy (min)"] == 330


def test_summary_names_the_time_zone_objective_and_kpis(tmp_path: Path) -> None:
    """The Summary states the zone the naive times are in, terms and KPIs."""
    sheet = _open(tmp_path)["Summary"]
    pairs = {
        row[0]: row[1]
        for row in sheet.iter_rows(values_only=True)
        if row[0] is not None
    }
    assert pairs["time zone"] == "Europe/Berlin"
    assert pairs["planning start"] == datetime(2026, 11, 30, 6, 0)
    assert pairs["weighted_tardiness"] == 60
    assert pairs["flow_time"] == 3480
    assert pairs["late orders"] == 1
    assert pairs["max lateness minutes"] == 60


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    """A customer name starting with '=' must not become a live formula."""
    evil = '=HYPERLINK("http://example.invalid","open")'
    book = _open(tmp_path, customer=evil)
    cell = book["Orders"]["B2"]
    assert cell.value == evil and cell.data_type == "s"
