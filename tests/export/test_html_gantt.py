"""The HTML Gantt page: self-contained, escaped, and working in a real browser.

Browser tests drive Debian's Chromium (never a downloaded one) through
playwright. Without them they skip, unless MTOSCHED_REQUIRE_BROWSER=1 (set by
CI), where a missing browser is a failure.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mtosched import Scenario, Schedule
from mtosched.export import export_schedule, html_payload, is_supported
from mtosched.export.html_gantt import gantt_html, script_json
from mtosched.export.html_payload import offset_changes
from tests.helpers import INSTANCES, run_cli, solved

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
XSS_ID = "<script>alert(1)</script>"
XSS_CUSTOMER = '"><img src=x onerror=alert(2)>'


def crate_works(timezone: str = "America/New_York") -> dict[str, Any]:
    """Two saws (work centre SAW) feed one packing bench, the bottleneck.

    C-1..C-3 are due at 09:00 UTC. SAW-1 is busy until 07:00 with C-4's
    running cut, so cuts end at 08:00, 09:00 and 10:00 at the earliest and
    packs at 09:00, 10:00 and 11:00: optimal weighted tardiness 0 + 60 + 120
    = 180. The hostile order is due in a month and is never late.
    """
    due = "2026-11-30T09:00:00Z"
    return {
        "name": "crate-works",
        "timezone": timezone,
        "start": "2026-11-30T06:00:00Z",
        "machines": [
            {"id": "SAW-1", "name": "Panel saw", "work_center": "SAW"},
            {"id": "SAW-2", "name": "Old panel saw", "work_center": "SAW"},
            {"id": "PACK-1", "name": "Packing bench"},
        ],
        "products": [
            {
                "id": "crate",
                "routing": [
                    {"id": "cut", "machines": ["SAW-1", "SAW-2"], "minutes": 120},
                    {"id": "pack", "machines": ["PACK-1"], "minutes": 60},
                ],
            }
        ],
        "orders": [
            {"id": "C-1", "customer": "Acme Timber", "product": "crate", "due": due},
            {"id": "C-2", "customer": "Birch & Sons", "product": "crate", "due": due},
            {"id": "C-3", "customer": "Cedar Ltd", "product": "crate", "due": due},
            {
                "id": "C-4",
                "customer": "Dogwood",
                "product": "crate",
                "due": "2026-11-30T12:00:00Z",
                "progress": {
                    "cut": {
                        "state": "running",
                        "machine": "SAW-1",
                        "started": "2026-11-30T05:00:00Z",
                    }
                },
            },
            {
                "id": XSS_ID,
                "customer": XSS_CUSTOMER,
                "product": "crate",
                "due": "2026-12-30T09:00:00Z",
            },
        ],
    }


@pytest.fixture(scope="module")
def crates() -> Schedule:
    schedule = solved(Scenario.model_validate(crate_works()))
    assert schedule.objective["weighted_tardiness"] == 180
    return schedule


@pytest.fixture(scope="module")
def curing() -> Schedule:
    from mtosched import load_scenario

    return solved(load_scenario(INSTANCES / "curing-no-wait.json"))


def payload_of(page_html: str) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="gantt-data">(.*?)</script>',
        page_html,
        re.S,
    )
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


# --- The file itself ---------------------------------------------------------


def test_html_is_a_supported_output_format() -> None:
    """`-o plan.html` is accepted, whatever the extension's case."""
    assert is_supported("plan.html") and is_supported("PLAN.HTML")


def test_page_loads_nothing_from_anywhere(curing: Schedule) -> None:
    """No src/href/url() points at a network or protocol-relative address,
    and the policy forbids loading anything beyond the inline blocks."""
    page = gantt_html(curing)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?//""", page, re.I)
    assert not re.search(r"url\(\s*[\"']?\s*(?:[a-z]+:)?//", page, re.I)
    assert "@import" not in page
    assert "default-src 'none'" in page


