"""Time windows and the horizon: tight domains instead of extra constraints."""

from __future__ import annotations

from dataclasses import dataclass

from mtosched.problem.model import Problem


@dataclass(frozen=True)
class Windows:
    """Per task: earliest start (`head`), minimum work after its end (`tail`)."""

    horizon: int
    head: tuple[int, ...]
    tail: tuple[int, ...]
    order_floor: tuple[int, ...]


def topological_order(problem: Problem) -> list[int]:
    """Tasks with every predecessor before its successors (Kahn)."""
    waiting = [len(task.predecessors) for task in problem.tasks]
    order = [t for t, count in enumerate(waiting) if count == 0]
    for t in order:  # the list grows while we walk it
        for s in problem.successors[t]:
            waiting[s] -= 1
            if waiting[s] == 0:
                order.append(s)
    return order


def _serial_horizon(problem: Problem, order: list[int], base: int) -> int:
    """End of a schedule that runs every free task alone, one after another.

    Each task takes its slowest machine and waits for its calendar, so any
    schedule an optimizer prefers fits before this (for regular objectives):
    a safe, calendar-aware horizon.
    """
    cursor = base
    ends = [0] * len(problem.tasks)
    incoming = _max_changeovers(problem)
    for t in order:
        task = problem.tasks[t]
        if task.fixed is not None:
            ends[t] = task.fixed.end
            continue
        ready = max(
            [
                cursor,
                task.release,
                *(ends[p] + task.min_wait for p in task.predecessors),
            ]
        )
        finish = ready
        for mode in task.modes:
            setup = incoming.get((t, mode.machine), 0)
            after = problem.setup_ready(mode.machine, ready, setup)
            start = (
                problem.earliest_start(task, mode, after) if after is not None else None
            )
            end = problem.end_of(task, mode, start) if start is not None else None
            if end is None:
                return _span_end(problem, cursor)
            finish = max(finish, end)
        ends[t] = cursor = finish
    return cursor


def _max_changeovers(problem: Problem) -> dict[tuple[int, int], int]:
    """The longest changeover each task may need on each changeover machine."""
    families: dict[int, set[str | None]] = {}
    for m, info in enumerate(problem.machines):
        if info.changeovers is not None:
            families[m] = {info.initial_family}
    for task in problem.tasks:
        for mode in task.modes:
            if mode.machine in families:
                families[mode.machine].add(task.family)
    longest: dict[tuple[int, int], int] = {}
    for t, task in enumerate(problem.tasks):
        for mode in task.modes:
            changeovers = problem.machines[mode.machine].changeovers
            if changeovers is None or task.fixed is not None:
                continue
            matrix = problem.changeovers[changeovers]
            longest[(t, mode.machine)] = max(
                matrix.minutes(f, task.family) for f in families[mode.machine]
            )
    return longest


def _span_end(problem: Problem, fallback: int) -> int:
    """The last modelled working minute: nothing can end after it."""
    ends = [c.periods[-1][1] for c in problem.calendars if c.periods]
    return max([fallback, *ends])


def compute_windows(problem: Problem) -> Windows:
    """Heads, tails and a horizon that any semi-active schedule fits in.

    The horizon is the end of a serial schedule (see `_serial_horizon`)
    started after the latest release, end of running work and material
    arrival. With `earliness` the latest due date is added, since finishing
    on time may then mean waiting.
    """
    tasks = problem.tasks
    base = max([0, *(t.release for t in tasks)])
    base = max([base, *(t.fixed.end for t in tasks if t.fixed is not None)])
    for material in problem.materials:
        base = max([base, *(at for at, _ in material.supply)])
        if material.lead_time is not None:
            base = max(base, material.lead_time)
    if "earliness" in problem.objective:
        base = max([base, *(o.due for o in problem.orders)])
    order = topological_order(problem)
    horizon = _serial_horizon(problem, order, base)
    head = [0] * len(tasks)
    head_end = [0] * len(tasks)
    for t in order:
        task = tasks[t]
        if task.fixed is not None:
            head[t], head_end[t] = task.fixed.start, task.fixed.end
            continue
        earliest = task.release
        for p in task.predecessors:
            earliest = max(earliest, head_end[p] + task.min_wait)
        starts, ends = [], []
        for mode in task.modes:
            start = problem.earliest_start(task, mode, earliest)
            end = problem.end_of(task, mode, start) if start is not None else None
            if start is not None and end is not None:
                starts.append(start)
                ends.append(end)
        head[t] = min(starts, default=earliest)
        head_end[t] = min(ends, default=horizon)
    tail = [0] * len(tasks)
    for t in reversed(order):
        for s in problem.successors[t]:
            succ = tasks[s]
            tail[t] = max(tail[t], succ.min_wait + succ.min_duration + tail[s])
    order_floor = tuple(max(head_end[t] for t in o.tasks) for o in problem.orders)
    return Windows(horizon, tuple(head), tuple(tail), order_floor)
