"""HTML Gantt at scale: page size, and time for headless Chromium to draw it.

    python benchmarks/generate_plant.py --orders 1000 --ops 6 --machines 40 \
        --seed 3 -o /tmp/plant5k.json
    python benchmarks/html_gantt.py /tmp/plant5k.json --runs 3

The schedule comes from the dispatch rule, which takes a second, not from
CP-SAT: the page is measured, not the solver. Generated machines have no work
centre, so each gets the prefix of its id ("CUT-1" -> "CUT") to make the page
draw group rows as a real plant's would.

"render" is from navigation start to the page's `__ganttReady` flag, set
after every bar is laid out and the first frame painted. The interactions
are timed in the page, from the click to the first task after the next
frame. Prints a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from statistics import median

from playwright.sync_api import Page, sync_playwright

from mtosched import Scenario, build_problem
from mtosched.export.html_gantt import write
from mtosched.heuristic.dispatch import dispatch
from mtosched.schedule_mapping import build_schedule
from mtosched.verify.evaluate import evaluate

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INTERACTIONS = {
    "zoom +": "#zoom-in",
    "zoom to all": "#zoom-all",
    "colour by status": "[data-colour=status]",
    "select an order": ".bar",
}
TIME_CLICK = """(selector) => new Promise((resolve) => {
  const began = performance.now();
  document.querySelector(selector).click();
  requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - began)));
})"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    load_average = os.getloadavg()[0]  # other work on the machine skews times
    data = json.loads(args.scenario.read_text(encoding="utf-8"))
    for machine in data["machines"]:
        machine.setdefault("work_center", machine["id"].rsplit("-", 1)[0])
    problem = build_problem(Scenario.model_validate(data))
    solution = dispatch(problem)
    schedule = build_schedule(
        problem, solution, evaluate(problem, solution), status="feasible"
    )
    page_path = Path(tempfile.mkdtemp()) / "plan.html"
    began = time.perf_counter()
    write(schedule, page_path)
    write_seconds = time.perf_counter() - began
    size = page_path.stat().st_size

    renders: list[float] = []
    clicks: dict[str, list[float]] = {name: [] for name in INTERACTIONS}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for _ in range(args.runs):
            page = browser.new_page(viewport={"width": 1600, "height": 900})
            renders.append(_render_ms(page, page_path, len(schedule.operations)))
            for name, selector in INTERACTIONS.items():
                clicks[name].append(page.evaluate(TIME_CLICK, selector))
            page.close()
        browser.close()

    print(
        f"{len(schedule.orders)} orders, {len(schedule.operations)} operations, "
        f"{len(schedule.machines)} machines; page {size / 1e6:.2f} MB "
        f"(written in {write_seconds:.2f} s); load average at start "
        f"{load_average:.1f}\n"
    )
    runs = " | ".join(f"run {k + 1}" for k in range(args.runs))
    print(f"| measure | {runs} | median |")
    print("|---" * (args.runs + 2) + "|")
    for name, values in [("render (navigation → ready)", renders), *clicks.items()]:
        cells = " | ".join(
            f"{value / 1000:.2f} s" for value in [*values, median(values)]
        )
        print(f"| {name} | {cells} |")


def _render_ms(page: Page, path: Path, operations: int) -> float:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_function("window.__ganttReady === true", timeout=60_000)
    bars = page.locator(".bar").count()
    if errors or bars != operations:
        raise SystemExit(f"page broken: {bars} bars of {operations}; {errors}")
    return float(page.evaluate("window.__ganttReadyAt"))


if __name__ == "__main__":
    main()
