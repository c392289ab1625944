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


def compute_windows(problem: Problem) -> Windows:
    """Heads and tails of every task, within the problem's safe horizon."""
    tasks = problem.tasks
    order = topological_order(problem)
    horizon = problem.horizon
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
