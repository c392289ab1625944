"""The compiled problem: index-based, integer minutes from `start`, frozen.

This is all a solver or the checker ever sees. Times are minutes relative to
the planning start (minute 0); releases and due dates before it are negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from mtosched.problem.parts import (
    Baseline,
    ChangeoverMatrix,
    MachineInfo,
    MaterialInfo,
    Mode,
    OrderInfo,
    Placement,
    ResourceInfo,
    Task,
    lot_minutes,
)
from mtosched.problem.worktime import WorkingTime
from mtosched.scenario.fields import ObjectiveTerm


@dataclass(frozen=True)
class Problem:
    """A scenario compiled for solving. Build it with `build_problem`."""

    name: str | None
    timezone: str
    start: datetime
    machines: tuple[MachineInfo, ...]
    orders: tuple[OrderInfo, ...]
    tasks: tuple[Task, ...]
    objective: tuple[ObjectiveTerm, ...]
    successors: tuple[tuple[int, ...], ...] = field(repr=False)
    task_index: dict[tuple[str, str], int] = field(repr=False, hash=False)
    calendars: tuple[WorkingTime, ...] = field(default=(), repr=False)
    resources: tuple[ResourceInfo, ...] = ()
    materials: tuple[MaterialInfo, ...] = ()
    changeovers: tuple[ChangeoverMatrix, ...] = ()
    #: An end every active schedule keeps to (see `problem.horizon.safe_horizon`);
    #: calendars are unrolled at least twice as far.
    horizon: int = 0
    #: The longest wait-and-run one task can take after any moment.
    longest_step: int = 0
    #: The previous plan, when rescheduling against one.
    baseline: Baseline | None = None
    #: How far a term may give way to the later terms, as a fraction of the
    #: value it reached (the scenario's `objective.slack`).
    slack: dict[ObjectiveTerm, float] = field(default_factory=dict, hash=False)

    @cached_property
    def shortest_free_work(self) -> tuple[int | None, ...]:
        """Per machine, the shortest duration of any free task it may run.

        A gap shorter than this takes nothing; the list schedule asks it
        for every machine on every run, so it is worked out once.
        """
        shortest: list[int | None] = [None] * len(self.machines)
        for task in self.tasks:
            if task.fixed is not None:
                continue
            for mode in task.modes:
                known = shortest[mode.machine]
                if known is None or mode.duration < known:
                    shortest[mode.machine] = mode.duration
        return tuple(shortest)

    @cached_property
    def waits_capped(self) -> tuple[int, ...]:
        """Tasks to place (or frozen) whose wait after their predecessors is capped."""
        return tuple(
            t
            for t, task in enumerate(self.tasks)
            if task.max_wait is not None
            and task.predecessors
            and (task.fixed is None or task.frozen)
        )

    def setup_ready(self, machine: int, after: int, minutes: int) -> int | None:
        """The first start allowed `minutes` of changeover work after `after`.

        Changeover minutes are working minutes of the machine's calendar
        (rule 10): the start must leave that much machine work in between.
        """
        calendar = self.machines[machine].calendar
        if minutes == 0:
            return after
        if calendar is None:
            return after + minutes
        return self.calendars[calendar].finish(after, minutes)

    def setup_start(self, machine: int, start: int, minutes: int) -> int:
        """The latest changeover start that leaves `minutes` of work before `start`."""
        calendar = self.machines[machine].calendar
        if calendar is None or minutes == 0:
            return start - minutes
        return self.calendars[calendar].rewind(start, minutes)

    def changeover_gap(self, machine: int, after: int, start: int) -> int:
        """Machine working minutes in `[after, start)` available for a changeover."""
        calendar = self.machines[machine].calendar
        if calendar is None:
            return start - after
        return self.calendars[calendar].worked(after, start)

    def end_of(self, task: Task, mode: Mode, start: int) -> int | None:
        """When `task` run in `mode` from `start` ends; None if it cannot start then.

        Around the clock the end is start + duration. On a calendar the start
        must be a working minute; interruptible work pauses over breaks, and
        uninterruptible work must fit in one working period (rules 3-4).
        """
        if mode.calendar is None:
            return start + mode.duration
        hours = self.calendars[mode.calendar]
        if not task.interruptible:
            fits = hours.fitting_period(start, mode.duration)
            return start + mode.duration if fits else None
        if not hours.is_working(start):
            return None
        return hours.finish(start, mode.duration)

    def after_work(self, calendar: int | None, start: int, work: int) -> int:
        """When `work` working minutes of `calendar` have passed since `start`.

        Around the clock (None) working minutes are elapsed minutes. Beyond
        the modelled span: the span's end, where nothing is placed anyway.
        """
        if calendar is None or work <= 0:
            return start + max(work, 0)
        hours = self.calendars[calendar]
        end = hours.finish(start, work)
        return end if end is not None else self.calendars[calendar].periods[-1][1]

    def before_work(self, calendar: int | None, end: int, work: int) -> int:
        """The latest instant with `work` working minutes of `calendar` before `end`."""
        if calendar is None or work <= 0:
            return end - max(work, 0)
        return self.calendars[calendar].rewind(end, work)

    def mode_on(self, task: Task, machine: int) -> Mode:
        """`task`'s mode on `machine` (it must be eligible there)."""
        return next(mode for mode in task.modes if mode.machine == machine)

    def ready_time(self, t: int, placements: Sequence[Placement | None]) -> int:
        """The minute `t`'s own order lets it start, its predecessors placed so.

        Its release, each predecessor's end plus the minimum wait, or, with
        transfer lots, the predecessor's first lot (`first_lot_done`).
        """
        task = self.tasks[t]
        earliest = task.release
        for p in task.predecessors:
            done = placements[p]
            assert done is not None
            if task.transfer is not None:
                earliest = max(earliest, self.first_lot_done(p, done, t))
            else:
                earliest = max(earliest, done.end + task.min_wait)
        return earliest

    def first_lot_done(self, p: int, placement: Placement, s: int) -> int:
        """When `p`, placed so, hands on the first lot of `s`'s units (rule 21).

        On a batch machine it hands on everything at the batch's end.
        """
        if self.machines[placement.machine].batches:
            return placement.end
        mode = self.mode_on(self.tasks[p], placement.machine)
        work = mode.setup + lot_minutes(mode, self.tasks[s])
        return self.after_work(mode.calendar, placement.start, work)

    def first_run(self, task: Task, mode: Mode, minute: int) -> tuple[int, int] | None:
        """The earliest start at or after `minute` that `mode` allows, and its end.

        `earliest_start` followed by `end_of`, in one step.
        """
        if mode.calendar is None:
            return minute, minute + mode.duration
        hours = self.calendars[mode.calendar]
        return hours.first_run(minute, mode.duration, task.interruptible)

    def earliest_start(self, task: Task, mode: Mode, minute: int) -> int | None:
        """The first start at or after `minute` that `mode` allows."""
        if mode.calendar is None:
            return minute
        hours = self.calendars[mode.calendar]
        if task.interruptible:
            return hours.next_working(minute)
        return hours.next_fit(minute, mode.duration)

    def instant(self, minute: int) -> datetime:
        """The wall-clock instant of a minute offset, in the scenario's zone."""
        # Arithmetic in UTC: adding to a zoned datetime adds wall-clock time,
        # which is wrong across a daylight-saving change.
        return (self.start.astimezone(UTC) + timedelta(minutes=minute)).astimezone(
            ZoneInfo(self.timezone)
        )

    def minute(self, moment: datetime) -> int:
        """Minutes from `start` to an aware instant, floored to the minute."""
        floored = moment.replace(second=0, microsecond=0).astimezone(UTC)
        seconds = (floored - self.start.astimezone(UTC)).total_seconds()
        return int(seconds // 60)

    def machine_index(self, machine_id: str) -> int | None:
        """The index of a machine id, or None when unknown."""
        for index, machine in enumerate(self.machines):
            if machine.id == machine_id:
                return index
        return None

    def thawed(self) -> Problem:
        """A copy with frozen work free again, to find what the freeze blocks."""
        tasks = tuple(
            replace(task, fixed=None, frozen=False) if task.frozen else task
            for task in self.tasks
        )
        return replace(self, tasks=tasks)

    @property
    def free_tasks(self) -> list[int]:
        """Tasks the solver places (not running, not frozen)."""
        return [t for t, task in enumerate(self.tasks) if task.fixed is None]
