"""Rule 21: an operation with transfer lots against one predecessor.

Units move on in lots of b: the successor may start once the first lot is
done upstream, and must still have the last lot's work to do after the
predecessor ends. Counted in working minutes of each operation's own
working time (its mode's calendar, rule 5), processing without set-up.
"""

from __future__ import annotations

from collections.abc import Callable

from mtosched.problem.model import Problem
from mtosched.problem.parts import Mode, Task
from mtosched.problem.solution import Solution


def _mode_on(task: Task, machine: int) -> Mode | None:
    return next((m for m in task.modes if m.machine == machine), None)


def _share(minutes: int, lot: int, quantity: int) -> int:
    """ceil(minutes * lot / quantity) in integers."""
    return -(-minutes * lot // quantity)


def overlaps(problem: Problem, solution: Solution, s: int, p: int) -> bool:
    """Whether task `s` may overlap predecessor `p` (else plain precedence).

    Only with a lot smaller than the quantity, and not after a batch
    machine: an oven hands its units on when its door opens (rule 21).
    """
    task = problem.tasks[s]
    machine = solution.placements[p].machine
    return task.transfer is not None and not problem.machines[machine].batches


def lot_violations(
    problem: Problem, solution: Solution, s: int, p: int, name: Callable[[int], str]
) -> list[str]:
    """The two lot conditions of rule 21 for successor `s` after `p`."""
    task, before = problem.tasks[s], problem.tasks[p]
    assert task.transfer is not None
    place, upstream = solution.placements[s], solution.placements[p]
    mode, upstream_mode = (
        _mode_on(task, place.machine),
        _mode_on(before, upstream.machine),
    )
    if mode is None or upstream_mode is None:
        return []  # an ineligible machine is reported on its own
    lot, quantity = task.transfer, task.quantity
    found = []
    first_lot = upstream_mode.setup + _share(
        upstream_mode.duration - upstream_mode.setup, lot, quantity
    )
    ready = problem.after_work(upstream_mode.calendar, upstream.start, first_lot)
    if place.start < ready:
        found.append(
            f"{name(s)}: starts {ready - place.start} min before the first transfer "
            f"lot of {name(p)} is done (rule 21)"
        )
    last_lot = _share(mode.duration - mode.setup, lot, quantity)
    if mode.calendar is None:
        after = max(0, place.end - upstream.end)
    else:
        after = problem.calendars[mode.calendar].worked(upstream.end, place.end)
    if after < last_lot:
        found.append(
            f"{name(s)}: works {after} min after {name(p)} ends, the last transfer "
            f"lot needs {last_lot} (rule 21)"
        )
    return found
