"""Make a what-if change in a copy of the scenario (`apply_change`).

The contract's calendars have weekly shifts and dated closures but no
dated extra working time, so an extra shift is written as a weekly shift
on that weekday and time in a copy of the calendar (one per machine or
resource, so that others sharing the calendar keep theirs), with closures
on the slot's other weeks between `weeks_from` and `weeks_to` wherever the
regular shifts do not work then; closures that covered the window are cut
around it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mtosched.explain.report import (
    Change,
    ExtraShiftChange,
    MaterialChange,
    PriorityChange,
)
from mtosched.problem.calendars import shift_periods
from mtosched.problem.worktime import merge_periods, subtract_periods
from mtosched.scenario.models import Calendar, Closure, Scenario, Shift
from mtosched.scenario.references import localize, scenario_zone

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def apply_change(scenario: Scenario, change: Change) -> Scenario:
    """A copy of the scenario with the change made; the original is untouched."""
    if isinstance(change, PriorityChange):
        orders = [
            o.model_copy(update={"priority": change.priority})
            if o.id == change.order
            else o
            for o in scenario.orders
        ]
        return scenario.model_copy(update={"orders": orders})
    if isinstance(change, MaterialChange):
        return _expedite(scenario, change)
    if isinstance(change, ExtraShiftChange):
        return _add_shift(scenario, change)
    return scenario.model_copy()


def _expedite(scenario: Scenario, change: MaterialChange) -> Scenario:
    zone = scenario_zone(scenario) or ZoneInfo("UTC")
    materials = []
    for material in scenario.materials:
        if material.id != change.material:
            materials.append(material)
            continue
        update: dict[str, object] = {}
        if change.lead_time_minutes is not None:
            update["lead_time_minutes"] = change.lead_time_minutes
        pending = list(change.receipts)
        receipts = []
        for receipt in material.receipts:
            moved = next(
                (
                    m
                    for m in pending
                    if m.quantity == receipt.quantity
                    and _same(localize(receipt.at, zone), m.previous)
                ),
                None,
            )
            if moved is not None:
                pending.remove(moved)
                receipt = receipt.model_copy(update={"at": moved.at})
            receipts.append(receipt)
        update["receipts"] = receipts
        materials.append(material.model_copy(update=update))
    return scenario.model_copy(update={"materials": materials})


def _same(first: datetime, second: datetime) -> bool:
    """Equal to the minute (contract rule 1 floors seconds)."""
    return first.replace(second=0, microsecond=0) == second.replace(
        second=0, microsecond=0
    )


def _add_shift(scenario: Scenario, change: ExtraShiftChange) -> Scenario:
    """A calendar copy per owner with the window as working time."""
    zone = scenario_zone(scenario) or ZoneInfo("UTC")
    calendars = {c.id: c for c in scenario.calendars}
    taken = set(calendars)
    added: list[Calendar] = []
    renamed: dict[str, str] = {}
    owners = [change.machine] if change.machine else []
    owners += change.resources
    for owner in owners:
        current = _calendar_of(scenario, owner)
        if current is None:
            continue  # around the clock already
        name = f"{current}+{owner}"
        while name in taken:
            name += "'"
        taken.add(name)
        renamed[owner] = name
        added.append(_with_window(calendars[current], name, change, zone))
    machines = [
        m.model_copy(update={"calendar": renamed[m.id]})
        if m.id == change.machine and m.id in renamed
        else m
        for m in scenario.machines
    ]
    resources = [
        r.model_copy(update={"calendar": renamed[r.id]})
        if r.id in change.resources and r.id in renamed
        else r
        for r in scenario.resources
    ]
    return scenario.model_copy(
        update={
            "calendars": [*scenario.calendars, *added],
            "machines": machines,
            "resources": resources,
        }
    )


def _calendar_of(scenario: Scenario, owner: str) -> str | None:
    for machine in scenario.machines:
        if machine.id == owner:
            return machine.calendar
    for resource in scenario.resources:
        if resource.id == owner:
            return resource.calendar
    return None


def _with_window(
    calendar: Calendar, name: str, change: ExtraShiftChange, zone: ZoneInfo
) -> Calendar:
    """The calendar plus working time `[from, to)` and nowhere else."""
    first = change.from_.astimezone(zone)
    last = change.to.astimezone(zone)
    shift = Shift(
        days=[_WEEKDAYS[first.weekday()]],
        from_=first.strftime("%H:%M"),
        to=last.strftime("%H:%M"),
    )
    closures: list[Closure] = []
    for closure in calendar.closures:
        begin, end = localize(closure.from_, zone), localize(closure.to, zone)
        if end <= first or begin >= last:
            closures.append(closure)
            continue
        if begin < first:
            closures.append(closure.model_copy(update={"to": first}))
        if end > last:
            closures.append(closure.model_copy(update={"from_": last}))
    days = (last.date() - first.date()).days
    week = -((first - change.weeks_from.astimezone(zone)).days // 7) - 1
    while True:
        day = first.date() + timedelta(weeks=week)
        begin = datetime.combine(day, first.time(), tzinfo=zone)
        if begin > change.weeks_to:
            break
        if week != 0:
            end = datetime.combine(day + timedelta(days=days), last.time(), tzinfo=zone)
            closures += _uncovered(calendar, zone, begin, end, name)
        week += 1
    return Calendar(id=name, shifts=[*calendar.shifts, shift], closures=closures)


def _uncovered(
    calendar: Calendar, zone: ZoneInfo, begin: datetime, end: datetime, name: str
) -> list[Closure]:
    """Closures for the parts of `[begin, end)` the calendar's shifts do not work.

    The added weekly shift must add nothing in other weeks, and closing the
    whole slot there would also close regular shifts it overlaps.
    """
    reference = begin.astimezone(UTC)
    length = int((end.astimezone(UTC) - reference).total_seconds() // 60)
    worked = merge_periods(shift_periods(calendar, zone, reference, 0, length))
    return [
        Closure(
            from_=(reference + timedelta(minutes=a)).astimezone(zone),
            to=(reference + timedelta(minutes=b)).astimezone(zone),
            reason=f"not the extra shift of {name}",
        )
        for a, b in subtract_periods(((0, length),), worked)
    ]
