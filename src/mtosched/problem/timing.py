"""Attach working time to compiled tasks: calendars, crews, stock.

Runs after the orders are compiled, because how far ahead calendars must be
unrolled depends on how much work there is.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from mtosched.problem.calendar_index import CalendarIndex, downtime_calendars
from mtosched.problem.calendars import weekly_minutes, working_time
from mtosched.problem.horizon import safe_horizon
from mtosched.problem.parts import (
    ChangeoverMatrix,
    MaterialInfo,
    Mode,
    OrderInfo,
    Placement,
    ResourceInfo,
    Task,
)
from mtosched.problem.worktime import WorkingTime, intersect_periods
from mtosched.scenario.models import Material, Scenario
from mtosched.scenario.references import localize

MinuteReader = Callable[[datetime], int]

#: Calendars are unrolled at most this far for the general bound: a plan
#: beyond three years is noise. Work that must reach further on its own (a
#: far release, a very long operation) widens it: see `span_cap`.
MAX_SPAN_MINUTES = 3 * 366 * 1440


@dataclass
class Timed:
    """Tasks with calendars attached, plus what turned out to be impossible."""

    tasks: list[Task]
    calendars: list[WorkingTime]
    machine_calendars: list[int | None]
    resources: list[ResourceInfo]
    materials: list[MaterialInfo]
    impossible: list[str]
    horizon: int = 0
    longest_step: int = 0
    running_cut: bool = False


def span_cap(scenario: Scenario, reach: int) -> int:
    """How far calendars may be unrolled, given the minute the work must reach.

    Three years, or more when some order cannot end before `reach` even
    alone: then room for four times that on the slowest calendar, so that
    the safe horizon fits in the span's first half. Without this the
    horizon was cut at about 790k minutes and a far release came out as a
    false infeasibility (issue 16).
    """
    weekly = [weekly_minutes(c) for c in scenario.calendars if c.shifts]
    slowest = max(min(weekly, default=7 * 1440), 1)
    return max(MAX_SPAN_MINUTES, math.ceil(4 * reach * 7 * 1440 / slowest))


def calendar_span(
    scenario: Scenario,
    zone: ZoneInfo,
    tasks: list[Task],
    orders: list[OrderInfo],
    cap: int = MAX_SPAN_MINUTES,
) -> tuple[int, int]:
    """Minutes `[first, last)` over which calendars are unrolled.

    Long enough for every task to run one after another on the slowest
    calendar after the latest release or due date, plus the closures, but
    not beyond `cap`.
    """
    work = 0
    # by the identity of the (shared) modes tuple: a million tasks, few tuples
    longest: dict[int, int] = {}
    for task in tasks:
        if task.fixed is None:
            duration = longest.get(id(task.modes))
            if duration is None:
                duration = longest[id(task.modes)] = task.max_duration
            work += duration + task.min_wait
    anchor = max([0, *(t.release for t in tasks), *(o.due for o in orders)])
    anchor = max([anchor, *(o.deadline for o in orders if o.deadline is not None)])
    weekly = [weekly_minutes(c) for c in scenario.calendars if c.shifts]
    slowest = min(weekly, default=7 * 1440)
    days = math.ceil(work * 7 / max(slowest, 1)) + 14
    closed_days = sum(
        math.ceil(
            (localize(c.to, zone) - localize(c.from_, zone)).total_seconds() / 86400
        )
        for calendar in [*scenario.calendars, *downtime_calendars(scenario).values()]
        for c in calendar.closures
    )
    last = anchor + (days + closed_days) * 1440
    first = min([0, *(t.fixed.start for t in tasks if t.fixed is not None)]) - 1440
    return first, min(last, cap)


def _unroll(
    scenario: Scenario,
    zone: ZoneInfo,
    start: datetime,
    index: CalendarIndex,
    span: tuple[int, int],
) -> list[WorkingTime]:
    """Working time of every calendar intersection `index` numbered, over `span`."""
    by_id = {c.id: c for c in scenario.calendars}
    for calendar in downtime_calendars(scenario).values():
        by_id[calendar.id] = calendar
    calendars = []
    for key in index.combinations:
        periods: tuple[tuple[int, int], ...] | None = None
        for calendar_id in key:
            hours = working_time(by_id[calendar_id], zone, start, *span).periods
            periods = hours if periods is None else intersect_periods(periods, hours)
        calendars.append(WorkingTime(periods or ()))
    return calendars


def attach_working_time(
    scenario: Scenario,
    zone: ZoneInfo,
    start: datetime,
    tasks: list[Task],
    orders: list[OrderInfo],
    minutes: MinuteReader,
    *,
    index: CalendarIndex,
    changeovers: list[ChangeoverMatrix],
    earliness: bool,
    anchor: int = 0,
    reach: int = 0,
) -> Timed:
    """Unroll the calendars `index` numbered, place running work, find a safe horizon.

    Calendars are unrolled over a first guess of the span, which doubles
    until running work ends inside it and the horizon fits in its first half
    (or the span reaches `span_cap`; `reach` is a minute some order cannot
    end before, see `horizon.earliest_finishes`).
    """
    cap = span_cap(scenario, reach)
    first, last = calendar_span(scenario, zone, tasks, orders, cap)
    materials = [_material(m, minutes) for m in scenario.materials]
    while True:
        timed = _attach(scenario, zone, start, tasks, orders, index, (first, last))
        timed.materials = materials
        bound = safe_horizon(
            scenario, timed, orders, changeovers, earliness, last // 2, anchor
        )
        if bound.end is not None or last >= cap:
            break
        last = min(cap, 2 * last)
    timed.horizon = bound.end if bound.end is not None else last // 2
    timed.longest_step = bound.longest_step
    timed.impossible.extend(_impossible(scenario, timed, orders))
    timed.impossible.extend(_shortages(scenario, timed.tasks, orders, materials))
    return timed


def _attach(
    scenario: Scenario,
    zone: ZoneInfo,
    start: datetime,
    tasks: list[Task],
    orders: list[OrderInfo],
    index: CalendarIndex,
    span: tuple[int, int],
) -> Timed:
    calendars = _unroll(scenario, zone, start, index, span)
    resources = [
        ResourceInfo(r.id, r.capacity, calendar)
        for r, calendar in zip(scenario.resources, index.resources, strict=True)
    ]
    impossible: list[str] = []
    timed = list(tasks)
    running_cut = False
    for t, task in enumerate(tasks):
        if not task.uses and task.fixed is None:
            continue  # most tasks: the compiler gave their modes calendars
        order = orders[task.order].id
        for r, amount in task.uses:
            if amount > resources[r].capacity:
                impossible.append(
                    f"order {order}, operation {task.operation}: needs {amount} of "
                    f"resource {resources[r].id}, whose capacity is "
                    f"{resources[r].capacity}"
                )
        if task.fixed is not None:
            placed = _running(task, calendars)
            running_cut = running_cut or placed is None
            if isinstance(placed, str):
                machine = scenario.machines[task.fixed.machine].id
                impossible.append(
                    f"frozen operation {order}/{task.operation} cannot keep its "
                    f"place on {machine}: {placed} (a closure or shift change since "
                    "the previous plan?); shorten the frozen horizon or let it move"
                )
                placed = None
            timed[t] = replace(task, fixed=placed or task.fixed)
    result = Timed(timed, calendars, list(index.machines), resources, [], impossible)
    result.running_cut = running_cut
    return result


def _impossible(scenario: Scenario, timed: Timed, orders: list[OrderInfo]) -> list[str]:
    """Tasks none of whose machines ever has time for them; drop such modes."""
    reasons = []
    fits: dict[tuple[Mode, bool], bool] = {}
    # by the identity of the (shared) modes tuple: hashing every mode of
    # 200,000 tasks took seconds
    known: dict[tuple[int, bool], tuple[Mode, ...]] = {}
    for t, task in enumerate(timed.tasks):
        if task.fixed is not None:
            continue
        key = (id(task.modes), task.interruptible)
        possible: tuple[Mode, ...] | None = known.get(key)
        if possible is None:
            for m in task.modes:
                if (m, task.interruptible) not in fits:
                    fits[(m, task.interruptible)] = _can_run(task, m, timed.calendars)
            possible = tuple(m for m in task.modes if fits[(m, task.interruptible)])
            known[key] = possible
        if possible:
            if possible != task.modes:
                timed.tasks[t] = replace(task, modes=possible)
            continue
        machines = ", ".join(scenario.machines[m.machine].id for m in task.modes)
        kind = "uninterrupted " if not task.interruptible else ""
        crews = " and its resources" if task.uses else ""
        reasons.append(
            f"order {orders[task.order].id}, operation {task.operation}: "
            f"{task.modes[0].duration} min of {kind}work fit in no working time "
            f"of machine(s) {machines}{crews}"
        )
    return reasons


def _can_run(task: Task, mode: Mode, calendars: list[WorkingTime]) -> bool:
    if mode.calendar is None:
        return True
    hours = calendars[mode.calendar]
    if task.interruptible:
        first = hours.next_working(0)
        return first is not None and hours.finish(first, mode.duration) is not None
    return hours.next_fit(0, mode.duration) is not None


def _running(task: Task, calendars: list[WorkingTime]) -> Placement | str | None:
    """Fixed work keeps its machine; its working minutes count from its start.

    None when the unrolled span ends before the work does; for frozen work
    that its calendar no longer allows at that start, the reason why.
    """
    assert task.fixed is not None
    mode = next(m for m in task.modes if m.machine == task.fixed.machine)
    if mode.calendar is None:
        if task.frozen:
            return replace(task.fixed, end=task.fixed.start + mode.duration)
        return task.fixed
    hours = calendars[mode.calendar]
    start = task.fixed.start
    if task.frozen:
        if not task.interruptible:
            if hours.fitting_period(start, mode.duration):
                return replace(task.fixed, end=start + mode.duration)
            return (
                f"its {mode.duration} min no longer fit in one working period "
                "from its planned start"
            )
        if not hours.is_working(start):
            return "its planned start is no longer working time"
    end = hours.finish(start, mode.duration)
    if end is None:
        return None
    if end <= 0:
        # Rule 11: work that should be over ends one working minute after start.
        first = hours.next_working(0)
        end = (first + 1) if first is not None else 1
    return Placement(task.fixed.machine, start, end)


def _material(material: Material, minutes: MinuteReader) -> MaterialInfo:
    arrived = material.on_hand
    later: list[tuple[int, int]] = []
    for receipt in material.receipts:
        at = minutes(receipt.at)
        if at <= 0:
            arrived += receipt.quantity  # rule 13: dated at or before start
        else:
            later.append((at, receipt.quantity))
    supply = ((0, arrived), *sorted(later)) if arrived else tuple(sorted(later))
    return MaterialInfo(material.id, material.unit, supply, material.lead_time_minutes)


def _shortages(
    scenario: Scenario,
    tasks: list[Task],
    orders: list[OrderInfo],
    materials: list[MaterialInfo],
) -> list[str]:
    """Materials whose whole supply cannot cover the demand of the free tasks."""
    reasons = []
    for index, material in enumerate(materials):
        if material.lead_time is not None:
            continue
        needed: dict[str, int] = {}
        for task in tasks:
            # running work consumes nothing (rule 11): it took its material
            for m, quantity in task.consumes:
                if m == index:
                    order = orders[task.order].id
                    needed[order] = needed.get(order, 0) + quantity
        total = sum(needed.values())
        available = sum(q for _, q in material.supply)
        if total > available:
            unit = f" {material.unit}" if material.unit else ""
            who = ", ".join(f"{o} ({q})" for o, q in needed.items())
            reasons.append(
                f"material {material.id}: orders need {total}{unit}, stock and "
                f"receipts give {available} ({total - available} missing, no lead "
                f"time to buy more); needed by {who}"
            )
    return reasons
