"""Calendar arithmetic: shifts in wall-clock time, DST, closures, pausing work."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from mtosched import Scenario, SearchParams, SolveParams, build_problem, solve
from mtosched.problem.calendars import working_time
from mtosched.problem.worktime import WorkingTime, merge_periods
from mtosched.scenario.models import Calendar
from tests.helpers import assert_checked, solved

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def periods_utc(
    calendar: dict[str, Any], start: str, days: int
) -> list[tuple[str, str]]:
    """Working periods as UTC clock strings, for readable assertions."""
    origin = datetime.fromisoformat(start).astimezone(UTC)
    hours = working_time(
        Calendar.model_validate(calendar), LONDON, origin, 0, days * 1440
    )
    stamp = "%a %d %H:%M"
    return [
        (
            datetime.fromtimestamp(origin.timestamp() + a * 60, UTC).strftime(stamp),
            datetime.fromtimestamp(origin.timestamp() + b * 60, UTC).strftime(stamp),
        )
        for a, b in hours.periods
    ]


def test_spring_forward_keeps_wall_clock_shifts() -> None:
    """London, Sun 29 Mar 2026: the 06:00 shift starts at 05:00 UTC from then on."""
    calendar = {
        "id": "c",
        "shifts": [{"days": ["sat", "sun"], "from": "06:00", "to": "14:00"}],
    }
    assert periods_utc(calendar, "2026-03-28T00:00:00Z", 2) == [
        ("Sat 28 06:00", "Sat 28 14:00"),
        ("Sun 29 05:00", "Sun 29 13:00"),
    ]


def test_night_shift_over_spring_forward_is_an_hour_shorter() -> None:
    """Sat 22:00 GMT to Sun 06:00 BST is 7 hours of work, not 8."""
    calendar = {
        "id": "c",
        "shifts": [{"days": ["sat"], "from": "22:00", "to": "06:00"}],
    }
    assert periods_utc(calendar, "2026-03-28T00:00:00Z", 2) == [
        ("Sat 28 22:00", "Sun 29 05:00"),
    ]


def test_night_shift_over_fall_back_is_an_hour_longer() -> None:
    """Sat 24 Oct 22:00 BST to Sun 06:00 GMT is 9 hours of work."""
    calendar = {
        "id": "c",
        "shifts": [{"days": ["sat"], "from": "22:00", "to": "06:00"}],
    }
    assert periods_utc(calendar, "2026-10-24T00:00:00Z", 2) == [
        ("Sat 24 21:00", "Sun 25 06:00"),
    ]


def test_shift_to_midnight_and_touching_shifts_merge() -> None:
    """'24:00' ends at midnight; 06-14 and 14-24:00 touch, so they are one period."""
    calendar = {
        "id": "c",
        "shifts": [
            {"days": ["mon"], "from": "06:00", "to": "14:00"},
            {"days": ["mon"], "from": "14:00", "to": "24:00"},
        ],
    }
    assert periods_utc(calendar, "2026-11-30T00:00:00Z", 1) == [
        ("Mon 30 06:00", "Tue 01 00:00"),
    ]


def test_a_closure_removes_whole_shifts_and_cuts_others() -> None:
    """Closed Tue all day and Wed until 10:00: Tue's shift is gone, Wed's shortened."""
    calendar = {
        "id": "c",
        "shifts": [{"days": WEEKDAYS, "from": "06:00", "to": "14:00"}],
        "closures": [{"from": "2026-12-01T00:00:00Z", "to": "2026-12-02T10:00:00Z"}],
    }
    assert periods_utc(calendar, "2026-11-30T00:00:00Z", 3) == [
        ("Mon 30 06:00", "Mon 30 14:00"),
        ("Wed 02 10:00", "Wed 02 14:00"),
    ]


def test_finish_pauses_over_breaks() -> None:
    """Periods [0,480) and [960,1440): 100 min from 400 end at 980."""
    hours = WorkingTime(((0, 480), (960, 1440)))
    assert hours.finish(400, 100) == 980
    assert hours.finish(0, 480) == 480  # ends right after the last working minute
    assert hours.worked(400, 980) == 100
    assert hours.finish(0, 961) is None  # beyond the modelled span


def test_start_groups_match_finish_minute_by_minute() -> None:
    """The partition of starts by elapsed time agrees with `finish` everywhere."""
    hours = WorkingTime(((0, 480), (960, 1920), (2400, 2880)))
    for work in (1, 50, 480, 700):
        groups = hours.start_groups(work, -50, 3000)
        by_start = {
            s: e
            for e, ranges in groups.items()
            for a, b in ranges
            for s in range(a, b + 1)
        }
        expected = {}
        for s in range(-50, 3001):
            end = hours.finish(s, work) if hours.is_working(s) else None
            if end is not None:
                expected[s] = end - s
        assert by_start == expected


def one_operation(op: dict[str, Any], released: str, **extra: Any) -> Scenario:
    """A Mon-Fri 06:00-22:00 machine in London and one order with one operation."""
    return Scenario.model_validate(
        {
            "timezone": "Europe/London",
            "start": "2026-11-27T06:00:00Z",  # a Friday
            "calendars": [
                {
                    "id": "weekdays",
                    "shifts": [{"days": WEEKDAYS, "from": "06:00", "to": "22:00"}],
                },
                {
                    "id": "days",
                    "shifts": [{"days": WEEKDAYS, "from": "08:00", "to": "12:00"}],
                },
            ],
            "machines": [{"id": "M", "calendar": "weekdays"}],
            "orders": [
                {
                    "id": "O",
                    "routing": [{"id": "op", "machines": ["M"], **op}],
                    "released": released,
                    "due": "2026-12-07T06:00:00Z",
                }
            ],
            "objective": {"terms": ["flow_time"]},
            **extra,
        }
    )


def solved_end(scenario: Scenario) -> str:
    schedule = solved(scenario, SolveParams(time_limit=10, workers=1))
    operation = schedule.operations[0]
    return f"{operation.start.isoformat()} -> {operation.end.isoformat()}"


def test_interruptible_work_spans_the_weekend_exactly() -> None:
    """600 min from Fri 20:00: 120 min on Friday, 480 on Monday: ends Mon 14:00."""
    scenario = one_operation({"minutes": 600}, "2026-11-27T20:00:00Z")
    assert solved_end(scenario) == (
        "2026-11-27T20:00:00+00:00 -> 2026-11-30T14:00:00+00:00"
    )


def test_uninterruptible_work_waits_for_the_next_shift() -> None:
    """The same 600 min may not pause: it starts Mon 06:00 and ends 16:00."""
    scenario = one_operation(
        {"minutes": 600, "interruptible": False}, "2026-11-27T20:00:00Z"
    )
    assert solved_end(scenario) == (
        "2026-11-30T06:00:00+00:00 -> 2026-11-30T16:00:00+00:00"
    )


def test_a_crew_calendar_narrows_the_machine_calendar() -> None:
    """A crew working 08-12 limits 300 min to Mon 08-12 then Tue 08-09 (rule 5)."""
    scenario = one_operation(
        {"minutes": 300, "uses": {"crew": 1}},
        "2026-11-27T20:00:00Z",
        resources=[{"id": "crew", "capacity": 1, "calendar": "days"}],
    )
    assert solved_end(scenario) == (
        "2026-11-30T08:00:00+00:00 -> 2026-12-01T09:00:00+00:00"
    )


def test_running_work_counts_working_minutes_from_its_start() -> None:
    """Started Fri 21:00 with 180 min: 60 on Friday, 120 on Monday: ends 08:00."""
    data = one_operation({"minutes": 180}, "2026-11-27T06:00:00Z").model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    data["start"] = "2026-11-28T12:00:00Z"
    data["orders"][0]["progress"] = {
        "op": {"state": "running", "machine": "M", "started": "2026-11-27T21:00:00Z"}
    }
    assert solved_end(Scenario.model_validate(data)) == (
        "2026-11-27T21:00:00+00:00 -> 2026-11-30T08:00:00+00:00"
    )


def test_both_calendar_encodings_agree() -> None:
    """Grouping starts by elapsed time or by segment gives the same optimum."""
    data = one_operation({"minutes": 600}, "2026-11-27T12:00:00Z").model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    data["orders"] = [
        {**data["orders"][0], "id": f"O{k}", "due": f"2026-12-0{k + 1}T12:00:00Z"}
        for k in range(3)
    ]
    data["objective"] = {"terms": ["weighted_tardiness", "flow_time"]}
    scenario = Scenario.model_validate(data)
    values = []
    for encoding in ("elapsed", "segments"):
        problem = build_problem(scenario)
        search = SearchParams(calendar_encoding=encoding)
        schedule = solve(problem, SolveParams(time_limit=20, workers=1, search=search))
        assert_checked(problem, schedule)
        assert schedule.status == "optimal"
        values.append(schedule.objective)
    assert values[0] == values[1]


@given(
    periods=st.lists(
        st.tuples(st.integers(0, 400), st.integers(1, 60)), min_size=1, max_size=8
    ),
    minute=st.integers(-10, 500),
    work=st.integers(1, 90),
    interruptible=st.booleans(),
)
def test_first_run_is_the_first_start_and_its_end(
    periods: list[tuple[int, int]], minute: int, work: int, interruptible: bool
) -> None:
    """The one-step run equals the brute force: try every start, count minutes."""
    hours = WorkingTime(merge_periods((a, a + n) for a, n in periods))
    working = {m for a, b in hours.periods for m in range(a, b)}
    expected: tuple[int, int] | None = None
    for start in range(max(minute, 0), hours.periods[-1][1]):
        if start not in working:
            continue
        if not interruptible:
            if all(m in working for m in range(start, start + work)):
                expected = (start, start + work)
                break
            continue
        counted, m = 0, start
        while m < hours.periods[-1][1] and counted < work:
            counted += m in working
            m += 1
        if counted == work:
            expected = (start, m)
        break
    assert hours.first_run(minute, work, interruptible) == expected
