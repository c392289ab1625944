"""A fast dispatch rule: earliest due date first, on the earliest-finishing machine.

It gives the first schedule in milliseconds, the solver's hint, and the
fallback when CP-SAT finds nothing better in time. It respects calendars,
crews and stock; deadlines and maximum waits are not guaranteed, so callers
check the result before relying on it. Given a previous plan to follow, it
replays that plan first and fits new work around it (the warm start of the
nightly loop). It does not import OR-Tools.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from mtosched.problem.model import (
    MaterialInfo,
    Mode,
    Placement,
    PlannedSlot,
    Problem,
    Task,
)
from mtosched.solution import Solution


class _Timeline:
    """Busy intervals of one machine, kept sorted."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def conflict_end(self, start: int, end: int) -> int | None:
        """The end of a booking overlapping `[start, end)`, or None when free."""
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        for k in range(index, len(self.starts)):
            if self.starts[k] >= end:
                return None
            if self.ends[k] > start:
                return self.ends[k]
        return None

    def book(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)


class _Pool:
    """Bookings of one resource; answers when `amount` more fits."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.bookings: list[tuple[int, int, int]] = []

    def blocked_until(self, start: int, end: int, amount: int) -> int | None:
        """None when `amount` fits all through `[start, end)`, else a retry time."""
        overlapping = [b for b in self.bookings if b[0] < end and b[1] > start]
        if not overlapping:
            return None
        points = sorted({start, *(b[0] for b in overlapping if b[0] > start)})
        for point in points:
            held = sum(b[2] for b in overlapping if b[0] <= point < b[1])
            if held + amount > self.capacity:
                return min(b[1] for b in overlapping if b[0] <= point < b[1])
        return None


class _Stock:
    """Supply and booked consumption of one material."""

    def __init__(self, material: MaterialInfo, demand: int) -> None:
        self.supply = list(material.supply)
        if material.lead_time is not None:
            self.supply.append((material.lead_time, demand))
        self.supply.sort()
        self.taken: list[tuple[int, int]] = []

    def _slack_from(self, start: int) -> int:
        times = sorted(
            {
                start,
                *(t for t, _ in self.supply if t > start),
                *(t for t, _ in self.taken if t > start),
            }
        )
        lowest: int | None = None
        for t in times:
            level = sum(q for at, q in self.supply if at <= t) - sum(
                q for at, q in self.taken if at <= t
            )
            lowest = level if lowest is None else min(lowest, level)
        return lowest or 0

    def earliest(self, start: int, quantity: int) -> int | None:
        """The first time >= start at which `quantity` can be taken for good."""
        candidates = [start, *(t for t, _ in self.supply if t > start)]
        for t in candidates:
            if self._slack_from(t) >= quantity:
                return t
        return None


def _place(
    problem: Problem,
    task: Task,
    mode: Mode,
    earliest: int,
    timelines: list[_Timeline],
    pools: list[_Pool],
    stocks: list[_Stock],
    setups: dict[int, tuple[int, str | None]],
) -> Placement | None:
    """The earliest placement of `task` in `mode` from `earliest` on."""
    start: int | None = earliest
    info = problem.machines[mode.machine]
    if info.changeovers is not None:
        # Changeover machines are filled in order (no gap insertion), so the
        # changeover from the last family is known when placing.
        last_end, last_family = setups[mode.machine]
        minutes = problem.changeovers[info.changeovers].minutes(
            last_family, task.family
        )
        start = problem.setup_ready(mode.machine, max(last_end, 0), minutes)
        start = None if start is None else max(start, earliest)
    for _ in range(100_000):
        start = problem.earliest_start(task, mode, start) if start is not None else None
        if start is None:
            return None
        end = problem.end_of(task, mode, start)
        if end is None:
            return None
        retry = timelines[mode.machine].conflict_end(start, end)
        for resource, amount in task.uses:
            if retry is None:
                retry = pools[resource].blocked_until(start, end, amount)
        for material, quantity in task.consumes:
            if retry is None:
                ready = stocks[material].earliest(start, quantity)
                if ready is None:
                    return None
                retry = ready if ready > start else None
        if retry is None:
            return Placement(mode.machine, start, end)
        start = max(retry, start + 1)
    return None


#: Urgency of an order for the dispatch rule: lower goes first.
OrderKey = Callable[[int], float]


def earliest_due_date(problem: Problem) -> OrderKey:
    """The classic rule: the order due first goes first."""
    return lambda j: float(problem.orders[j].due)


@dataclass(frozen=True)
class Guide:
    """A previous plan to follow: its machines, its order and maybe its starts.

    Tasks go in planned-start order, on their planned machine (when still
    eligible); with `keep_starts` none starts before its planned start, so an
    unchanged plan is reproduced exactly. New work joins that order at its
    latest start (due date minus the work left in its order), so an urgent
    new order goes in early instead of after the whole plan. `newcomers`
    "last" puts it after the whole plan, into the gaps the plan leaves (it
    delays no planned order), "first" ahead of everything planned; a minute
    puts it where the plan is at that minute (each task at that minute plus
    the shortest work before it in its order).
    """

    slots: Mapping[int, PlannedSlot]
    keep_starts: bool
    newcomers: Literal["latest_start", "last", "first"] | int = "latest_start"


def latest_starts(problem: Problem) -> list[int]:
    """Per task, its order's due date minus the shortest work from it to the end."""
    waiting = [len(problem.successors[t]) for t in range(len(problem.tasks))]
    tail = [task.min_duration for task in problem.tasks]
    # sinks first: a task's tail is final once all its successors' tails are
    stack = [t for t, count in enumerate(waiting) if count == 0]
    while stack:
        s = stack.pop()
        for p in problem.tasks[s].predecessors:
            tail[p] = max(tail[p], problem.tasks[p].min_duration + tail[s])
            waiting[p] -= 1
            if waiting[p] == 0:
                stack.append(p)
    return [
        problem.orders[task.order].due - tail[t] for t, task in enumerate(problem.tasks)
    ]


