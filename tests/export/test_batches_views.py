"""Batches in every view: CSV and XLSX columns, one bar per batch, `show`.

The schedule is `batch_plant`'s: OVEN/1 holds O0 alone, OVEN/2 holds O1
and O2 together; SAW cuts P (no batch).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mtosched import Schedule
from mtosched.export import export_schedule
from mtosched.export.csv_writer import schedule_csv
from mtosched.export.html_payload import OP_FIELDS, gantt_payload
from mtosched.export.timeline import busy_minutes
from mtosched.schedule import zone_of
from tests.helpers import run_cli
from tests.helpers.batches import hand_schedule, oven_problem

SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    return hand_schedule(oven_problem())


def test_csv_has_a_batch_column(schedule: Schedule) -> None:
    rows = list(csv.DictReader(io.StringIO(schedule_csv(schedule))))
    assert {r["order"]: r["batch"] for r in rows} == {
        "O0": "OVEN/1",
        "O1": "OVEN/2",
        "O2": "OVEN/2",
        "P": "",
    }


def test_xlsx_operations_have_a_batch_column(
    schedule: Schedule, tmp_path: Path
) -> None:
    path = tmp_path / "plan.xlsx"
    export_schedule(schedule, path)
    sheet = load_workbook(path)["Operations"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("batch")
    assert {r[0]: r[column] for r in rows[1:]} == {
        "O0": "OVEN/1",
        "O1": "OVEN/2",
        "O2": "OVEN/2",
        "P": None,
    }


def test_a_batch_keeps_its_machine_busy_once(schedule: Schedule) -> None:
    """OVEN: 130 + 30 changeover + 130 = 290 busy minutes, not 420."""
    assert busy_minutes(schedule, zone_of(schedule))["OVEN"] == 290


def test_svg_draws_a_batch_as_one_bar_listing_its_members(
    schedule: Schedule, tmp_path: Path
) -> None:
    path = tmp_path / "plan.svg"
    export_schedule(schedule, path)
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    bars = [r for r in root.iter(f"{SVG}rect") if "bar" in r.get("class", "").split()]
    assert len(bars) == 3  # OVEN/1, OVEN/2, P's cut
    batched = [b for b in bars if "batch" in b.get("class", "").split()]
    assert [(b.get("data-batch"), b.get("data-members")) for b in batched] == [
        ("OVEN/2", "O1 O2")
    ]
    tips = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    tip = next(t for t in tips if t.startswith("batch OVEN/2"))
    assert tip.endswith("2 members: O1/bake, O2/bake")
    assert "OVEN/2 (2)" in ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_html_payload_carries_the_batch_id(schedule: Schedule) -> None:
    payload = gantt_payload(schedule)
    at = OP_FIELDS.index("batch")
    orders = [row[0] for row in payload["orders"]]
    assert {orders[op[0]]: op[at] for op in payload["ops"]} == {
        "O0": "OVEN/1",
        "O1": "OVEN/2",
        "O2": "OVEN/2",
        "P": None,
    }


@pytest.mark.cli
def test_show_machine_lists_a_batch_under_one_number(
    schedule: Schedule, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(schedule.model_dump_json(by_alias=True), encoding="utf-8")
    result = run_cli("show", plan, "--machine", "OVEN", "--width", "120")
    assert result.returncode == 0, result.stderr
    cells = [
        [cell.strip() for cell in line.replace("┃", "│").split("│")]
        for line in result.stdout.splitlines()
        if "│" in line or "┃" in line
    ]
    assert cells[0][:5] == ["#", "batch", "order", "operation", "setup"]
    # one number and one batch id per load; O2 is listed under OVEN/2
    assert [row[:5] for row in cells[1:]] == [
        ["1", "OVEN/1", "O0", "bake", ""],
        ["2", "OVEN/2", "O1", "bake", "30"],
        ["", "", "O2", "bake", ""],
    ]


@pytest.mark.cli
def test_show_order_names_its_batch(schedule: Schedule, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(schedule.model_dump_json(by_alias=True), encoding="utf-8")
    result = run_cli("show", plan, "--order", "O2", "--width", "120")
    assert result.returncode == 0, result.stderr
    assert "OVEN/2" in result.stdout


@pytest.mark.cli
def test_show_gantt_marks_a_batch_of_several_orders(
    schedule: Schedule, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(schedule.model_dump_json(by_alias=True), encoding="utf-8")
    result = run_cli("show", plan, "--gantt", "--width", "100")
    assert result.returncode == 0, result.stderr
    oven = next(line for line in result.stdout.splitlines() if line.startswith("OVEN"))
    assert oven.count("+") == 1  # OVEN/2's second cell; OVEN/1 has one member
    assert "+ batch of several orders" in result.stdout


@pytest.fixture(scope="module")
def page_of(tmp_path_factory: pytest.TempPathFactory, schedule: Schedule) -> Path:
    path = tmp_path_factory.mktemp("html") / "plan.html"
    export_schedule(schedule, path)
    return path


def test_html_page_draws_one_bar_per_batch(page_of: Path) -> None:
    """In a real Chromium: three bars, the batch's tooltip lists O1 and O2."""
    if not Path(CHROMIUM).exists() or importlib.util.find_spec("playwright") is None:
        pytest.skip("Chromium or playwright is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_of.as_uri())
            page.wait_for_function("window.__ganttReady === true", timeout=15_000)
            drawn = page.eval_on_selector_all(
                ".bar",
                "bs => bs.map(b => [b.dataset.order, b.dataset.batch ?? null, "
                "b.dataset.members ?? null])",
            )
            assert sorted(map(tuple, drawn)) == [
                ("O0", "OVEN/1", "1"),
                ("O1", "OVEN/2", "2"),
                ("P", None, None),
            ]
            page.locator('.bar[data-batch="OVEN/2"]').hover()
            tip = page.locator("#tooltip").inner_text()
            assert "Batch OVEN/2" in tip and "O1 · bake" in tip and "O2 · bake" in tip
            # selecting O2 lifts the shared bar
            page.locator('.bar[data-batch="OVEN/2"]').click()
            assert page.locator(".bar.selected").count() == 1
            assert errors == []
        finally:
            browser.close()


def test_the_schedule_json_round_trips_batch_ids(schedule: Schedule) -> None:
    data = json.loads(schedule.model_dump_json(by_alias=True))
    assert [op.get("batch") for op in data["operations"]] == [
        "OVEN/1",
        "OVEN/2",
        "OVEN/2",
        None,
    ]
