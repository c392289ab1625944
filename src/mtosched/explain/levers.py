"""The what-if levers: which changes to try for a late order, and applying them.

A small, fixed set, each chosen from the order's own critical chain and
each expressible in the scenario file, so that a planner can make the
change and get the same plan:

* `priority`: the order's priority one above every other order's (tried
  when the objective weighs priorities: `weighted_tardiness` or
  `late_orders`);
* `extra_shift`: one extra shift (`shift_minutes`, 8 h by default) on the
  machine where the chain lost the most minutes to non-working time,
  starting where that non-working time began on the chain (and for the
  crews the operation needs, when they were off then too);
* `expedite_material`: the receipt the chain waited for longest arrives
  when the operation was otherwise ready (or the lead time shrinks to
  that), when the chain waited for a material.

The contract's calendars have weekly shifts and dated closures but no
dated extra working time, so an extra shift is written as a weekly shift
on that weekday and time in a copy of the calendar, with closures on every
other week of the schedule's span; closures that covered the window are cut
around it.
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mtosched.explain.report import (
    Change,
    ExtraShiftChange,
    MaterialChange,
    OrderExplanation,
    PriorityChange,
    ReceiptMove,
)
from mtosched.explain.words import duration, when, window
from mtosched.problem.calendars import shift_periods
from mtosched.problem.model import Problem
from mtosched.problem.worktime import merge_periods, subtract_periods
from mtosched.scenario.models import Calendar, Closure, Scenario, Shift
from mtosched.scenario.references import localize, scenario_zone

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = 7 * 1440


def describe_change(change: Change) -> str:
    """The change in a planner's words."""
    if isinstance(change, PriorityChange):
        return (
            f"priority {change.priority} for {change.order} (was {change.previous}; "
            "above every other order)"
        )
    if isinstance(change, ExtraShiftChange):
        who = change.machine or ""
        if change.resources:
            crews = " and ".join(change.resources)
            who = f"{who} with {crews}" if who else crews
        return f"an extra shift on {who} {window(change.from_, change.to)}"
    if isinstance(change, MaterialChange):
        if change.receipts:
            moved = ", ".join(
                f"{r.quantity} on {when(r.at)} instead of {when(r.previous)}"
                for r in change.receipts
            )
            return f"{change.material} received earlier: {moved}"
        return (
            f"{change.material} lead time {duration(change.lead_time_minutes or 0)} "
            f"instead of {duration(change.previous_lead_time_minutes or 0)}"
        )
    return "the same scenario, re-solved (control)"


def candidates(
    problem: Problem, explained: OrderExplanation, shift_minutes: int
) -> tuple[list[Change], list[str]]:
    """The levers worth trying for one order, and why others were not."""
    found: list[Change] = []
    notes: list[str] = []
    priority = _priority(problem, explained)
    if isinstance(priority, str):
        notes.append(priority)
    else:
        found.append(priority)
    shift = _extra_shift(problem, explained, shift_minutes)
    if shift is not None:
        found.append(shift)
    material = _material(problem, explained)
    if material is not None:
        found.append(material)
    return found, notes


def _priority(problem: Problem, explained: OrderExplanation) -> PriorityChange | str:
    if not {"weighted_tardiness", "late_orders"} & set(problem.objective):
        return "priority: the objective does not weigh priorities"
    others = [o.priority for o in problem.orders if o.id != explained.order]
    highest = max(others, default=0)
    if explained.priority > highest:
        return "priority: already above every other order"
    return PriorityChange(
        order=explained.order, priority=highest + 1, previous=explained.priority
    )


def _extra_shift(
    problem: Problem, explained: OrderExplanation, shift_minutes: int
) -> ExtraShiftChange | None:
    """One shift where the chain lost the most to one stretch of closed time."""
    best = None
    for step in explained.chain:
        for cause in step.causes:
            if cause.kind == "non_working" and (
                best is None or cause.minutes > best[1].minutes
            ):
                best = (step, cause)
    if best is None:
        return None
    step, cause = best
    t = problem.task_index[(explained.order, step.operation)]
    machine = problem.machine_index(step.machine)
    assert machine is not None
    mode = next(m for m in problem.tasks[t].modes if m.machine == machine)
    first = problem.minute(cause.from_)
    last = first + shift_minutes
    if mode.calendar is not None:
        hours = problem.calendars[mode.calendar]
        first = _closed_from(hours.periods, first)
        resume = hours.next_working(first)
        last = (
            first + shift_minutes
            if resume is None
            else min(first + shift_minutes, resume)
        )
    owners = [(problem.machines[machine].id, problem.machines[machine].calendar)]
    owners += [
        (problem.resources[r].id, problem.resources[r].calendar)
        for r, _ in problem.tasks[t].uses
    ]
    closed = [
        name
        for name, calendar in owners
        if calendar is not None
        and problem.calendars[calendar].worked(first, last) < last - first
    ]
    if not closed:
        return None
    earliest = min([0, *(t.fixed.start for t in problem.tasks if t.fixed)])
    return ExtraShiftChange(
        machine=step.machine if step.machine in closed else None,
        resources=[c for c in closed if c != step.machine],
        from_=problem.instant(first),
        to=problem.instant(last),
        weeks_from=problem.instant(earliest - 2 * _WEEK),
        weeks_to=problem.instant(2 * max(problem.horizon, last) + _WEEK),
    )


def _closed_from(periods: tuple[tuple[int, int], ...], minute: int) -> int:
    """`minute` if it is not working, else the end of its working period.

    An uninterruptible operation that waited inside a working period that
    was too short needs the time right after it.
    """
    k = bisect.bisect_right([a for a, _ in periods], minute) - 1
    if k >= 0 and minute < periods[k][1]:
        return periods[k][1]
    return minute


def _material(problem: Problem, explained: OrderExplanation) -> MaterialChange | None:
    """The arrival the chain waited for longest, moved to when it was wanted."""
    waits = [c for s in explained.chain for c in s.causes if c.kind == "material"]
    if not waits:
        return None
    cause = max(waits, key=lambda c: c.minutes)
    assert cause.material is not None and cause.arrival is not None
    index = next(k for k, m in enumerate(problem.materials) if m.id == cause.material)
    info = problem.materials[index]
    arrival = problem.minute(cause.arrival)
    wanted = max(problem.minute(cause.from_), 0)
    received = any(at == arrival for at, _ in info.supply)
    if info.lead_time is not None and info.lead_time == arrival and not received:
        return MaterialChange(
            material=info.id,
            lead_time_minutes=wanted,
            previous_lead_time_minutes=info.lead_time,
        )
    moves = [
        ReceiptMove(
            quantity=quantity,
            at=problem.instant(wanted),
            previous=problem.instant(at),
        )
        for at, quantity in info.supply
        if at == arrival and at > 0
    ]
    return MaterialChange(material=info.id, receipts=moves) if moves else None


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
