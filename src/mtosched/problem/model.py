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

from mtosched.problem.worktime import WorkingTime
from mtosched.scenario.fields import ObjectiveTerm


@dataclass(frozen=True, slots=True)
class Mode:
    """One way to run a task: on `machine` (index) for `duration` working minutes.

    `calendar` indexes `Problem.calendars`: the working time of the machine
    intersected with that of the resources the task uses (contract rule 5);
    None means around the clock, where working minutes are elapsed minutes.
    `setup` is the part of `duration` that is the operation's own set-up
    (rule 6): a transfer lot counts processing without it (rule 21).
    """

    machine: int
    duration: int
    calendar: int | None = None
    setup: int = 0


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a task runs in a schedule: machine index and minutes [start, end)."""

    machine: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Task:
    """One operation of one order, to be placed on one of its `modes`.

    `predecessors` are task indices (skipped operations already resolved away,
    done ones dropped). `fixed` is an exact placement the solver must keep:
    work running on the floor (no predecessors, material already taken) or,
    with `frozen`, work the previous plan started inside the frozen horizon
    (it keeps its predecessors and consumes material as planned). `uses`
    holds (resource index, amount) for the whole run; `consumes` holds
    (material index, total quantity) taken at the start.
    """

    order: int
    operation: str
    modes: tuple[Mode, ...]
    predecessors: tuple[int, ...]
    release: int
    min_wait: int = 0
    max_wait: int | None = None
    family: str | None = None
    fixed: Placement | None = None
    interruptible: bool = True
    uses: tuple[tuple[int, int], ...] = ()
    consumes: tuple[tuple[int, int], ...] = ()
    frozen: bool = False
    #: Frozen work whose planned changeover began before now: it is under way.
    setup_under_way: bool = False
    #: The order's quantity: a member's size in a batch counted by quantity.
    quantity: int = 1
    #: Transfer lot size b when the operation overlaps its predecessors
    #: (rule 21); None when it does not, or when b >= quantity (rule 22).
    transfer: int | None = None

    @property
    def running(self) -> bool:
        """Already running on the floor (fixed, and not by the frozen horizon)."""
        return self.fixed is not None and not self.frozen

    @property
    def set_up(self) -> bool:
        """No changeover into it is scheduled: it ran or is under way already."""
        return self.running or self.setup_under_way

    def duration_on(self, machine: int) -> int | None:
        """Processing minutes on `machine`, or None when it is not eligible."""
        for mode in self.modes:
            if mode.machine == machine:
                return mode.duration
        return None

    @property
    def min_duration(self) -> int:
        """The shortest processing time over the eligible machines."""
        return min(mode.duration for mode in self.modes)

    @property
    def max_duration(self) -> int:
        """The longest processing time over the eligible machines."""
        return max(mode.duration for mode in self.modes)


@dataclass(frozen=True, slots=True)
class OrderInfo:
    """An order to schedule; `released` is as written (may precede `start`)."""

    id: str
    customer: str | None
    product: str | None
    priority: int
    released: int
    due: int
    deadline: int | None
    tasks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MachineInfo:
    """A machine: identity for reports, its own calendar, its changeover matrix.

    `calendar` is the machine's working time alone (changeovers are machine
    work; utilization is measured against it). `changeovers` indexes
    `Problem.changeovers`; `initial_family` is the set-up at start.
    """

    id: str
    name: str | None
    work_center: str | None
    calendar: int | None = None
    changeovers: int | None = None
    initial_family: str | None = None
    #: A batch machine's capacity (rules 18-20); None: one task at a time.
    batch_capacity: int | None = None
    #: Whether a member's size is its order's quantity (else 1).
    batch_by_quantity: bool = True

    @property
    def batches(self) -> bool:
        """Whether this machine runs several tasks together (rule 18)."""
        return self.batch_capacity is not None

    def batch_size(self, task: Task) -> int:
        """`task`'s share of this machine's batch capacity."""
        return task.quantity if self.batch_by_quantity else 1


@dataclass(frozen=True)
class ChangeoverMatrix:
    """Sequence-dependent changeover minutes between families."""

    id: str
    default_minutes: int
    same_minutes: int
    pairs: dict[tuple[str, str], int]

    def minutes(self, before: str | None, after: str | None) -> int:
        """Changeover from `before` to `after`; none when nothing came before."""
        if before is None or after is None:
            return 0
        if (before, after) in self.pairs:
            return self.pairs[(before, after)]
        return self.same_minutes if before == after else self.default_minutes


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    """A crew, tool or fixture: `capacity` units, available in its calendar."""

    id: str
    capacity: int
    calendar: int | None = None


@dataclass(frozen=True, slots=True)
class MaterialInfo:
    """Supply of one material in minutes from start.

    `supply` lists (minute, quantity) arrivals, stock at start included at
    minute 0 (receipts dated earlier count as arrived). With a lead time any
    quantity arrives at `lead_time`.
    """

    id: str
    unit: str | None
    supply: tuple[tuple[int, int], ...]
    lead_time: int | None


@dataclass(frozen=True, slots=True)
class PlannedSlot:
    """Where the previous plan had a task: machine index, start minute."""

    machine: int
    start: int


@dataclass(frozen=True)
class Baseline:
    """The previous plan as tonight's reference (the nightly loop).

    `planned` maps task indices to where the previous plan had them; a task
    counts as moved when its machine differs or its start moved more than
    `tolerance` minutes, weighted by `weights` (work planned soon weighs
    more). `freeze_until` is the end of the frozen horizon in minutes.
    """

    source: str
    planned: dict[int, PlannedSlot]
    weights: dict[int, int]
    tolerance: int = 0
    freeze_until: int | None = None
    #: What could not be followed (e.g. frozen work whose machine is gone).
    notes: tuple[str, ...] = ()

    @property
    def latest_start(self) -> tuple[int, ...]:
        """The latest start that keeps a task in place (empty without any)."""
        if not self.planned:
            return ()
        return (max(s.start for s in self.planned.values()) + self.tolerance,)

    def moved(self, task: int, machine: int, start: int) -> bool:
        """Whether a placement counts as moved against the previous plan."""
        slot = self.planned[task]
        return slot.machine != machine or abs(start - slot.start) > self.tolerance


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


def lot_minutes(mode: Mode, task: Task) -> int:
    """Working minutes of one lot of `task`'s transfer, run in `mode` (rule 21).

    Processing without set-up, `ceil(d x b / q)` with `task`'s b and q;
    `mode` may be a predecessor's (same order, same quantity).
    """
    assert task.transfer is not None
    return -(-(mode.duration - mode.setup) * task.transfer // task.quantity)
