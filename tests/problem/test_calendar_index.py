"""Calendar indices: numbered machines first, then resources, then crews on machines."""

from __future__ import annotations

from mtosched import Scenario
from mtosched.problem.calendar_index import CalendarIndex
from mtosched.problem.parts import Mode

SHIFTS = [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "06:00", "to": "22:00"}]


def plant() -> Scenario:
    return Scenario.model_validate(
        {
            "calendars": [
                {"id": "two-shifts", "shifts": SHIFTS},
                {"id": "days", "shifts": SHIFTS},
            ],
            "machines": [
                {"id": "SAW", "calendar": "two-shifts"},
                {"id": "OVEN"},
                {"id": "PRESS", "calendar": "two-shifts"},
            ],
            "resources": [{"id": "crew", "capacity": 1, "calendar": "days"}],
            "downtime": [
                {
                    "machine": "PRESS",
                    "from": "2026-12-01T06:00:00Z",
                    "to": "2026-12-01T10:00:00Z",
                }
            ],
        }
    )


def test_machines_then_resources_are_numbered_first() -> None:
    """SAW 0, OVEN none, PRESS 1 (with its downtime); the crew's calendar 2."""
    index = CalendarIndex(plant())
    assert index.machines == [0, None, 1]
    assert index.resources == [2]
    assert index.combinations == [
        ("two-shifts",),
        ("downtime of PRESS", "two-shifts"),
        ("days",),
    ]


def test_a_crew_on_a_machine_works_by_both_calendars() -> None:
    """The crew on SAW is a new intersection; on OVEN it is the crew's own."""
    index = CalendarIndex(plant())
    modes = (Mode(0, 30), Mode(1, 40, setup=5))
    timed = index.modes(modes, [(0, 1)])
    assert timed == (Mode(0, 30, calendar=3), Mode(1, 40, calendar=2, setup=5))
    assert index.combinations[3] == ("days", "two-shifts")
    assert index.modes(modes, [(0, 1)]) is timed


def test_modes_around_the_clock_come_back_as_they_are() -> None:
    """Nothing to attach on OVEN without a crew: the very tuple is returned."""
    index = CalendarIndex(plant())
    modes = (Mode(1, 40),)
    assert index.modes(modes, []) is modes
