"""`explain`: critical chains and minutes per cause on hand-placed schedules.

Every plant here is small enough to work the answer out by hand; the
expected minutes are derived in each test's comment. Minute 0 is Monday
30 November 2026, 06:00 UTC, unless a test says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from mtosched import SolveParams, build_problem, previous_plan, solve
from mtosched.explain import (
    CAUSE_KINDS,
    ScheduleMismatchError,
    UnknownOrderError,
    explain,
)
from tests.helpers import MONDAY, WEEKDAYS, at, loaded, op, order, placed, plant
from tests.helpers.explained import assert_adds_up, nonzero, only


def test_a_machine_busy_with_another_order_is_named_with_its_window(
    tmp_path: Path,
) -> None:
    """B holds M1 for 300 min; A (60 min, due at 100) waits for it.

    Span 360 = 60 processing + 300 machine busy; late by 360 - 100 = 260,
    all of it charged to M1.
    """
    scenario = loaded(
        tmp_path, plant([order("A", 100, op(60)), order("B", 400, op(300))])
    )
    problem = build_problem(scenario)
    schedule = placed(problem, ("B", "op", "M1", 0, 300), ("A", "op", "M1", 300, 360))
    result = explain(scenario, schedule, what_if=False)
    a = only(result, "A")
    assert_adds_up(a)
    assert a.lateness_minutes == 260
    assert nonzero(a) == {"processing": 60, "machine_busy": 300}
    assert a.lateness_share["machine_busy"] == 260
    [cause] = a.causes
    assert cause.text == "M1 busy with B/op Mon 30 Nov 06:00-11:00"
    [blocker] = cause.blockers
    assert (blocker.order, blocker.operation, blocker.machine) == ("B", "op", "M1")
    assert (blocker.busy_from, blocker.end) == (MONDAY, datetime.fromisoformat(at(300)))
    [step] = a.chain
    assert (step.binding, step.ready) == ("start", MONDAY)
    m1 = next(row for row in result.plant if row.id == "M1")
    assert (m1.waiting_minutes, m1.lateness_minutes, m1.late_orders) == (
        300,
        260,
        ["A"],
    )
    assert result.late_orders == 1 and [o.order for o in result.orders] == ["A"]


def test_a_gap_too_short_before_the_next_order_counts_as_that_order(
    tmp_path: Path,
) -> None:
    """M1 is free for 100 min, but A needs 150 before B arrives at 100.

    A waits 0-100 (free, too briefly) and 100-200 (B runs): 200 min, all
    because of B.
    """
    scenario = loaded(
        tmp_path, plant([order("A", 0, op(150)), order("B", 400, op(100))])
    )
    problem = build_problem(scenario)
    schedule = placed(problem, ("B", "op", "M1", 100, 200), ("A", "op", "M1", 200, 350))
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert nonzero(a) == {"processing": 150, "machine_busy": 200}
    assert [c.blockers[0].order for c in a.causes] == ["B"]


def test_a_weekend_and_a_closure_pause_the_work_for_exactly_their_minutes(
    tmp_path: Path,
) -> None:
    """Start Friday 4 December 18:00; 600 min on a 06:00-22:00 weekday machine.

    It works 18:00-22:00 (240), pauses Friday 22:00 to Monday 09:00 (the
    weekend, then a maintenance closure 06:00-09:00: 59 h = 3540 min) and
    works 09:00-15:00 (360). Completion 240 + 3540 + 360 = 4140, due at
    300: late by 3840.
    """
    friday = datetime.fromisoformat("2026-12-04T18:00:00+00:00")
    calendar = {
        **WEEKDAYS,
        "closures": [
            {
                "from": "2026-12-07T06:00:00Z",
                "to": "2026-12-07T09:00:00Z",
                "reason": "maintenance",
            }
        ],
    }
    scenario = loaded(
        tmp_path,
        plant(
            [{"id": "A", "routing": [op(600)], "due": at(300, friday)}],
            start=friday.isoformat(),
            calendars=[calendar],
            machines=[{"id": "M1", "calendar": "weekdays"}],
        ),
    )
    problem = build_problem(scenario)
    schedule = placed(problem, ("A", "op", "M1", 0, 4140))
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert a.lateness_minutes == 3840
    assert nonzero(a) == {"processing": 600, "non_working": 3540}
    [cause] = a.causes
    assert cause.closed == ["M1"] and cause.closures == ["maintenance"]
    assert cause.text == (
        "M1 not working Fri 04 Dec 22:00 → Mon 07 Dec 09:00 (maintenance)"
    )


def test_a_release_date_then_no_working_period_long_enough(tmp_path: Path) -> None:
    """Released Friday 21:00 (6660 min after start); 120 min in one go.

    The shift ends at 22:00, too soon for 120 uninterrupted minutes, so it
    waits 21:00-22:00 (60) and the weekend 22:00-Monday 06:00 (3360), and
    runs Monday 06:00-08:00 (minute 10080-10200). Release 6660, non-working
    60 + 3360 = 3420, processing 120: 10200 in all.
    """
    scenario = loaded(
        tmp_path,
        plant(
            [order("A", 6720, op(120, interruptible=False), released=at(6660))],
            calendars=[WEEKDAYS],
            machines=[{"id": "M1", "calendar": "weekdays"}],
        ),
    )
    problem = build_problem(scenario)
    schedule = placed(problem, ("A", "op", "M1", 10080, 10200))
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert nonzero(a) == {"release": 6660, "non_working": 3420, "processing": 120}
    assert a.chain[0].binding == "release"
    assert a.chain[0].ready == datetime.fromisoformat(at(6660))
    assert {c.text for c in a.causes} == {
        "not released until Fri 04 Dec 21:00",
        "M1 not working Fri 04 Dec 22:00 → Mon 07 Dec 06:00",
    }


def test_a_late_release_is_the_whole_story(tmp_path: Path) -> None:
    """Released at 240, 60 min, due at 270: late 30, all of it the release."""
    scenario = loaded(tmp_path, plant([order("A", 270, op(60), released=at(240))]))
    problem = build_problem(scenario)
    schedule = placed(problem, ("A", "op", "M1", 240, 300))
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert nonzero(a) == {"release": 240, "processing": 60}
    assert a.lateness_share == {**dict.fromkeys(CAUSE_KINDS, 0), "release": 30}
    assert a.story.startswith("A is late by 0h30: it completes Mon 30 Nov 11:00")


def test_a_material_receipt_is_waited_for_until_it_arrives(tmp_path: Path) -> None:
    """B takes the two bolts in stock at 0; A's two arrive at 500.

    A waits 0-500 for the receipt, runs 500-560: material 500.
    """
    scenario = loaded(
        tmp_path,
        plant(
            [
                order("A", 100, op(60, consumes={"bolt": 2})),
                order("B", 100, op(60, "M2", consumes={"bolt": 2})),
            ],
            materials=[
                {
                    "id": "bolt",
                    "unit": "box",
                    "on_hand": 2,
                    "receipts": [{"at": at(500), "quantity": 2}],
                }
            ],
        ),
    )
    problem = build_problem(scenario)
    schedule = placed(problem, ("B", "op", "M2", 0, 60), ("A", "op", "M1", 500, 560))
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert nonzero(a) == {"material": 500, "processing": 60}
    [cause] = a.causes
    assert cause.material == "bolt"
    assert cause.arrival == datetime.fromisoformat(at(500))
    assert cause.text == "bolt not available until Mon 30 Nov 14:20 (receipt of 2 box)"


def test_changeovers_before_it_and_before_others(tmp_path: Path) -> None:
    """M1 is set up for red. B (blue) needs 30 min of changeover, then runs
    100; A (red) needs 30 more before its 60 min. A: changeover 30 + 30,
    machine busy 100 (B's run), processing 60.
    """
    scenario = loaded(
        tmp_path,
        plant(
            [
                order("A", 0, op(60, family="red")),
                order("B", 400, op(100, family="blue")),
            ],
            changeovers=[{"id": "paint", "default_minutes": 30}],
            machines=[
                {"id": "M1", "changeovers": "paint", "initial_family": "red"},
                {"id": "M2"},
            ],
        ),
    )
    problem = build_problem(scenario)
    schedule = placed(problem, ("B", "op", "M1", 30, 130), ("A", "op", "M1", 160, 220))
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert nonzero(a) == {"changeover": 60, "machine_busy": 100, "processing": 60}
    assert sorted(c.text for c in a.causes if c.kind == "changeover") == [
        "M1 changed over for B/op",
        "M1 changed over for it after B/op",
    ]


def test_a_crew_at_capacity_names_who_holds_it(tmp_path: Path) -> None:
    """One fitter: B holds it 0-100 on M1, so A waits on M2 until 100."""
    crew = {"uses": {"fitter": 1}}
    scenario = loaded(
        tmp_path,
        plant(
            [order("A", 60, op(60, "M2", **crew)), order("B", 400, op(100, **crew))],
            resources=[{"id": "fitter", "capacity": 1}],
        ),
    )
    problem = build_problem(scenario)
    schedule = placed(problem, ("B", "op", "M1", 0, 100), ("A", "op", "M2", 100, 160))
    result = explain(scenario, schedule, what_if=False)
    a = only(result, "A")
    assert_adds_up(a)
    assert nonzero(a) == {"resource": 100, "processing": 60}
    [cause] = a.causes
    assert (cause.resource, cause.text) == (
        "fitter",
        "fitter at capacity, held by B/op",
    )
    fitter = next(row for row in result.plant if row.id == "fitter")
    assert (fitter.kind, fitter.lateness_minutes) == ("resource", 100)


def test_the_chain_follows_the_predecessor_and_its_minimum_wait(
    tmp_path: Path,
) -> None:
    """cut 0-60 on M1, then 120 min of curing, then press 180-240 on M2."""
    scenario = loaded(
        tmp_path,
        plant(
            [
                order(
                    "A",
                    100,
                    {"id": "cut", "machines": ["M1"], "minutes": 60},
                    {
                        "id": "press",
                        "machines": ["M2"],
                        "minutes": 60,
                        "min_wait_minutes": 120,
                    },
                )
            ],
        ),
    )
    problem = build_problem(scenario)
    schedule = placed(
        problem, ("A", "cut", "M1", 0, 60), ("A", "press", "M2", 180, 240)
    )
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert [s.operation for s in a.chain] == ["cut", "press"]
    assert (a.chain[1].binding, a.chain[1].predecessor) == ("predecessor", "cut")
    assert nonzero(a) == {"processing": 120, "min_wait": 120}


def test_an_operation_overlapping_its_predecessor_in_lots_is_counted_once(
    tmp_path: Path,
) -> None:
    """4 units: cut 30 min each on M1 [0, 120), weld 30 each on M2 in lots of 1.

    Weld starts when the first unit is cut (30) and ends 30 min after the
    last (150). Its minutes before 120 overlap the cut, whose step counts
    them: cut 120 + weld 30 = 150 of processing, the whole span.
    """
    cut = {"id": "cut", "machines": ["M1"], "minutes_per_unit": 30}
    weld = {"id": "weld", "machines": ["M2"], "minutes_per_unit": 30,
            "transfer_quantity": 1}  # fmt: skip
    scenario = loaded(tmp_path, plant([order("A", 100, cut, weld, quantity=4)]))
    problem = build_problem(scenario)
    schedule = placed(problem, ("A", "cut", "M1", 0, 120), ("A", "weld", "M2", 30, 150))
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert nonzero(a) == {"processing": 150}
    assert [(s.operation, s.processing_minutes) for s in a.chain] == [
        ("cut", 120),
        ("weld", 30),
    ]


def test_work_already_running_holds_the_machine(tmp_path: Path) -> None:
    """B started at -60 and runs 180 min: it holds M1 until 120; A follows."""
    running = {"op": {"state": "running", "machine": "M1", "started": at(-60)}}
    scenario = loaded(
        tmp_path,
        plant(
            [order("A", 60, op(60)), order("B", 400, op(180), progress=running)],
        ),
    )
    problem = build_problem(scenario)
    schedule = placed(problem, ("A", "op", "M1", 120, 180))
    result = explain(scenario, schedule, ["A", "B"], what_if=False)
    a, b = only(result, "A"), only(result, "B")
    assert_adds_up(a)
    assert nonzero(a) == {"running_work": 120, "processing": 60}
    assert a.causes[0].text == ("M1 busy with B/op (running) Mon 30 Nov 05:00-08:00")
    assert a.causes[0].blockers[0].running
    assert_adds_up(b)
    assert (b.chain[0].binding, b.chain[0].running) == ("running", True)
    assert nonzero(b) == {"processing": 120}


def test_time_no_constraint_explains_is_idle(tmp_path: Path) -> None:
    """A could start at 0 but was placed at 50: 50 idle minutes."""
    scenario = loaded(tmp_path, plant([order("A", 60, op(60))]))
    problem = build_problem(scenario)
    schedule = placed(problem, ("A", "op", "M1", 50, 110))
    a = only(explain(scenario, schedule, what_if=False), "A")
    assert_adds_up(a)
    assert nonzero(a) == {"idle": 50, "processing": 60}
    assert a.lateness_share["idle"] == 50


def test_orders_not_in_the_schedule_are_input_errors(tmp_path: Path) -> None:
    """Unknown ids, tentative orders and finished ones are named as such."""
    scenario = loaded(
        tmp_path,
        plant(
            [
                order("A", 60, op(60)),
                order("T", 60, op(60), status="tentative"),
                order("D", 60, op(60), progress={"op": {"state": "done"}}),
            ],
        ),
    )
    schedule = placed(build_problem(scenario), ("A", "op", "M1", 0, 60))
    with pytest.raises(UnknownOrderError) as caught:
        explain(scenario, schedule, ["X", "T", "D"], what_if=False)
    assert [i.message for i in caught.value.issues] == [
        "no order 'X' in the schedule",
        "order 'T' is not scheduled (tentative)",
        "order 'D' is finished: every operation is done",
    ]


def test_a_schedule_that_does_not_fit_its_scenario_is_refused(
    tmp_path: Path,
) -> None:
    """A schedule for other durations cannot be explained."""
    scenario = loaded(tmp_path, plant([order("A", 60, op(60))]))
    schedule = placed(build_problem(scenario), ("A", "op", "M1", 0, 60))
    longer = loaded(tmp_path, plant([order("A", 60, op(90))]))
    with pytest.raises(ScheduleMismatchError) as caught:
        explain(longer, schedule, what_if=False)
    assert any("needs 90" in v for v in caught.value.violations)


def test_on_time_orders_are_explained_when_named(tmp_path: Path) -> None:
    """Named, an on-time order gets its chain and no lateness to share."""
    scenario = loaded(tmp_path, plant([order("A", 600, op(60))]))
    schedule = placed(build_problem(scenario), ("A", "op", "M1", 0, 60))
    result = explain(scenario, schedule, ["A"])
    a = only(result, "A")
    assert_adds_up(a)
    assert a.what_if is None and result.late_orders == 0
    assert a.story.startswith("A is on time with 9h00 to spare")
    assert (
        result.summary() == "1 order(s) explained, 0 late (of 0 late in the schedule)"
    )


def test_frozen_work_of_the_previous_plan_holds_the_machine(tmp_path: Path) -> None:
    """Last night B was planned on M1 at 0-300; frozen for 8 h, it stays.

    Tonight's urgent C (60 min, due at 60) must wait behind it: 300 min of
    frozen plan, late by 300. Without last night's plan, B is just another
    order holding the machine.
    """
    night = [order("B", 1000, op(300))]
    first = tmp_path / "first"
    first.mkdir()
    last_night = solve(
        loaded(first, plant(night)), SolveParams(time_limit=5, workers=1)
    )
    scenario = loaded(tmp_path, plant([*night, order("C", 60, op(60))]))
    previous = previous_plan(last_night, freeze_hours=8)
    tonight = solve(scenario, SolveParams(time_limit=5, workers=1), previous=previous)
    result = explain(scenario, tonight, ["C"], what_if=False, previous=previous)
    c = only(result, "C")
    assert_adds_up(c)
    assert nonzero(c) == {"frozen_plan": 300, "processing": 60}
    assert c.causes[0].text == "M1 busy with B/op (frozen plan) Mon 30 Nov 06:00-11:00"
    assert c.causes[0].blockers[0].frozen
    unaware = only(explain(scenario, tonight, ["C"], what_if=False), "C")
    assert nonzero(unaware) == {"machine_busy": 300, "processing": 60}