def test_policy_hashes_match_the_inline_script_and_style(curing: Schedule) -> None:
    """The page runs only if the CSP hashes are those of its own blocks."""
    page = gantt_html(curing)
    blocks = re.findall(r"<(script|style)>(.*?)</\1>", page, re.S)
    assert sorted(kind for kind, _ in blocks) == ["script", "style"]
    for kind, body in blocks:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{kind}-src 'sha256-{digest}'" in page


def test_script_json_escapes_what_could_end_a_script_element() -> None:
    """`<`, `>`, `&`, U+2028 and U+2029 never appear raw, and parse back."""
    value = {"id": "</script><!-- a & b \u2028\u2029", "n": [1, None]}
    text = script_json(value)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == value


def test_hostile_order_id_is_inert_in_the_raw_html(crates: Schedule) -> None:
    """The XSS order reaches the page only as escaped JSON string data."""
    page = gantt_html(crates)
    assert XSS_ID not in page and "<img" not in page
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page
    orders = [row[0] for row in payload_of(page)["orders"]]
    customers = [row[1] for row in payload_of(page)["orders"]]
    assert XSS_ID in orders and XSS_CUSTOMER in customers


def test_unknown_time_zone_is_refused_as_in_the_other_reports(
    crates: Schedule,
) -> None:
    """A hand-edited zone name is a ValueError naming it, as in `show`, `diff`,
    the workbook and the SVG; it used to fall back to UTC without a word,
    drawing every bar and midnight line hours off."""
    edited = crates.model_copy(update={"timezone": "Mars/Base"})
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        gantt_html(edited)


