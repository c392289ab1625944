"""Which tasks may share a load in the model, and where that is exact.

The leader order of a batch machine, equality of working times, the
constant batches free work may join, and `unmodelled`: the plants where
the model's batches are narrower than rule 18 (batches.py says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mtosched.cpsat.tasks import TaskVars
from mtosched.problem.model import Problem
from mtosched.problem.parts import Mode, Task


def rank(problem: Problem, machine: int, t: int) -> tuple[int, int]:
    """Where `t` stands in `machine`'s leader order: duration there, then index."""
    duration = problem.tasks[t].duration_on(machine)
    return (duration if duration is not None else -1, t)


def batch_node(
    problem: Problem, machine: int, members: Sequence[int], constant: Sequence[bool]
) -> int:
    """The member that stands for a batch in the model.

    A constant member (the lowest index) when there is one: free members
    then join that constant batch; otherwise the leader.
    """
    fixed = [t for t in members if constant[t]]
    if fixed:
        return min(fixed)
    return max(members, key=lambda t: rank(problem, machine, t))


def same_time(problem: Problem, a: int | None, b: int | None) -> bool:
    """Whether two working times (calendar indices, None: always) are equal."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    return problem.calendars[a].periods == problem.calendars[b].periods


def unmodelled(problem: Problem) -> str | None:
    """Why the model's batches are not exact on this plant, or None.

    Tasks of one family on one batch machine with different working times
    could share a batch by rule 18, but never do here.
    """
    for m, machine in enumerate(problem.machines):
        if not machine.batches:
            continue
        seen: dict[str | None, int | None] = {}
        for task in problem.tasks:
            if task.running:
                continue
            mode = next((d for d in task.modes if d.machine == m), None)
            if mode is None:
                continue
            if task.family not in seen:
                seen[task.family] = mode.calendar
            elif not same_time(problem, seen[task.family], mode.calendar):
                return f"batch members with different working times on {machine.id}"
    return None


@dataclass
class Constant:
    """A constant batch on a machine that free work may join."""

    start: int
    end: int
    family: str | None
    calendar: int | None
    longest: int
    room: int
    stiff_ok: bool  # a stiff joiner fits: the batch runs without a break


def constants(problem: Problem, task_vars: list[TaskVars], m: int) -> list[Constant]:
    """The constant batches on machine `m` that free work may join."""
    groups: dict[int, list[int]] = {}
    for t, v in enumerate(task_vars):
        if v.machine == m and isinstance(v.start, int):
            groups.setdefault(v.start, []).append(t)
    machine, found = problem.machines[m], []
    assert machine.batch_capacity is not None
    for start, members in sorted(groups.items()):
        tasks = [problem.tasks[t] for t in members]
        longest = max(members, key=lambda t: rank(problem, m, t))
        lead_task = problem.tasks[longest]
        modes = [mode_of(task, m) for task in tasks]
        end = task_vars[longest].end
        if any(task.running for task in tasks) or any(d is None for d in modes):
            continue
        lead_mode = mode_of(lead_task, m)
        assert lead_mode is not None and isinstance(end, int)
        calendar = lead_mode.calendar
        if (
            len({task.family for task in tasks}) > 1
            or not all(same_time(problem, d.calendar, calendar) for d in modes if d)
            or problem.end_of(lead_task, lead_mode, start) != end
        ):
            continue  # not a batch the model can reason about: left alone
        room = machine.batch_capacity - sum(machine.batch_size(t) for t in tasks)
        stiff_ok = calendar is None or problem.calendars[calendar].fitting_period(
            start, end - start
        )
        found.append(
            Constant(start, end, lead_task.family, calendar, longest, room, stiff_ok)
        )
    return found


def mode_of(task: Task, machine: int) -> Mode | None:
    """`task`'s mode on `machine`, None when it is not eligible there."""
    return next((d for d in task.modes if d.machine == machine), None)