def work_ahead(problem: Problem) -> list[int]:
    """Per task, the shortest work its order must do before it can start."""
    ahead = [0] * len(problem.tasks)
    for t in _topological(problem):
        for p in problem.tasks[t].predecessors:
            ahead[t] = max(ahead[t], ahead[p] + problem.tasks[p].min_duration)
    return ahead


def _topological(problem: Problem) -> list[int]:
    waiting = [len(task.predecessors) for task in problem.tasks]
    queue = [t for t, count in enumerate(waiting) if count == 0]
    for t in queue:  # grows while iterating: Kahn's algorithm
        for s in problem.successors[t]:
            waiting[s] -= 1
            if waiting[s] == 0:
                queue.append(s)
    return queue


def dispatch(
    problem: Problem, urgency: OrderKey | None = None, guide: Guide | None = None
) -> Solution:
    """Place every task greedily: most urgent order first, earliest finish.

    `urgency` ranks orders (default: earliest due date, then priority);
    each task goes to the machine where it ends first, into the earliest
    gap that fits. A `guide` puts a previous plan's tasks first.
    """
    rank = urgency or earliest_due_date(problem)
    slots = guide.slots if guide is not None else {}
    timelines = [_Timeline() for _ in problem.machines]
    pools = [_Pool(r.capacity) for r in problem.resources]
    demand = [0] * len(problem.materials)
    for task in problem.tasks:
        for material, quantity in task.consumes:  # none for running work
            demand[material] += quantity
    stocks = [_Stock(m, demand[k]) for k, m in enumerate(problem.materials)]
    # machine -> (end of its last task, family it is set up for)
    setups = {
        m: (0, info.initial_family)
        for m, info in enumerate(problem.machines)
        if info.changeovers is not None
    }
    placements: list[Placement | None] = [None] * len(problem.tasks)
    waiting = [len(task.predecessors) for task in problem.tasks]
    ready: list[tuple[int, float, int, int]] = []

    task_order = [task.order for task in problem.tasks]
    latest = latest_starts(problem) if guide is not None else []
    ahead = work_ahead(problem) if guide is not None else []

    def release(t: int) -> None:
        order = problem.orders[problem.tasks[t].order]
        if t in slots:
            key = (0, float(slots[t].start), -order.priority, t)
        elif guide is not None and isinstance(guide.newcomers, int):
            key = (0, float(guide.newcomers + ahead[t]), -order.priority, t)
        elif guide is not None and guide.newcomers == "latest_start":
            key = (0, float(latest[t]), -order.priority, t)
        elif guide is not None and guide.newcomers == "first":
            key = (-1, float(latest[t]), -order.priority, t)
        else:
            key = (1, rank(task_order[t]), -order.priority, t)
        heapq.heappush(ready, key)

    fixed = [t for t, task in enumerate(problem.tasks) if task.fixed is not None]
    for t in sorted(fixed, key=lambda t: problem.tasks[t].fixed.start):  # type: ignore[union-attr]
        task = problem.tasks[t]
        assert task.fixed is not None
        placements[t] = task.fixed
        timelines[task.fixed.machine].book(task.fixed.start, task.fixed.end)
        if task.fixed.machine in setups:
            setups[task.fixed.machine] = (task.fixed.end, task.family)
        for resource, amount in task.uses:
            pools[resource].bookings.append((task.fixed.start, task.fixed.end, amount))
        for material, quantity in task.consumes:
            stocks[material].taken.append((task.fixed.start, quantity))
        for s in problem.successors[t]:
            waiting[s] -= 1
    for t, task in enumerate(problem.tasks):
        if task.fixed is None and waiting[t] == 0:
            release(t)

    while ready:
        *_, t = heapq.heappop(ready)
        task = problem.tasks[t]
        earliest = task.release
        for p in task.predecessors:
            done = placements[p]
            assert done is not None
            earliest = max(earliest, done.end + task.min_wait)
        modes = task.modes
        if t in slots:
            planned = [m for m in task.modes if m.machine == slots[t].machine]
            modes = tuple(planned) or modes
            if guide is not None and guide.keep_starts:
                earliest = max(earliest, slots[t].start)
        best: Placement | None = None
        for mode in modes:
            candidate = _place(
                problem, task, mode, earliest, timelines, pools, stocks, setups
            )
            if candidate is not None and (best is None or candidate.end < best.end):
                best = candidate
        if best is None:
            raise RuntimeError(
                f"dispatch could not place {problem.orders[task.order].id}/"
                f"{task.operation} within the modelled calendar span"
            )
        placements[t] = best
        timelines[best.machine].book(best.start, best.end)
        if best.machine in setups:
            setups[best.machine] = (best.end, task.family)
        for resource, amount in task.uses:
            pools[resource].bookings.append((best.start, best.end, amount))
        for material, quantity in task.consumes:
            stocks[material].taken.append((best.start, quantity))
        for s in problem.successors[t]:
            waiting[s] -= 1
            if waiting[s] == 0 and problem.tasks[s].fixed is None:
                release(s)
    if any(p is None for p in placements):
        raise RuntimeError("dispatch left a task unplaced: the routing has a cycle")
    return Solution(tuple(p for p in placements if p is not None))