def test_offsets_follow_daylight_saving() -> None:
    """London moves from UTC+0 to UTC+1 at 01:00 UTC on 28 March 2027."""
    from zoneinfo import ZoneInfo

    switch = int(datetime.fromisoformat("2027-03-28T01:00:00+00:00").timestamp() // 60)
    changes = offset_changes(ZoneInfo("Europe/London"), switch - 1440, switch + 1440)
    assert changes[0][1] == 0
    assert changes[1:] == [[switch, 60]]


@pytest.mark.cli
def test_cli_writes_the_page(tmp_path: Path) -> None:
    """The nightly command with `-o plan.html` writes one page with every
    operation of the demo (19 operations)."""
    plan = tmp_path / "plan.html"
    result = run_cli(
        "schedule",
        INSTANCES / "configurable-options.json",
        "--time-limit",
        "5",
        "--workers",
        "1",
        "-o",
        plan,
    )
    assert result.returncode == 0, result.stderr
    page = plan.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert len(payload_of(page)["ops"]) == 19


# --- In a browser -----------------------------------------------------------


@dataclass
class Opened:
    """A loaded page and what went wrong on it."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    missing = [
        why
        for why, absent in (
            (f"{CHROMIUM} is not installed", not Path(CHROMIUM).exists()),
            (
                "playwright is not installed",
                importlib.util.find_spec("playwright") is None,
            ),
        )
        if absent
    ]
    if missing:
        if os.environ.get("MTOSCHED_REQUIRE_BROWSER") == "1":
            pytest.fail("; ".join(missing) + " (MTOSCHED_REQUIRE_BROWSER=1)")
        pytest.skip("; ".join(missing))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def open_gantt(
    browser: Browser, tmp_path: Path
) -> Iterator[Callable[[Schedule], Opened]]:
    """Write a schedule's page, open it and wait until the chart is drawn."""
    pages: list[Page] = []

    def opener(schedule: Schedule) -> Opened:
        path = tmp_path / f"plan-{len(pages)}.html"
        export_schedule(schedule, path)
        page = browser.new_page(viewport={"width": 1400, "height": 800})
        pages.append(page)
        opened = Opened(page)
        page.on(
            "console",
            lambda m: opened.errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_function("window.__ganttReady === true", timeout=15_000)
        return opened

    yield opener
    for page in pages:
        page.close()


def test_one_bar_per_operation_and_no_errors(
    curing: Schedule, open_gantt: Callable[[Schedule], Opened], tmp_path: Path
) -> None:
    """Every operation is one .bar with its order and operation; the page
    logs no error; a screenshot is kept for CI."""
    opened = open_gantt(curing)
    page = opened.page
    drawn = page.eval_on_selector_all(
        ".bar", "bars => bars.map(b => [b.dataset.order, b.dataset.op])"
    )
    assert sorted(map(tuple, drawn)) == sorted(
        (op.order, op.operation) for op in curing.operations
    )
    page.screenshot(path=tmp_path / "curing-gantt.png", full_page=True)
    assert (tmp_path / "curing-gantt.png").stat().st_size > 10_000
    assert opened.errors == []


def test_hover_shows_order_customer_and_times(
    crates: Schedule, open_gantt: Callable[[Schedule], Opened]
) -> None:
    """Hovering a bar shows its order, customer and operation."""
    page = open_gantt(crates).page
    assert page.locator("#tooltip").is_hidden()
    page.locator('.bar[data-order="C-2"][data-op="pack"]').hover()
    tip = page.locator("#tooltip")
    assert tip.is_visible()
    text = tip.inner_text()
    assert "C-2" in text and "Birch & Sons" in text and "pack" in text
    assert "PACK-1 — Packing bench" in text


def test_click_highlights_exactly_one_orders_bars(
    crates: Schedule, open_gantt: Callable[[Schedule], Opened]
) -> None:
    """Clicking a bar selects its order's bars only; empty space clears."""
    opened = open_gantt(crates)
    page = opened.page
    page.locator('.bar[data-order="C-3"][data-op="cut"]').click()
    selected = page.eval_on_selector_all(
        ".bar.selected", "bs => bs.map(b => b.dataset.order)"
    )
    assert selected == ["C-3", "C-3"]
    assert "C-3" in page.locator("#selection").inner_text()
    box = page.locator("#plot").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 5, box["y"] + box["height"] - 5)  # no bar there
    assert page.locator(".bar.selected").count() == 0
    assert page.locator("#selection").is_hidden()
    assert opened.errors == []


def test_hostile_names_render_as_text(
    crates: Schedule, open_gantt: Callable[[Schedule], Opened]
) -> None:
    """The XSS order shows as its literal id and customer; nothing runs."""
    opened = open_gantt(crates)
    page = opened.page
    bar = page.locator(".bar", has_text=XSS_ID).first
    assert bar.get_attribute("data-order") == XSS_ID
    bar.hover()
    assert XSS_CUSTOMER in page.locator("#tooltip").inner_text()
    assert page.locator("img").count() == 0
    assert page.evaluate("document.scripts.length") == 2  # data and program only
    assert opened.dialogs == [] and opened.errors == []


def test_header_axis_and_late_table_use_the_plant_time_zone(
    crates: Schedule, open_gantt: Callable[[Schedule], Opened]
) -> None:
    """06:00 UTC is 01:00 in New York; the late table lists C-3 then C-2
    (120 then 60 minutes late) and sorts by order id on request."""
    page = open_gantt(crates).page
    assert "Mon 30 Nov, 01:00 · America/New_York" in page.locator("#meta").inner_text()
    assert "Mon 30 Nov" in page.locator("#axis").inner_text()
    assert page.locator(".kpi", has_text="Late orders").inner_text().endswith("2")
    rows = page.locator("#late-table tbody tr")
    assert rows.all_inner_texts()[0].startswith("C-3")
    assert "2 h" in rows.nth(0).inner_text() and "1 h" in rows.nth(1).inner_text()
    page.locator("#late-table").get_by_role("button", name="Order").click()
    assert [row.split("\t")[0] for row in rows.all_inner_texts()] == ["C-2", "C-3"]


def test_status_colours_tell_late_running_and_on_time_apart(
    crates: Schedule, open_gantt: Callable[[Schedule], Opened]
) -> None:
    """In status mode late, running and on-time bars get their own fills."""
    page = open_gantt(crates).page
    page.click("[data-colour=status]")

    def fill(selector: str) -> str:
        return str(
            page.eval_on_selector(selector, "b => getComputedStyle(b).backgroundColor")
        )

    assert fill('.bar[data-order="C-3"]') == "rgb(243, 196, 190)"  # late
    assert (
        fill('.bar[data-order="C-4"][data-op="cut"]') == "rgb(246, 223, 166)"
    )  # running
    assert fill('.bar[data-order="C-1"]') == "rgb(202, 220, 241)"  # on time


def test_zoom_buttons_and_wheel_change_the_scale(
    curing: Schedule, open_gantt: Callable[[Schedule], Opened]
) -> None:
    """+ widens the plot, All fits it to the view, wheel on the axis zooms."""
    page = open_gantt(curing).page

    def width() -> float:
        return float(
            page.eval_on_selector("#plot", "p => p.getBoundingClientRect().width")
        )

    fitted = width()
    page.click("#zoom-in")
    assert width() > fitted * 1.5
    # Zoomed far in and scrolled to the end, the machine names stay in view
    # (they once scrolled away past the first window width).
    for _ in range(3):
        page.click("#zoom-in")
    page.eval_on_selector("#gantt", "g => { g.scrollLeft = g.scrollWidth; }")
    labels, chart = (
        page.locator("#labels").bounding_box(),
        page.locator("#gantt").bounding_box(),
    )
    assert labels is not None and chart is not None
    assert labels["x"] == pytest.approx(chart["x"], abs=2)
    page.click("#zoom-all")
    assert width() == pytest.approx(fitted, rel=0.01)
    page.locator("#axis").hover()
    page.mouse.wheel(0, -400)
    page.wait_for_function(
        f"document.getElementById('plot').offsetWidth > {fitted * 1.5}"
    )


def paint_booth() -> Scenario:
    """One booth, a red and a black panel of 60 minutes, 45 minutes to
    change colour and none for the first job: changeover_minutes = 45."""
    return Scenario.model_validate(
        {
            "start": "2026-11-30T06:00:00Z",
            "changeovers": [{"id": "colours", "default_minutes": 45}],
            "machines": [{"id": "BOOTH", "changeovers": "colours"}],
            "products": [
                {
                    "id": "panel",
                    "options": {"colour": ["red", "black"]},
                    "routing": [
                        {
                            "id": "paint",
                            "machines": ["BOOTH"],
                            "minutes": 60,
                            "family_option": "colour",
                        }
                    ],
                }
            ],
            "orders": [
                {
                    "id": f"P-{colour}",
                    "product": "panel",
                    "options": {"colour": colour},
                    "due": "2026-12-01T06:00:00Z",
                }
                for colour in ("red", "black")
            ],
            "objective": {"terms": ["changeover_minutes"]},
        }
    )


def test_changeovers_and_closed_time_are_drawn(
    open_gantt: Callable[[Schedule], Opened], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The solved changeover draws one hatched part inside the second bar;
    closed intervals from the one hook function draw grey blocks."""
    schedule = solved(paint_booth())
    assert schedule.objective["changeover_minutes"] == 45
    (second,) = [
        op for op in schedule.operations if op.setup_start and op.setup_start < op.start
    ]
    begin = max(op.end for op in schedule.operations)  # closed after the work
    monkeypatch.setattr(
        html_payload,
        "closed_time",
        lambda schedule: {"BOOTH": [(begin, begin + timedelta(minutes=30))]},
    )
    page = open_gantt(schedule).page
    assert page.locator(".bar .setup").count() == 1
    assert page.locator(".closed-time").count() == 1
    assert "Closed" in page.locator("#legend").inner_text()
    page.locator(f'.bar[data-order="{second.order}"]').hover()
    assert "Changeover" in page.locator("#tooltip").inner_text()
    assert "(45 min)" in page.locator("#tooltip").inner_text()
