"""Tiny hand-made plants for the `explain` tests, and hand-placed schedules."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mtosched import Problem, Scenario, Schedule, load_scenario
from mtosched.problem.model import Placement
from mtosched.problem.solution import Solution
from mtosched.schedule import build_schedule
from mtosched.verify.check import check as check_solution
from mtosched.verify.evaluate import evaluate
from tests.helpers import assert_checked, write_json

#: Monday 30 November 2026, 06:00 UTC: minute 0 of most plants here.
MONDAY = datetime.fromisoformat("2026-11-30T06:00:00+00:00")

#: Monday to Friday, 06:00-22:00.
WEEKDAYS = {
    "id": "weekdays",
    "shifts": [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "06:00", "to": "22:00"}
    ],
}


def at(minutes: int, start: datetime = MONDAY) -> str:
    """The instant `minutes` after `start`, as the contract writes it."""
    return (start + timedelta(minutes=minutes)).isoformat()


def op(minutes: int, machine: str = "M1", **extra: Any) -> dict[str, Any]:
    """An operation `op` of `minutes` on one machine."""
    return {"id": "op", "machines": [machine], "minutes": minutes, **extra}


def order(oid: str, due: int, *routing: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An order with an inline routing, due `due` minutes after Monday 06:00."""
    return {"id": oid, "routing": list(routing), "due": at(due), **extra}


def plant(tmp_path: Path, orders: list[dict[str, Any]], **extra: Any) -> Scenario:
    """A scenario file with machines M1 and M2 (around the clock by default)."""
    data = {
        "name": "why",
        "start": MONDAY.isoformat(),
        "machines": [{"id": "M1"}, {"id": "M2"}],
        "orders": orders,
        **extra,
    }
    return load_scenario(write_json(tmp_path / "why.json", data))


def placed(problem: Problem, *rows: tuple[str, str, str, int, int]) -> Schedule:
    """A hand-placed schedule: (order, operation, machine, start, end) minutes.

    Running operations take their fixed place; every schedule is checked.
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
