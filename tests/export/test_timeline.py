"""Local days, ticks and daily load, across a daylight-saving change."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from mtosched.export.timeline import (
    daily_load,
    hours_minutes,
    local_days,
    machine_rows,
    minutes_between,
    ticks,
)
from mtosched.schedule import Schedule
from tests.helpers import loaded, solved

LONDON = ZoneInfo("Europe/London")


def test_spring_forward_day_has_23_busy_hours(tmp_path: Path) -> None:
    """25 h of work from Sat 28 Mar 22:00 GMT: 2 h on Saturday, all 23 h of Sunday.

    Python subtracts datetimes sharing a tzinfo as wall-clock times, which
    would count 24 h on the short Sunday.
    """
    schedule = solved(
        loaded(
            tmp_path,
            {
                "timezone": "Europe/London",
                "start": "2026-03-28T22:00:00",
                "machines": [{"id": "OVEN"}],
                "products": [
                    {
                        "id": "p",
                        "routing": [
                            {"id": "bake", "machines": ["OVEN"], "minutes": 1500}
                        ],
                    }
                ],
                "orders": [{"id": "A", "product": "p", "due": "2026-03-31T00:00:00"}],
            },
        )
    )
    load = daily_load(schedule, LONDON)
    assert load.days == [date(2026, 3, 28), date(2026, 3, 29)]
    assert load.minutes == {"OVEN": [120, 1380]}


def test_local_days_end_at_midnight_exclusively() -> None:
    """[Mon 06:00, Tue 00:00) touches Monday only; one more minute adds Tuesday."""
    monday = datetime(2026, 11, 30, 6, 0, tzinfo=LONDON)
    assert local_days(monday, datetime(2026, 12, 1, tzinfo=LONDON), LONDON) == [
        date(2026, 11, 30)
    ]
    assert (
        len(local_days(monday, datetime(2026, 12, 1, 0, 1, tzinfo=LONDON), LONDON)) == 2
    )


def test_ticks_keep_local_hours_across_the_change() -> None:
    """Six-hourly marks stay on 00/06/12/18 local, five hours apart at night."""
    first = datetime(2026, 3, 29, 0, 0, tzinfo=LONDON)
    last = datetime(2026, 3, 29, 23, 0, tzinfo=LONDON)
    marks = ticks(first, last, LONDON, 6)
    assert [m.hour for m in marks] == [0, 6, 12, 18]
    assert minutes_between(marks[0], marks[1], LONDON) == 300
    assert len(ticks(first, datetime(2026, 4, 5, tzinfo=LONDON), LONDON, 48)) == 4


def test_machines_are_grouped_by_work_centre() -> None:
    """Work centres keep the order of their first machine; others stay in place."""
    schedule = Schedule.model_validate(
        {
            "start": "2026-11-30T06:00:00Z",
            "status": "feasible",
            "objective": {},
            "machines": [
                {"id": "A", "work_center": "x"},
                {"id": "B"},
                {"id": "C", "work_center": "x"},
            ],
            "orders": [],
            "operations": [],
            "kpis": {
                "orders": 0,
                "late_orders": 0,
                "on_time_rate": 1.0,
                "total_tardiness_minutes": 0,
                "max_lateness_minutes": 0,
                "machine_utilization": {"D": 0.0},
            },
        }
    )
    assert [m.id for m in machine_rows(schedule)] == ["A", "C", "B", "D"]


def test_durations_read_as_days_hours_minutes() -> None:
    """Signed, with days only when needed."""
    assert [hours_minutes(m) for m in (0, 145, -30, 1441 + 120)] == [
        "0h00",
        "2h25",
        "-0h30",
        "1d 02h01",
    ]
