"""build_problem: options, skipped predecessors, durations, progress, minutes."""

from __future__ import annotations

from typing import Any

import pytest

from mtosched import InputError, Scenario, build_problem

START = "2026-11-30T06:00:00Z"


def scenario(**overrides: Any) -> Scenario:
    data: dict[str, Any] = {
        "start": START,
        "timezone": "Europe/London",
        "machines": [{"id": "A"}, {"id": "B", "speed": 1.1}, {"id": "C"}],
        "products": [
            {
                "id": "car",
                "options": {"paint": ["std", "bespoke"]},
                "routing": [
                    {"id": "body", "machines": ["A"], "minutes": 100},
                    {
                        "id": "prime",
                        "machines": ["B"],
                        "minutes": 10,
                        "minutes_per_unit": 1,
                        "when": {"paint": "bespoke"},
                        "min_wait_minutes": 30,
                    },
                    {"id": "paint", "machines": {"B": 50, "C": 70}, "setup_minutes": 5},
                    {
                        "id": "qa",
                        "after": ["body", "paint"],
                        "machines": ["C"],
                        "minutes": 1,
                    },
                ],
            }
        ],
        "orders": [
            {
                "id": "S1",
                "product": "car",
                "options": {"paint": "std"},
                "due": "2026-12-01T06:00:00Z",
            },
            {
                "id": "B1",
                "product": "car",
                "options": {"paint": "bespoke"},
                "quantity": 3,
                "released": "2026-11-29T06:00:00Z",
                "due": "2026-12-01T06:00:00Z",
                "priority": 4,
            },
        ],
    }
    data.update(overrides)
    return Scenario.model_validate(data)


def task(problem: Any, order: str, op: str) -> Any:
    return problem.tasks[problem.task_index[(order, op)]]


def test_when_removes_operations_and_skipped_predecessors_are_skipped_through() -> None:
    """Without bespoke paint, 'prime' is absent and 'paint' follows 'body'."""
    problem = build_problem(scenario())
    assert ("S1", "prime") not in problem.task_index
    paint = task(problem, "S1", "paint")
    assert paint.predecessors == (problem.task_index[("S1", "body")],)
    bespoke_paint = task(problem, "B1", "paint")
    assert bespoke_paint.predecessors == (problem.task_index[("B1", "prime")],)


def test_durations_use_exact_decimal_speed_rounded_up_once() -> None:
    """prime on B: ceil((10 + 1 x 3) / 1.1) = ceil(11.818...) = 12 minutes."""
    problem = build_problem(scenario())
    prime = task(problem, "B1", "prime")
    assert [(problem.machines[m.machine].id, m.duration) for m in prime.modes] == [
        ("B", 12)
    ]


def test_object_form_minutes_ignore_speed_but_add_setup() -> None:
    """paint: {B: 50, C: 70} plus 5 setup, speed of B not applied."""
    problem = build_problem(scenario())
    paint = task(problem, "S1", "paint")
    assert {problem.machines[m.machine].id: m.duration for m in paint.modes} == {
        "B": 55,
        "C": 75,
    }


def test_min_wait_only_applies_with_a_predecessor() -> None:
    """prime's 30-min curing wait stays; the first operation has none."""
    problem = build_problem(scenario())
    assert task(problem, "B1", "prime").min_wait == 30
    assert task(problem, "B1", "body").min_wait == 0


def test_instants_become_minutes_from_start() -> None:
    """Due one day after start = 1440; a release before start stays negative."""
    problem = build_problem(scenario())
    bespoke = problem.orders[1]
    assert bespoke.due == 1440
    assert bespoke.released == -1440
    assert task(problem, "B1", "body").release == 0


def test_now_overrides_start_and_naive_instants_use_the_timezone() -> None:
    """A naive --now is London time; in winter London is UTC+0."""
    from datetime import datetime

    problem = build_problem(scenario(), now=datetime(2026, 11, 30, 8, 0))
    assert problem.orders[0].due == 1440 - 120


