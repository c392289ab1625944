"""Shared test helpers: one plant builder, one solve-and-check, the real CLI.

Import them as `from tests.helpers import plant, solved` (every folder under
`tests/` is a package). Every schedule a test makes, solved or placed by
hand, passes the independent checker through `assert_checked`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mtosched import (
    Problem,
    Scenario,
    Schedule,
    SolveParams,
    build_problem,
    check,
    load_scenario,
    solve,
)
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.scenario.references import check_references
from mtosched.schedule_mapping import build_schedule
from mtosched.verify.check import check as check_solution
from mtosched.verify.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "instances"
#: Public benchmark files and reliability cases kept beside the tests.
DATA = ROOT / "tests" / "data"

#: Monday 30 November 2026, 06:00 UTC: minute 0 of most plants here.
MONDAY = datetime.fromisoformat("2026-11-30T06:00:00+00:00")

#: Monday to Friday, 06:00-22:00.
WEEKDAYS = {
    "id": "weekdays",
    "shifts": [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "06:00", "to": "22:00"}
    ],
}

#: One worker and a fixed seed: a solve that ends repeats exactly.
QUICK = SolveParams(time_limit=5, workers=1, seed=0)


# --- building plants ----------------------------------------------------------


def at(minutes: int, start: datetime = MONDAY) -> str:
    """The instant `minutes` after `start`, as the contract writes it."""
    return (start + timedelta(minutes=minutes)).isoformat()


def op(minutes: int, machine: str = "M1", **extra: Any) -> dict[str, Any]:
    """An operation `op` of `minutes` on one machine."""
    return {"id": "op", "machines": [machine], "minutes": minutes, **extra}


def order(oid: str, due: int, *routing: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An order with an inline routing, due `due` minutes after Monday 06:00."""
    return {"id": oid, "routing": list(routing), "due": at(due), **extra}


def plant(
    orders: Sequence[dict[str, Any]],
    *,
    machines: Sequence[str | dict[str, Any]] = ("M1", "M2"),
    products: Sequence[dict[str, Any]] = (),
    start: str = MONDAY.isoformat(),
    **extra: Any,
) -> dict[str, Any]:
    """A scenario document: `orders` on `machines` from `start` (Monday 06:00 UTC).

    Machines are given by id (around the clock) or as whole entries;
    `products` is left out when empty (orders then carry inline routings);
    `extra` adds or replaces top-level sections (`name`, `calendars`,
    `objective`, ...). Tests change the returned dict freely.
    """
    document: dict[str, Any] = {
        "start": start,
        "machines": [m if isinstance(m, dict) else {"id": m} for m in machines],
    }
    if products:
        document["products"] = list(products)
    document["orders"] = list(orders)
    document.update(extra)
    return document


def write_json(path: Path, data: Any) -> Path:
    """Write `data` as JSON and return the path."""
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def loaded(folder: Path, document: dict[str, Any], name: str = "plant") -> Scenario:
    """`document` written to `folder/<name>.json` and loaded as the CLI loads it."""
    return load_scenario(write_json(folder / f"{name}.json", document))


# --- schedules that pass the checker -------------------------------------------


def validated(data: dict[str, Any]) -> Scenario:
    """The scenario of a document, after the same checks `load_scenario` makes."""
    scenario = Scenario.model_validate(data)
    issues = check_references(scenario)
    assert not issues, [str(i) for i in issues]
    return scenario


def assert_checked(problem: Problem, schedule: Schedule) -> None:
    """Every schedule a test produces must pass the independent checker."""
    report = check(problem, schedule)
    assert report.ok, report.violations
    assert report.evaluation is not None
    for term, value in schedule.objective.items():
        assert report.evaluation.terms[term] == value


def solved(
    scenario: Scenario | Problem,
    params: SolveParams = QUICK,
    *,
    optimal: bool = False,
) -> Schedule:
    """Solve, then check the schedule; with `optimal`, the solve must prove it."""
    problem = scenario if isinstance(scenario, Problem) else build_problem(scenario)
    schedule = solve(problem, params)
    assert_checked(problem, schedule)
    if optimal:
        assert schedule.status == "optimal", schedule.summary()
    return schedule


def placed(problem: Problem, *rows: tuple[str, str, str, int, int]) -> Schedule:
    """A hand-placed schedule: (order, operation, machine, start, end) minutes.

    Running operations take their fixed place; every schedule is checked,
    as a solution and as the schedule built from it.
    """
    places: list[Placement | None] = [task.fixed for task in problem.tasks]
    for oid, operation, machine, start, end in rows:
        index = problem.machine_index(machine)
        assert index is not None
        places[problem.task_index[(oid, operation)]] = Placement(index, start, end)
    assert all(p is not None for p in places), "every task needs a place"
    solution = Solution(tuple(p for p in places if p is not None))
    report = check_solution(problem, solution)
    assert report.ok, report.violations
    schedule = build_schedule(
        problem, solution, evaluate(problem, solution), status="feasible"
    )
    assert_checked(problem, schedule)
    return schedule


# --- the command line ------------------------------------------------------------


def run_cli(
    *args: str | Path, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m mtosched` as a user would, capturing both streams.

    Only tests marked `cli` may call it (`pytest -m "not cli"` skips them all).
    """
    return subprocess.run(
        [sys.executable, "-m", "mtosched", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )
