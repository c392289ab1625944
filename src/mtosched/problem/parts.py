"""The parts a compiled problem is made of.

Tasks and their modes, orders, machines, changeovers, resources, materials
and last night's plan: index-based, in integer minutes from the planning
start, like the `Problem` (model.py) that holds them.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def lot_minutes(mode: Mode, task: Task) -> int:
    """Working minutes of one lot of `task`'s transfer, run in `mode` (rule 21).

    Processing without set-up, `ceil(d x b / q)` with `task`'s b and q;
    `mode` may be a predecessor's (same order, same quantity).
    """
    assert task.transfer is not None
    return -(-(mode.duration - mode.setup) * task.transfer // task.quantity)
