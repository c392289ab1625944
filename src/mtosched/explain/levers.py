"""The what-if levers: which changes to try for a late order, in words.

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

`changes.py` makes a change in a copy of the scenario.
"""

from __future__ import annotations

import bisect

from mtosched.explain.report import (
    Change,
    ExtraShiftChange,
    MaterialChange,
    OrderExplanation,
    PriorityChange,
    ReceiptMove,
)
from mtosched.explain.words import duration, when, window
from mtosched.problem.model import Problem

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