def test_done_operations_vanish_and_running_ones_are_fixed() -> None:
    """body done; paint running on C since 30 min before start, 75 min long."""
    data = scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["orders"][0]["progress"] = {
        "body": {"state": "done"},
        "paint": {
            "state": "running",
            "machine": "C",
            "started": "2026-11-30T05:30:00Z",
        },
    }
    problem = build_problem(Scenario.model_validate(data))
    assert ("S1", "body") not in problem.task_index
    paint = task(problem, "S1", "paint")
    assert paint.fixed is not None
    assert (paint.fixed.start, paint.fixed.end) == (-30, 45)
    qa = task(problem, "S1", "qa")
    assert qa.predecessors == (problem.task_index[("S1", "paint")],)


def test_running_work_overdue_ends_one_minute_after_start() -> None:
    """Contract rule 11: a running op whose time is up ends at minute 1."""
    data = scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["orders"][0]["progress"] = {
        "body": {"state": "running", "machine": "A", "started": "2026-11-29T06:00:00Z"},
    }
    problem = build_problem(Scenario.model_validate(data))
    assert task(problem, "S1", "body").fixed.end == 1


def test_finished_and_unconfirmed_orders_are_not_scheduled() -> None:
    """All-done orders and tentative/cancelled ones are left out (rule 12)."""
    data = scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["orders"][0]["progress"] = {
        op: {"state": "done"} for op in ("body", "paint", "qa")
    }
    data["orders"][1]["status"] = "tentative"
    problem = build_problem(Scenario.model_validate(data))
    assert problem.orders == ()


def test_running_started_after_start_is_an_input_error() -> None:
    """Progress from the future names the order's progress path."""
    data = scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["orders"][0]["progress"] = {
        "body": {"state": "running", "machine": "A", "started": "2026-11-30T07:00:00Z"},
    }
    with pytest.raises(InputError) as caught:
        build_problem(Scenario.model_validate(data))
    assert caught.value.issues[0].path == "orders[0].progress.body.started"


def test_changeover_matrices_and_families_are_compiled() -> None:
    """A painted operation's family is its order's colour option."""
    data = scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["changeovers"] = [
        {
            "id": "paint",
            "default_minutes": 30,
            "pairs": [{"from": "std", "to": "bespoke", "minutes": 90}],
        }
    ]
    data["machines"][1].update(changeovers="paint", initial_family="std")
    for op in data["products"][0]["routing"]:
        op["family_option"] = "paint"
    problem = build_problem(Scenario.model_validate(data))
    machine = problem.machines[1]
    assert machine.initial_family == "std" and machine.changeovers == 0
    matrix = problem.changeovers[0]
    assert matrix.minutes("std", "bespoke") == 90
    assert matrix.minutes("bespoke", "std") == 30
    assert matrix.minutes("std", "std") == 0
    assert matrix.minutes(None, "std") == 0
    assert task(problem, "B1", "paint").family == "bespoke"


def test_minutes_are_elapsed_time_across_a_daylight_saving_change() -> None:
    """London springs forward on 29 March 2026: 06:00 Sat to 06:00 Mon is 47 h.

    A regression: subtracting two datetimes in the same zone gives wall-clock
    time (48 h); mtosched computes in UTC.
    """
    data = scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["start"] = "2026-03-28T06:00:00"
    for order in data["orders"]:
        order["due"] = "2026-03-30T06:00:00"
        order.pop("released", None)
    problem = build_problem(Scenario.model_validate(data))
    assert problem.orders[0].due == 47 * 60
    assert problem.instant(47 * 60).isoformat() == "2026-03-30T06:00:00+01:00"


def test_seconds_are_dropped_before_counting_minutes() -> None:
    """Due 06:00:59 one day on is minute 1440, released 05:59:30 is minute -1.

    Instants on the minute skip the flooring; these must still be floored.
    """
    data = scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["orders"][0]["due"] = "2026-12-01T06:00:59.5Z"
    data["orders"][0]["released"] = "2026-11-30T05:59:30Z"
    problem = build_problem(Scenario.model_validate(data))
    assert (problem.orders[0].due, problem.orders[0].released) == (1440, -1)
