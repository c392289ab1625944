"""How far ahead a schedule can reach: the bound calendars are unrolled to.

Kept apart from attaching calendars because it is a proof, not a lookup:
the model's domains and the claim `optimal` both rest on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from mtosched.problem.parts import ChangeoverMatrix, MaterialInfo, OrderInfo, Task
from mtosched.problem.worktime import WorkingTime
from mtosched.scenario.fields import MAX_MINUTES
from mtosched.scenario.models import Scenario

#: How far after `start` a plan may have to reach: two centuries. Each
#: duration and wait is at most one (`MAX_MINUTES`); an order that cannot
#: finish within this even alone is an input error, not an infeasibility.
MAX_PLAN_MINUTES = 2 * MAX_MINUTES


class TimedTasks(Protocol):
    """What the bound reads of tasks with calendars attached (`timing.Timed`).

    A protocol, so that this module needs no import of `timing`, which calls
    it; read-only, because the bound is a function of them.
    """

    @property
    def tasks(self) -> Sequence[Task]:
        """Every task, each mode with its calendar index."""

    @property
    def calendars(self) -> Sequence[WorkingTime]:
        """Working time per calendar index, in minutes from the start."""

    @property
    def machine_calendars(self) -> Sequence[int | None]:
        """Per machine, the calendar its changeovers follow (None: always open)."""

    @property
    def materials(self) -> Sequence[MaterialInfo]:
        """Supply per material, in minutes from the start."""

    @property
    def running_cut(self) -> bool:
        """Running work could not be placed within the unrolled span."""


@dataclass(frozen=True, slots=True)
class HorizonBound:
    """A safe horizon (None when the span is too short) and its longest step.

    `longest_step` is the longest wait-and-run of one task met on the way,
    in minutes, the margin `cpsat.bounds` adds to the latest due date; it is
    kept even when `end` is None.
    """

    end: int | None
    longest_step: int


def safe_horizon(
    scenario: Scenario,
    timed: TimedTasks,
    orders: list[OrderInfo],
    changeovers: list[ChangeoverMatrix],
    earliness: bool,
    upto: int,
    anchor: int = 0,
) -> HorizonBound:
    """An end that every active schedule, hence an optimal one, keeps to.

    Ordered by start, each task of an active schedule starts no later than
    the first allowed start after everything before it ended. So the latest
    release or arrival plus, per task, the longest possible wait-and-run
    after any moment (its worst changeover included) bounds it, whatever the
    order. Regular objectives keep an active optimum; with `earliness` the
    latest due date joins the releases, and `anchor` (the latest start a
    previous plan may keep a task at, for `stability`) joins them too.
    """
    if timed.running_cut:
        return HorizonBound(None, 0)
    tasks = timed.tasks
    base = max([0, *(t.release for t in tasks)])
    base = max([base, *(t.fixed.end for t in tasks if t.fixed is not None)])
    for material in timed.materials:
        base = max([base, *(at for at, _ in material.supply)])
        if material.lead_time is not None:
            base = max(base, material.lead_time)
    if earliness:
        base = max([base, *(o.due for o in orders)])
    base = max(base, anchor)
    setups = _longest_changeovers(scenario, tasks, changeovers)
    cache: dict[tuple[int | None, int, bool], int | None] = {}

    def worst(calendar: int | None, work: int, interruptible: bool) -> int | None:
        if work == 0 or calendar is None:
            return work
        key = (calendar, work, interruptible)
        if key not in cache:
            cache[key] = timed.calendars[calendar].worst_elapsed(
                work, interruptible, upto
            )
        return cache[key]

    total, longest_step = base, 0
    for t, task in enumerate(tasks):
        if task.fixed is not None:
            continue
        longest = 0
        for mode in task.modes:
            run = worst(mode.calendar, mode.duration, task.interruptible)
            machine_calendar = timed.machine_calendars[mode.machine]
            setup = worst(machine_calendar, setups.get((t, mode.machine), 0), True)
            if run is None or setup is None:
                continue  # this machine cannot take the task within the span
            longest = max(longest, run + setup)
        if longest == 0:
            return HorizonBound(None, longest_step)
        total += task.min_wait + longest
        longest_step = max(longest_step, task.min_wait + longest)
        if total > upto:
            return HorizonBound(None, longest_step)
    return HorizonBound(total, longest_step)


def _longest_changeovers(
    scenario: Scenario, tasks: Sequence[Task], changeovers: list[ChangeoverMatrix]
) -> dict[tuple[int, int], int]:
    """The longest changeover each task may need on each changeover machine."""
    matrix_of = {c.id: i for i, c in enumerate(changeovers)}
    families: dict[int, set[str | None]] = {}
    for m, machine in enumerate(scenario.machines):
        if machine.changeovers is not None:
            families[m] = {machine.initial_family}
    for task in tasks:
        for mode in task.modes:
            if mode.machine in families:
                families[mode.machine].add(task.family)
    longest: dict[tuple[int, int], int] = {}
    # by machine and family: thousands of tasks share both (issue 16)
    worst: dict[tuple[int, str | None], int] = {}
    for t, task in enumerate(tasks):
        for mode in task.modes:
            if mode.machine not in families or task.fixed is not None:
                continue
            key = (mode.machine, task.family)
            if key not in worst:
                matrix = changeovers[
                    matrix_of[scenario.machines[mode.machine].changeovers or ""]
                ]
                worst[key] = max(
                    matrix.minutes(f, task.family) for f in families[mode.machine]
                )
            longest[(t, mode.machine)] = worst[key]
    return longest


def earliest_finishes(tasks: list[Task]) -> list[int]:
    """Per task, a minute it cannot end before, whatever else is scheduled.

    Its release, then its predecessors' earliest ends plus its minimum wait,
    plus its shortest duration: elapsed minutes, as if every calendar worked
    around the clock and every machine were free. A lower bound, so a value
    past `MAX_PLAN_MINUTES` proves the order cannot be planned within it
    (issue 16: a far release was reported as conflicting maximum waits).
    """
    finish: list[int | None] = [None] * len(tasks)
    # by the identity of the (shared) modes tuple: a million tasks, few tuples
    shortest: dict[int, int] = {}

    def settle(task: Task) -> int | None:
        """The task's bound; None while a predecessor's is unknown."""
        ready = task.release
        for p in task.predecessors:
            before = finish[p]
            if before is None:
                return None
            ready = max(ready, before)
        if task.fixed is not None:
            return task.fixed.end
        if task.predecessors:
            ready += task.min_wait
        duration = shortest.get(id(task.modes))
        if duration is None:
            duration = shortest[id(task.modes)] = task.min_duration
        return ready + duration

    for root, task in enumerate(tasks):
        if finish[root] is None:
            finish[root] = settle(task)  # the usual case: `after` looks back
        # Iterative depth-first: `after` may name later operations too.
        stack = [root] if finish[root] is None else []
        while stack:
            t = stack[-1]
            if finish[t] is not None:
                stack.pop()
                continue
            value = settle(tasks[t])
            if value is None:
                stack.extend(p for p in tasks[t].predecessors if finish[p] is None)
                continue
            stack.pop()
            finish[t] = value
    return [f or 0 for f in finish]
