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
    """Heads, tails and a horizon that any semi-active schedule fits in.

    The horizon is the latest release (or end of running work) plus every
    free task's longest duration and wait, back to back: placing orders one
    after another fits in it, so no optimum of a regular objective is cut
    off. With `earliness` the latest due date is added, since finishing on
    time may then mean waiting.
    """
    tasks = problem.tasks
    base = max([0, *(t.release for t in tasks)])
    base = max([base, *(t.fixed.end for t in tasks if t.fixed is not None)])
    if "earliness" in problem.objective:
        base = max([base, *(o.due for o in problem.orders)])
    horizon = base + sum(t.max_duration + t.min_wait for t in tasks if t.fixed is None)
    order = topological_order(problem)
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
        head[t], head_end[t] = earliest, earliest + task.min_duration
    tail = [0] * len(tasks)
    for t in reversed(order):
        for s in problem.successors[t]:
            succ = tasks[s]
            tail[t] = max(tail[t], succ.min_wait + succ.min_duration + tail[s])
    order_floor = tuple(max(head_end[t] for t in o.tasks) for o in problem.orders)
    return Windows(horizon, tuple(head), tuple(tail), order_floor)
