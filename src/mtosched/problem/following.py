"""Following the previous plan while compiling: slots, the frozen horizon.

The compiler hands every operation that is not running to a `PlanFollower`:
it records where the previous plan had it (for `stability` and the warm
start), freezes it when the plan started it inside the frozen horizon, and
notes what it could not follow. After compiling, `baseline` is what the
problem carries and `fixed_conflicts` names frozen work that cannot keep its
place whatever the solver does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from itertools import pairwise

from mtosched.problem.parts import (
    Baseline,
    Mode,
    OrderInfo,
    Placement,
    PlannedSlot,
    Task,
    lot_minutes,
)
from mtosched.problem.previous import PreviousPlan, stability_weight


class PlanFollower:
    """The previous plan as the compiler meets its operations, one by one."""

    def __init__(
        self,
        previous: PreviousPlan | None,
        machine_ids: Mapping[str, int],
        minutes: Callable[[datetime], int],
    ) -> None:
        self.previous = previous
        self.machine_ids = machine_ids
        self.minutes = minutes
        self.planned: dict[int, PlannedSlot] = {}
        self.notes: list[str] = []
        self.freeze_until: int | None = None
        if previous is not None and previous.freeze_hours is not None:
            self.freeze_until = round(previous.freeze_hours * 60)

    def follow(
        self, order_id: str, op_id: str, modes: tuple[Mode, ...], task: int
    ) -> tuple[tuple[Mode, ...], Placement | None]:
        """Record the previous plan's slot; freeze it inside the frozen horizon.

        Frozen work keeps machine and start (its end follows from the
        calendar later). Frozen work the plan started before now, which the
        floor reports neither done nor running, keeps only its machine.
        """
        if self.previous is None:
            return modes, None
        planned = self.previous.operations.get((order_id, op_id))
        if planned is None:
            return modes, None  # new work: nothing to stay close to
        machine = self.machine_ids.get(planned.machine, -1)
        start = self.minutes(planned.start)
        self.planned[task] = PlannedSlot(machine, start)
        if self.freeze_until is None or start >= self.freeze_until:
            return modes, None
        name = f"{order_id}/{op_id}"
        mode = next((m for m in modes if m.machine == machine), None)
        if mode is None:
            self.notes.append(
                f"{name}: not frozen, machine {planned.machine} can no longer run it"
            )
            return modes, None
        if start < 0:
            self.notes.append(
                f"{name}: planned to start before now, but progress reports it "
                f"neither done nor running; it stays on {planned.machine} and "
                "starts as soon as it can"
            )
            return (mode,), None
        return modes, Placement(machine, start, start + mode.duration)

    def latest_start(self) -> int:
        """The latest start the previous plan may keep a task at (tolerance in)."""
        if self.previous is None or not self.planned:
            return 0
        latest = max(slot.start for slot in self.planned.values())
        return latest + self.previous.stability_tolerance

    def setup_began(self, order_id: str, op_id: str) -> bool:
        """Whether the previous plan's changeover into this began before now."""
        if self.previous is None:
            return False
        planned = self.previous.operations.get((order_id, op_id))
        setup = planned.setup_start if planned is not None else None
        return setup is not None and self.minutes(setup) < 0

    def baseline(self, tasks: Sequence[Task]) -> Baseline | None:
        """The reference the problem carries: slots of the tasks still to place."""
        if self.previous is None:
            return None
        planned = {
            t: slot for t, slot in self.planned.items() if tasks[t].fixed is None
        }
        return Baseline(
            source=self.previous.source,
            planned=planned,
            weights={t: stability_weight(slot.start) for t, slot in planned.items()},
            tolerance=self.previous.stability_tolerance,
            freeze_until=self.freeze_until,
            notes=tuple(self.notes),
        )


def fixed_conflicts(
    tasks: Sequence[Task],
    orders: Sequence[OrderInfo],
    machine_ids: Sequence[str],
    batch_machines: frozenset[int] = frozenset(),
) -> list[str]:
    """Frozen work that cannot keep its place whatever the solver does.

    Two fixed placements overlapping on a machine (on a batch machine, work
    that starts together is one batch), or frozen work starting before a
    fixed predecessor ends; the reason names both operations. A transfer
    lot (rule 21) may overlap its predecessor: only what no calendar can
    allow is reported, a start before the first lot's working minutes or an
    end before the last lot's.
    """

    def name(t: int) -> str:
        return f"{orders[tasks[t].order].id}/{tasks[t].operation}"

    reasons = []
    by_machine: dict[int, list[int]] = {}
    for t, task in enumerate(tasks):
        if task.fixed is not None:
            by_machine.setdefault(task.fixed.machine, []).append(t)
    for machine, fixed in by_machine.items():
        fixed.sort(key=lambda t: tasks[t].fixed.start)  # type: ignore[union-attr]
        for before, after in pairwise(fixed):
            first, second = tasks[before].fixed, tasks[after].fixed
            assert first is not None and second is not None
            together = machine in batch_machines and first.start == second.start
            if tasks[after].frozen and second.start < first.end and not together:
                reasons.append(
                    f"frozen operation {name(after)} cannot keep its start on "
                    f"{machine_ids[machine]}: {name(before)} occupies the machine "
                    f"until {first.end - second.start} min after it; shorten the "
                    "frozen horizon or report progress"
                )
    for t, task in enumerate(tasks):
        if not task.frozen or task.fixed is None:
            continue
        if task.fixed.start < task.release:
            reasons.append(
                f"frozen operation {name(t)} cannot keep its start: its order is "
                f"now released {task.release - task.fixed.start} min later"
            )
        for p in task.predecessors:
            pred = tasks[p].fixed
            if (
                pred is not None
                and task.transfer is not None
                and pred.machine not in batch_machines
            ):
                reasons += _lot_conflicts(tasks, p, t, name)
                continue
            if pred is not None and pred.end + task.min_wait > task.fixed.start:
                late = pred.end + task.min_wait - task.fixed.start
                reasons.append(
                    f"frozen operation {name(t)} cannot keep its start: its "
                    f"predecessor {name(p)} ends {late} min too late for it"
                )
    return reasons


def _lot_conflicts(
    tasks: Sequence[Task], p: int, s: int, name: Callable[[int], str]
) -> list[str]:
    """Rule 21 broken whatever the calendars: elapsed time >= working time."""
    pred, succ = tasks[p], tasks[s]
    assert pred.fixed is not None and succ.fixed is not None
    own = next(m for m in pred.modes if m.machine == pred.fixed.machine)
    then = next(m for m in succ.modes if m.machine == succ.fixed.machine)
    first = own.setup + lot_minutes(own, succ)
    last = lot_minutes(then, succ)
    found = []
    if succ.fixed.start < pred.fixed.start + first:
        found.append(
            f"frozen operation {name(s)} cannot keep its start: its predecessor "
            f"{name(p)} cannot hand on the first lot by then"
        )
    if succ.fixed.end < pred.fixed.end + last:
        found.append(
            f"frozen operation {name(s)} cannot keep its end: the last lot of "
            f"{name(p)} arrives too late to be processed by then"
        )
    return found
