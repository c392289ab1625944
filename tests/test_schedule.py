"""A schedule's zone, local time and UTC, the helpers `diff` and reports share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mtosched.schedule import Schedule, local, utc, zone_of

BERLIN = ZoneInfo("Europe/Berlin")


def empty_plan(timezone: str) -> Schedule:
    return Schedule.model_validate(
        {
            "start": "2026-11-30T06:00:00Z",
            "timezone": timezone,
            "status": "optimal",
            "objective": {},
            "orders": [],
            "operations": [],
            "kpis": {
                "orders": 0,
                "late_orders": 0,
                "on_time_rate": 1.0,
                "total_tardiness_minutes": 0,
                "max_lateness_minutes": 0,
            },
        }
    )


def test_zone_of_reads_the_named_zone() -> None:
    """The zone the file names, not the offset of its first instant."""
    assert zone_of(empty_plan("Europe/Berlin")) == BERLIN


@pytest.mark.parametrize("name", ["Mars/Base", "Europe", ""])
def test_unknown_zone_is_a_value_error_naming_it(name: str) -> None:
    """A hand-edited name is refused with the name, never read as UTC."""
    with pytest.raises(ValueError, match=f"unknown time zone '{name}'"):
        zone_of(empty_plan(name))


def test_naive_instant_is_plant_wall_clock() -> None:
    """07:00 without offset in Berlin in winter (UTC+1) is 06:00 UTC."""
    naive = datetime(2026, 11, 30, 7)
    assert local(naive, BERLIN).utcoffset() == timedelta(hours=1)
    assert utc(naive, BERLIN) == datetime(2026, 11, 30, 6, tzinfo=UTC)


def test_utc_orders_the_repeated_autumn_hour() -> None:
    """02:30 CEST comes an hour before 02:30 CET on 25 Oct 2026 (fold=1).

    Compared as Berlin times they are equal wall clocks; in UTC they are not.
    """
    summer = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    winter = summer.replace(fold=1)
    assert utc(winter, BERLIN) - utc(summer, BERLIN) == timedelta(hours=1)
