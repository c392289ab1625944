"""Which calendars a mode works by, numbered as the compiler meets them.

A mode works when its machine (own calendar and downtime) and every crew
it needs work: an intersection of calendars. Each distinct intersection
gets an index into `Problem.calendars` here, while orders are compiled;
`timing` unrolls them once the span is known. Numbering them while
compiling puts the calendar on each mode as it is made, instead of
rebuilding every task afterwards (issue 16: 250,000 orders).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from mtosched.problem.parts import Mode
from mtosched.scenario.models import Calendar, Scenario


def downtime_calendars(scenario: Scenario) -> dict[str, Calendar]:
    """Per machine with downtime, a calendar working always except then.

    Intersected with the machine's own calendar, it takes the machine down
    without touching the calendar other machines share. Keyed by machine id.
    """
    periods: dict[str, list[dict[str, object]]] = {}
    for down in scenario.downtime:
        periods.setdefault(down.machine, []).append(
            {"from": down.from_, "to": down.to, "reason": down.reason}
        )
    always = [
        {
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "from": "00:00",
            "to": "24:00",
        }
    ]
    return {
        machine: Calendar.model_validate(
            {"id": f"downtime of {machine}", "shifts": always, "closures": closures}
        )
        for machine, closures in periods.items()
    }


def machine_calendar_ids(scenario: Scenario) -> list[set[str]]:
    """The calendars each machine works by: its own and its downtime."""
    down = downtime_calendars(scenario)
    result = []
    for machine in scenario.machines:
        ids = {machine.calendar} if machine.calendar else set()
        if machine.id in down:
            ids.add(down[machine.id].id)
        result.append(ids)
    return result


class CalendarIndex:
    """Calendar intersections by index: machines first, then resources, then modes.

    The order is that of first use, so the same scenario always gets the
    same numbering whatever span the calendars are later unrolled over.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.combinations: list[tuple[str, ...]] = []
        self._index: dict[tuple[str, ...], int] = {}
        self._machine_ids = machine_calendar_ids(scenario)
        self._resource_ids = [r.calendar for r in scenario.resources]
        #: Per machine, the index of its own working time (None: always open).
        self.machines = [self.of(ids) for ids in self._machine_ids]
        #: Per resource, the index of its calendar (None: always available).
        self.resources = [
            self.of({calendar} if calendar else set())
            for calendar in self._resource_ids
        ]
        # Few distinct modes over many tasks: one lookup per tuple and crew.
        self._modes: dict[tuple[int, frozenset[str]], tuple[Mode, ...]] = {}
        # the keyed tuples stay alive, so that their ids are not reused
        self._keep_alive: list[tuple[Mode, ...]] = []

    def of(self, ids: Collection[str]) -> int | None:
        """Index of the intersection of these calendars; None for around the clock."""
        if not ids:
            return None
        key = tuple(sorted(ids))
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.combinations)
            self.combinations.append(key)
        return index

    def modes(
        self, modes: tuple[Mode, ...], uses: Sequence[tuple[int, int]]
    ) -> tuple[Mode, ...]:
        """`modes` with their calendars: machine and crews (contract rule 5).

        `uses` holds (resource index, amount) pairs. The same tuple comes
        back when no mode gets a calendar.
        """
        crews = frozenset(
            c for c in (self._resource_ids[r] for r, _ in uses) if c is not None
        )
        key = (id(modes), crews)
        known = self._modes.get(key)
        if known is None:
            timed = tuple(
                Mode(
                    mode.machine,
                    mode.duration,
                    self.of(crews | self._machine_ids[mode.machine]),
                    mode.setup,
                )
                for mode in modes
            )
            known = modes if timed == modes else timed
            self._modes[key] = known
            self._keep_alive.append(modes)
        return known
