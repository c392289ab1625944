"""The static SVG Gantt: well-formed, one bar per operation, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest

from mtosched import build_problem, load_scenario, read_schedule
from mtosched.export import export_schedule
from mtosched.export.svg_gantt import esc, schedule_svg
from tests.helpers import INSTANCES, assert_checked, run_cli
from tests.helpers.report_plant import ORDERS, changeover_pair, hand_schedule

SVG = "{http://www.w3.org/2000/svg}"


def _chart(tmp_path: Path, orders: tuple[str, ...] = ORDERS) -> ET.Element:
    _, schedule = hand_schedule(tmp_path, orders)
    path = tmp_path / "plan.svg"
    export_schedule(schedule, path)
    return ET.fromstring(path.read_text(encoding="utf-8"))


def _bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if "bar" in r.get("class", "").split()]


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_one_bar_per_operation_coloured_by_lateness(tmp_path: Path) -> None:
    """Eight operations, eight bars; only O-1's two bars are late."""
    bars = _bars(_chart(tmp_path))
    assert len(bars) == 8
    late = sorted(b.get("data-order", "") for b in bars if "late" in b.get("class", ""))
    assert late == ["O-1", "O-1"]
    assert {b.get("class") for b in bars} == {"bar late", "bar on-time"}


def test_script_order_id_renders_as_text(tmp_path: Path) -> None:
    """An order named <script> is escaped: no element, the name as text."""
    evil = "<script>alert(1)</script>"
    root = _chart(tmp_path, (evil, "O-2", "O-3", "O-4"))
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    assert {b.get("data-order") for b in _bars(root)} >= {evil}
    tips = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert any(tip.startswith(f"{evil} / cut on SAW-1") for tip in tips)
    _, schedule = hand_schedule(tmp_path, (evil, "O-2", "O-3", "O-4"))
    assert "<script" not in schedule_svg(schedule)


def test_escape_drops_characters_xml_cannot_hold() -> None:
    """Markup characters become entities; a NUL byte would break the file."""
    assert esc('a\x00<b>&"c"') == "a&lt;b&gt;&amp;&quot;c&quot;"


def test_midnight_line_is_local_midnight(tmp_path: Path) -> None:
    """The Tuesday gridline cuts O-4's paint (23:00-04:00 Berlin) 1/5 of the way.

    Drawn at UTC midnight it would sit at 01:00 Berlin, 2/5 of the way.
    """
    root = _chart(tmp_path)
    days = [line for line in root.iter(f"{SVG}line") if line.get("class") == "day"]
    assert len(days) == 1
    x = float(days[0].get("x1", "nan"))
    _cut, paint = (b for b in _bars(root) if b.get("data-order") == "O-4")
    left, width = float(paint.get("x", "nan")), float(paint.get("width", "nan"))
    assert abs((x - left) / width - 0.2) < 0.01
    assert "Tue 01 Dec" in _texts(root)


def test_changeover_is_a_grey_rect_before_its_bar(tmp_path: Path) -> None:
    """BLUE's 90-minute changeover ends where its 120-minute bar begins."""
    _, schedule = changeover_pair(tmp_path)
    root = ET.fromstring(schedule_svg(schedule))
    (setup,) = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "setup"]
    blue = next(b for b in _bars(root) if b.get("data-order") == "BLUE")
    setup_x, setup_w = float(setup.get("x", "nan")), float(setup.get("width", "nan"))
    bar_x, bar_w = float(blue.get("x", "nan")), float(blue.get("width", "nan"))
    assert abs(setup_x + setup_w - bar_x) < 0.2
    assert abs(setup_w / bar_w - 90 / 120) < 0.01


def test_machines_grouped_under_work_centres_and_kpis_in_title(tmp_path: Path) -> None:
    """Work-centre headings precede their machines; the title carries the KPIs."""
    texts = _texts(_chart(tmp_path))
    rows = [t for t in texts if t in ("cutting", "finishing", "SAW-1", "PAINT-1")]
    assert rows == ["cutting", "SAW-1", "finishing", "PAINT-1"]
    assert texts[0].startswith("report-plant: feasible, from Mon 30 Nov 2026 06:00")
    assert "(Europe/Berlin)" in texts[0]
    assert "4 orders · 1 late · on time 75.0%" in texts[1]


@pytest.mark.cli
def test_schedule_command_writes_xlsx_and_svg(tmp_path: Path) -> None:
    """`schedule ... -o plan.xlsx -o plan.svg` writes both reports."""
    scenario = INSTANCES / "configurable-options.json"
    plan, book, chart = (tmp_path / f"plan.{x}" for x in ("json", "xlsx", "svg"))
    result = run_cli(
        "schedule", scenario, "--time-limit", "10", "--workers", "1",
        "-o", plan, "-o", book, "-o", chart,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    flat = "".join(result.stdout.split())  # rich wraps long paths anywhere
    assert f"wrote{book}" in flat and f"wrote{chart}" in flat
    schedule = read_schedule(plan)
    assert_checked(build_problem(load_scenario(scenario)), schedule)
    operations = openpyxl.load_workbook(book)["Operations"]
    assert operations.max_row == len(schedule.operations) + 1
    assert len(_bars(ET.parse(chart).getroot())) == len(schedule.operations)
