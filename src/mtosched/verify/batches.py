"""Rule 18-20 checks of the batches in a solution, read from the contract.

A batch is the set of tasks that start together on a batch machine
(`sequences.machine_units`). Its members must end together, share one
family, fit the capacity, and the batch must last exactly its longest
member's working minutes in the batch's working time: the intersection of
the members' working times (each mode's calendar is already the machine's
intersected with that member's resources, rule 5).
"""

from __future__ import annotations

from collections.abc import Callable

from mtosched.problem.model import Problem
from mtosched.problem.parts import Mode, Task
from mtosched.problem.solution import Solution
from mtosched.problem.worktime import WorkingTime, intersect_periods
from mtosched.verify.sequences import Unit, machine_units

Namer = Callable[[int], str]


def batch_name(problem: Problem, machine: int, k: int) -> str:
    """`MACHINE/k`, the id `schedule_mapping.batch_ids` writes for the k-th batch."""
    return f"{problem.machines[machine].id}/{k}"


def _mode_on(task: Task, machine: int) -> Mode | None:
    return next((m for m in task.modes if m.machine == machine), None)


class _Calendars:
    """Intersections of calendars, built once per set of calendars.

    Members of one batch almost always share one calendar, so most
    batches never build anything; the checker also runs inside the key
    search, where speed matters.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.built: dict[frozenset[int], WorkingTime] = {}

    def of(self, calendars: frozenset[int]) -> WorkingTime | None:
        """The working time of all `calendars` at once; None: around the clock."""
        if not calendars:
            return None
        if len(calendars) == 1:
            return self.problem.calendars[next(iter(calendars))]
        if calendars not in self.built:
            ordered = sorted(calendars)
            periods = self.problem.calendars[ordered[0]].periods
            for c in ordered[1:]:
                periods = intersect_periods(periods, self.problem.calendars[c].periods)
            self.built[calendars] = WorkingTime(periods)
        return self.built[calendars]


def batch_violations(
    problem: Problem,
    solution: Solution,
    name: Namer,
    units: dict[int, list[Unit]] | None = None,
) -> list[str]:
    """Every rule 18-20 breach of every batch, naming the batch and the rule."""
    found: list[str] = []
    calendars = _Calendars(problem)
    if units is None:
        units = machine_units(problem, solution)
    for machine, sequence in sorted(units.items()):
        if not problem.machines[machine].batches:
            continue
        for k, unit in enumerate(sequence, start=1):
            label = f"batch {batch_name(problem, machine, k)}"
            found.extend(_member_violations(problem, solution, unit, label, name))
            found.extend(_duration_violations(problem, unit, label, name, calendars))
    return found


def _member_violations(
    problem: Problem, solution: Solution, unit: Unit, label: str, name: Namer
) -> list[str]:
    """Same end, one family, within capacity, running batches kept whole."""
    found = []
    info = problem.machines[unit.machine]
    for t in unit.members:
        end = solution.placements[t].end
        if end != unit.end:
            found.append(
                f"{label}: {name(t)} ends {unit.end - end} min before the batch; "
                "every member runs the whole batch (rule 18)"
            )
    families = {problem.tasks[t].family for t in unit.members}
    if len(families) > 1:
        shown = ", ".join(sorted(str(f) for f in families))
        found.append(
            f"{label} mixes families ({shown}): a batch holds one family and "
            "has no changeover inside it (rule 18)"
        )
    size = sum(info.batch_size(problem.tasks[t]) for t in unit.members)
    assert info.batch_capacity is not None
    if size > info.batch_capacity:
        found.append(
            f"{label} holds {size}, more than the capacity {info.batch_capacity} "
            "of " + info.id + " (rule 18)"
        )
    running = [t for t in unit.members if problem.tasks[t].running]
    if running and len(running) < len(unit.members):
        joined = ", ".join(name(t) for t in unit.members if t not in running)
        found.append(
            f"{label}: {joined} joins work running since before the planning "
            "start; a running batch is fixed (rule 20)"
        )
    return found


def _duration_violations(
    problem: Problem, unit: Unit, label: str, name: Namer, calendars: _Calendars
) -> list[str]:
    """The longest member's working minutes in the batch's working time."""
    tasks = [(t, problem.tasks[t]) for t in unit.members]
    if all(task.fixed is not None for _, task in tasks):
        return []  # running or frozen: kept as given, checked against `fixed`
    modes = [(t, task, _mode_on(task, unit.machine)) for t, task in tasks]
    if any(mode is None for _, _, mode in modes):
        return []  # the ineligible member is reported on its own
    longest, needed = max(
        ((t, mode.duration) for t, _, mode in modes if mode is not None),
        key=lambda item: (item[1], -item[0]),
    )
    shared = frozenset(
        mode.calendar for _, _, mode in modes if mode and mode.calendar is not None
    )
    hours = calendars.of(shared)
    start, end = unit.start, unit.end
    found = []
    worked = end - start if hours is None else hours.worked(start, end)
    if worked != needed:
        found.append(
            f"{label} gets {worked} working minutes, its longest member "
            f"{name(longest)} needs {needed} (rule 18)"
        )
    if hours is None:
        return found
    if not hours.is_working(start):
        found.append(f"{label} starts in non-working time of its members (rule 18)")
    if end > start and not hours.is_working(end - 1):
        found.append(f"{label} ends in non-working time of its members (rule 18)")
    stiff = [t for t, task in tasks if not task.interruptible]
    if stiff and not hours.fitting_period(start, end - start):
        found.append(
            f"{label} spans non-working time, but {name(stiff[0])} may not be "
            "interrupted (rule 18)"
        )
    return found
