"""What-if levers: each suggested change, applied and re-solved, really works.

The plants are tiny, so every solve ends optimal long before its limit and
the results do not depend on the machine's speed (one worker, seed 0).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mtosched import Scenario, Schedule, build_problem
from mtosched.explain import (
    ExplainParams,
    LeverResult,
    OrderExplanation,
    apply_change,
    explain,
)
from mtosched.explain.report import ExtraShiftChange
from tests.helpers import WEEKDAYS, at, loaded, op, order, plant, solved

QUICK = ExplainParams(lever_time=5, workers=1, seed=0)


def levers(explained: OrderExplanation) -> dict[str, LeverResult]:
    assert explained.what_if is not None
    return {lever.kind: lever for lever in explained.what_if.levers}


def on_time_after(scenario: Scenario, lever: LeverResult, oid: str) -> Schedule:
    """Apply the suggested change, reschedule, and check the order is on time."""
    changed = apply_change(scenario, lever.change)
    schedule = solved(changed)
    assert next(o for o in schedule.orders if o.id == oid).tardiness_minutes == 0
    return schedule


def test_a_higher_priority_puts_the_order_on_time_and_names_the_cost(
    tmp_path: Path,
) -> None:
    """Two 60-min orders due at 60 on one machine: the heavier B goes first.

    Raising A to priority 3 (one above B's 2) swaps them: A on time, B late
    by 60 minutes, which the lever reports as its side effect.
    """
    scenario = loaded(
        tmp_path,
        plant(
            [order("A", 60, op(60)), order("B", 60, op(60), priority=2)],
        ),
    )
    result = explain(scenario, solved(scenario), params=QUICK)
    [a] = result.orders
    assert (a.order, a.tardiness_minutes) == ("A", 60)
    found = levers(a)
    assert set(found) == {"resolve", "priority"}
    assert found["resolve"].outcome == "no_better"
    lever = found["priority"]
    assert lever.outcome == "on_time"
    assert lever.text == "priority 3 for A (was 1; above every other order)"
    assert [
        (e.order, e.lateness_before, e.lateness_after) for e in lever.side_effects
    ] == [("B", 0, 60)]
    after = on_time_after(scenario, lever, "A")
    assert next(o for o in after.orders if o.id == "B").lateness_minutes == 60


def test_an_extra_shift_over_the_weekend_puts_the_order_on_time(
    tmp_path: Path,
) -> None:
    """600 min started Friday 18:00 on a weekday machine, due Saturday 08:00.

    As planned it pauses over the weekend and ends Monday 12:00. An extra
    shift Friday 22:00-Saturday 06:00 lets it run through and end Saturday
    04:00. Other Fridays stay closed at night; Monday's shift is unchanged.
    """
    friday = datetime.fromisoformat("2026-12-04T18:00:00+00:00")
    scenario = loaded(
        tmp_path,
        plant(
            [{"id": "A", "routing": [op(600)], "due": at(840, friday)}],
            start=friday.isoformat(),
            calendars=[WEEKDAYS],
            machines=[{"id": "M1", "calendar": "weekdays"}],
        ),
    )
    result = explain(scenario, solved(scenario), params=QUICK)
    [a] = result.orders
    assert a.lateness_minutes == 3960 - 840
    assert a.what_if is not None
    assert a.what_if.note == "priority: already above every other order"
    lever = levers(a)["extra_shift"]
    assert lever.outcome == "on_time" and lever.lateness_minutes == 600 - 840
    assert isinstance(lever.change, ExtraShiftChange)
    assert lever.text == "an extra shift on M1 Fri 04 Dec 22:00 → Sat 05 Dec 06:00"
    on_time_after(scenario, lever, "A")
    problem = build_problem(apply_change(scenario, lever.change))
    hours = problem.calendars[problem.machines[0].calendar or 0]
    assert hours.worked(240, 720) == 480  # this Friday night works
    assert hours.worked(240 + 10080, 720 + 10080) == 0  # next Friday's does not
    assert hours.worked(240 - 10080, 720 - 10080) == 0  # nor last Friday's
    assert hours.worked(3600, 4560) == 960  # Monday 06:00-22:00 as before


def test_an_extra_shift_inside_a_closure_keeps_other_weeks_regular(
    tmp_path: Path,
) -> None:
    """A shift added on a holiday Thursday 06:00-14:00 (closed that day only)
    works on that day, and every other Thursday keeps its regular 16 hours.
    """
    calendar = {
        **WEEKDAYS,
        "closures": [{"from": "2026-12-24T00:00:00Z", "to": "2026-12-25T00:00:00Z"}],
    }
    scenario = loaded(
        tmp_path,
        plant(
            [order("A", 60 * 1440, op(60))],  # due in two months: calendars reach it
            calendars=[calendar],
            machines=[{"id": "M1", "calendar": "weekdays"}],
        ),
    )
    change = ExtraShiftChange(
        machine="M1",
        from_=datetime.fromisoformat("2026-12-24T06:00:00+00:00"),
        to=datetime.fromisoformat("2026-12-24T14:00:00+00:00"),
        weeks_from=datetime.fromisoformat("2026-11-16T06:00:00+00:00"),
        weeks_to=datetime.fromisoformat("2027-03-01T06:00:00+00:00"),
    )
    problem = build_problem(apply_change(scenario, change))
    hours = problem.calendars[problem.machines[0].calendar or 0]
    thursday = 24 * 1440  # Thursday 24 December 06:00
    assert hours.worked(thursday, thursday + 960) == 480
    for weeks in (-3, -1, 1, 5):
        other = thursday + weeks * 10080
        assert hours.worked(other, other + 960) == 960
    assert scenario.machines[0].calendar == "weekdays"  # the original is untouched


def test_an_earlier_receipt_puts_the_order_on_time(tmp_path: Path) -> None:
    """A needs a bolt that arrives at 500; due at 100. Received at the start
    instead, it runs 0-60.
    """
    scenario = loaded(
        tmp_path,
        plant(
            [order("A", 100, op(60, consumes={"bolt": 1}))],
            materials=[{"id": "bolt", "receipts": [{"at": at(500), "quantity": 1}]}],
        ),
    )
    result = explain(scenario, solved(scenario), params=QUICK)
    [a] = result.orders
    assert a.minutes["material"] == 500
    lever = levers(a)["expedite_material"]
    assert lever.outcome == "on_time"
    assert lever.text == (
        "bolt received earlier: 1 on Mon 30 Nov 06:00 instead of Mon 30 Nov 14:20"
    )
    on_time_after(scenario, lever, "A")


def test_no_what_if_without_a_scenario_or_past_the_order_limit(
    tmp_path: Path,
) -> None:
    """A compiled problem cannot be changed; the order limit is respected."""
    scenario = loaded(
        tmp_path,
        plant(
            [order("A", 60, op(60)), order("B", 60, op(60), priority=2)],
        ),
    )
    schedule = solved(scenario)
    problem = build_problem(scenario)
    [a] = explain(problem, schedule).orders
    assert a.what_if is not None and not a.what_if.levers
    assert a.what_if.note == (
        "not tried: what-if levers need the scenario and a schedule"
    )
    limited = ExplainParams(lever_time=5, workers=1, what_if_orders=0)
    result = explain(scenario, schedule, params=limited)
    assert all(
        o.what_if is not None
        and o.what_if.note == "not tried: what-if order limit reached"
        for o in result.orders
    )
    assert result.what_if_seconds == 0
