"""A fast dispatch rule: earliest due date first, on the earliest-finishing machine.

It gives the first schedule in milliseconds, the solver's hint, and the
fallback when CP-SAT finds nothing better in time. It does not import OR-Tools.
"""

from __future__ import annotations

import bisect
import heapq

from mtosched.problem.model import Placement, Problem
from mtosched.solution import Solution


class _Timeline:
    """Busy intervals of one machine, kept sorted, with first-fit gap search."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def earliest_fit(self, earliest: int, duration: int) -> int:
        index = max(bisect.bisect_right(self.starts, earliest) - 1, 0)
        start = earliest
        for k in range(index, len(self.starts)):
            if self.ends[k] <= start:
                continue
            if self.starts[k] >= start + duration:
                return start
            start = max(start, self.ends[k])
        return start

    def book(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)


def dispatch(problem: Problem) -> Solution:
    """Place every task greedily: EDD order, gap insertion, earliest finish.

    Deadlines and maximum waits are not guaranteed; the caller checks the
    result before using it as a fallback.
    """
    timelines = [_Timeline() for _ in problem.machines]
    placements: list[Placement | None] = [None] * len(problem.tasks)
    waiting = [len(task.predecessors) for task in problem.tasks]
    ready: list[tuple[int, int, int]] = []

    def release(t: int) -> None:
        order = problem.orders[problem.tasks[t].order]
        heapq.heappush(ready, (order.due, -order.priority, t))

    for t, task in enumerate(problem.tasks):
        if task.fixed is not None:
            placements[t] = task.fixed
            timelines[task.fixed.machine].book(task.fixed.start, task.fixed.end)
    for t, task in enumerate(problem.tasks):
        if task.fixed is not None:
            for s in problem.successors[t]:
                waiting[s] -= 1
    for t, task in enumerate(problem.tasks):
        if task.fixed is None and waiting[t] == 0:
            release(t)

    while ready:
        _, _, t = heapq.heappop(ready)
        task = problem.tasks[t]
        earliest = task.release
        for p in task.predecessors:
            done = placements[p]
            assert done is not None
            earliest = max(earliest, done.end + task.min_wait)
        best: Placement | None = None
        for mode in task.modes:
            start = timelines[mode.machine].earliest_fit(earliest, mode.duration)
            candidate = Placement(mode.machine, start, start + mode.duration)
            if best is None or candidate.end < best.end:
                best = candidate
        assert best is not None
        placements[t] = best
        timelines[best.machine].book(best.start, best.end)
        for s in problem.successors[t]:
            waiting[s] -= 1
            if waiting[s] == 0 and problem.tasks[s].fixed is None:
                release(s)
    if any(p is None for p in placements):
        raise RuntimeError("dispatch left a task unplaced: the routing has a cycle")
    return Solution(tuple(p for p in placements if p is not None))
