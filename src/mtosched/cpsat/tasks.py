"""Task variables: one start, one end, and an interval per eligible machine.

On a calendar, when interruptible work ends depends on when it starts. The
feasible starts of each (task, machine) are partitioned by elapsed time (see
`WorkingTime.start_groups`); a Boolean per group fixes the start's domain and
the interval's size. There are only as many groups as distinct break lengths
an operation can span, so the encoding stays small at minute resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows
from mtosched.problem.model import Problem
from mtosched.problem.parts import Mode, Placement, Task

#: (elapsed minutes, start ranges [a, b]) per start group
Groups = list[tuple[int, list[tuple[int, int]]]]

#: How interruptible work on a calendar is encoded: "elapsed" groups starts
#: by elapsed time (few Booleans); "segments" has one Boolean per run of
#: starts ending in the same period (many). `SearchParams.calendar_encoding`
#: switches it, for the benchmark that chose "elapsed" (benchmarks/RESULTS.md).
CalendarEncoding = Literal["elapsed", "segments"]


@dataclass
class TaskVars:
    """The CP-SAT handles of one task."""

    start: cp_model.IntVar | int
    end: cp_model.LinearExprT
    duration: cp_model.IntVar | int
    interval: cp_model.IntervalVar
    # machine index -> presence literal (empty for a single mode)
    presence: dict[int, cp_model.IntVar] = field(default_factory=dict)
    # (literal, machine, elapsed minutes) for each start group
    groups: list[tuple[cp_model.IntVar, int, int]] = field(default_factory=list)
    # the machine, when only one is possible
    machine: int | None = None
    #: The end of the task's own work, when the end everyone else sees
    #: (`end`) is a batch's end (batches.py); None: the same as `end`.
    work_end: cp_model.LinearExprT | None = None
    #: Per machine whose interval was held back (batch machines): the
    #: interval's fixed size, or None when it varies (several start groups).
    held: dict[int, int | None] = field(default_factory=dict)


def mode_groups(
    problem: Problem,
    task: Task,
    mode: Mode,
    low: int,
    high: int,
    encoding: CalendarEncoding = "elapsed",
) -> Groups:
    """Feasible starts in `[low, high]` of `task` on `mode`, by elapsed time."""
    if high < low:
        return []
    if mode.calendar is None:
        return [(mode.duration, [(low, high)])]
    hours = problem.calendars[mode.calendar]
    if not task.interruptible:
        ranges = hours.fit_ranges(mode.duration, low, high)
        return [(mode.duration, ranges)] if ranges else []
    segments = hours.start_segments(mode.duration, low, high)
    if encoding == "segments":
        return [(e, [(a, b)]) for e, a, b in segments]
    return sorted(hours.start_groups(mode.duration, low, high).items())


def _domain(ranges: list[tuple[int, int]]) -> cp_model.Domain:
    return cp_model.Domain.from_intervals([[a, b] for a, b in ranges])


def end_limit(
    problem: Problem, windows: Windows, t: int, *, use_deadline_domains: bool
) -> int:
    """The latest end of free task `t`: room for the rest of its routing.

    A deadline tightens it when deadlines live in the domains.
    """
    limit = windows.end_cap(t)
    deadline = problem.orders[problem.tasks[t].order].deadline
    if use_deadline_domains and deadline is not None:
        limit = min(limit, deadline - windows.tail[t])
    return limit


def add_task(
    model: cp_model.CpModel,
    problem: Problem,
    windows: Windows,
    t: int,
    *,
    use_deadline_domains: bool,
    machine_intervals: dict[int, list[cp_model.IntervalVar]],
    pinned: Placement | None = None,
    calendar_encoding: CalendarEncoding = "elapsed",
    held_back: frozenset[int] = frozenset(),
) -> TaskVars:
    """Create the variables of task `t` and register its machine intervals.

    Work on the floor, frozen work and a `pinned` task (large-neighbourhood
    search frees a few tasks and pins the rest where the incumbent has
    them) are constants: a fixed interval on their machine, integer start
    and end. A neighbourhood model then holds variables for its free tasks
    only, which keeps presolve short on calendar plants.

    A free task's intervals on the `held_back` machines are not registered:
    on a batch machine only a batch's leader occupies it (batches.py),
    which builds that interval from `TaskVars.held`.
    """
    task = problem.tasks[t]
    name = f"t{t}"
    constant = task.fixed if task.fixed is not None else pinned
    if constant is not None:
        interval = model.new_fixed_size_interval_var(
            constant.start, constant.end - constant.start, f"{name}_fixed"
        )
        machine_intervals.setdefault(constant.machine, []).append(interval)
        return TaskVars(
            constant.start,
            constant.end,
            constant.end - constant.start,
            interval,
            machine=constant.machine,
        )

    earliest = windows.head[t]
    # a slower machine is cut by the end bound
    latest_end = end_limit(
        problem, windows, t, use_deadline_domains=use_deadline_domains
    )
    options: list[tuple[Mode, Groups]] = []
    for mode in task.modes:
        groups = mode_groups(
            problem,
            task,
            mode,
            earliest,
            latest_end - mode.duration,
            calendar_encoding,
        )
        groups = [(e, r) for e, r in groups if r]
        if groups:
            options.append((mode, groups))
    if not options:
        # No start fits the window: state it, and let the infeasibility
        # explanation find out why.
        start = model.new_int_var(earliest, earliest, f"{name}_s")
        model.add_bool_or([])
        interval = model.new_fixed_size_interval_var(start, task.min_duration, name)
        return TaskVars(
            start,
            start + task.min_duration,
            task.min_duration,
            interval,
            machine=task.modes[0].machine,
        )

    all_ranges = [r for _, groups in options for _, ranges in groups for r in ranges]
    start = model.new_int_var_from_domain(_domain(all_ranges), f"{name}_s")
    elapsed = sorted({e for _, groups in options for e, _ in groups})
    low_end = earliest + elapsed[0]
    high_end = max(b for _, b in all_ranges) + elapsed[-1]
    end = model.new_int_var(low_end, max(low_end, high_end), f"{name}_e")
    model.add(end <= latest_end)

    if len(options) == 1 and len(options[0][1]) == 1:
        # One machine, one elapsed time: the common case stays lean.
        mode, groups = options[0]
        size = groups[0][0]
        interval = model.new_fixed_size_interval_var(start, size, name)
        model.add(end == start + size)
        lean = TaskVars(start, end, size, interval, machine=mode.machine)
        if mode.machine in held_back:
            lean.held[mode.machine] = size
        else:
            machine_intervals.setdefault(mode.machine, []).append(interval)
        return lean

    duration = model.new_int_var_from_domain(
        cp_model.Domain.from_values(elapsed), f"{name}_d"
    )
    interval = model.new_interval_var(start, duration, end, name)
    single_mode = len(options) == 1
    result = TaskVars(
        start,
        end,
        duration,
        interval,
        machine=options[0][0].machine if single_mode else None,
    )
    for mode, groups in options:
        present: cp_model.IntVar | None = None
        if not single_mode:
            present = model.new_bool_var(f"{name}_on{mode.machine}")
            result.presence[mode.machine] = present
        if mode.machine in held_back:
            result.held[mode.machine] = groups[0][0] if len(groups) == 1 else None
        elif present is None:
            machine_intervals.setdefault(mode.machine, []).append(interval)
        else:
            machine_intervals.setdefault(mode.machine, []).append(
                _machine_interval(model, result, groups, present, name, mode.machine)
            )
        _add_groups(
            model, result, mode.machine, groups, present, f"{name}_m{mode.machine}"
        )
    if not single_mode:
        model.add_exactly_one(result.presence.values())
    return result


def _machine_interval(
    model: cp_model.CpModel,
    task_vars: TaskVars,
    groups: Groups,
    present: cp_model.IntVar,
    name: str,
    machine: int,
) -> cp_model.IntervalVar:
    """The task's optional interval on one of its machines.

    With one elapsed time on that machine (always, off calendars) the size
    is fixed, so the machine's no-overlap reasons with the machine's own
    duration before the choice is made, not the shortest over all machines.
    """
    label = f"{name}_m{machine}"
    if len(groups) == 1:
        size = groups[0][0]
        return model.new_optional_fixed_size_interval_var(
            task_vars.start, size, present, label
        )
    return model.new_optional_interval_var(
        task_vars.start, task_vars.duration, task_vars.end, present, label
    )


def _add_groups(
    model: cp_model.CpModel,
    task_vars: TaskVars,
    machine: int,
    groups: Groups,
    present: cp_model.IntVar | None,
    name: str,
) -> None:
    """Tie start domain and elapsed time to the chosen machine and group."""
    start, duration = task_vars.start, task_vars.duration
    if len(groups) == 1:
        size, ranges = groups[0]
        if present is None:
            model.add(duration == size)
            return
        model.add(duration == size).only_enforce_if(present)
        model.add_linear_expression_in_domain(start, _domain(ranges)).only_enforce_if(
            present
        )
        return
    literals = []
    for size, ranges in groups:
        literal = model.new_bool_var(f"{name}_g{size}")
        literals.append(literal)
        task_vars.groups.append((literal, machine, size))
        model.add(duration == size).only_enforce_if(literal)
        model.add_linear_expression_in_domain(start, _domain(ranges)).only_enforce_if(
            literal
        )
    if present is None:
        model.add_exactly_one(literals)
    else:
        model.add(sum(literals) == present)
