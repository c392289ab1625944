"""Time windows and the horizon: tight domains instead of extra constraints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement, Task, lot_minutes
from mtosched.problem.solution import Solution


@dataclass(frozen=True)
class Windows:
    """Per task: earliest start (`head`), minimum work after its end (`tail`).

    `latest_end`, when not empty, caps each task's end further: in a
    neighbourhood, by the pinned work after it.
    """

    horizon: int
    head: tuple[int, ...]
    tail: tuple[int, ...]
    order_floor: tuple[int, ...]
    latest_end: tuple[int, ...] = ()

    def end_cap(self, t: int) -> int:
        """The latest end of task `t` that leaves room for the work after it."""
        cap = self.horizon - self.tail[t]
        return min(cap, self.latest_end[t]) if self.latest_end else cap


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


def planning_horizon(problem: Problem, heuristic: Solution | None) -> int:
    """The horizon the model uses: safe, or capped near a known schedule.

    `problem.horizon` bounds every active schedule, but on calendars it
    assumes the worst wait for every task and can be months long, which
    bloats domains. With a heuristic schedule at hand the model ends at its
    makespan (or the latest due date or release, if later) plus twice the
    longest wait-and-run of any one task: optimal then means optimal among
    schedules ending by that horizon, which `solver.horizon` reports.
    """
    if heuristic is None:
        return problem.horizon
    latest = max(
        [
            *(p.end for p in heuristic.placements),
            *(o.due for o in problem.orders),
            *(o.deadline for o in problem.orders if o.deadline is not None),
            *(t.release for t in problem.tasks),
            *(problem.baseline.latest_start if problem.baseline else ()),
        ],
        default=0,
    )
    makespan = max((p.end for p in heuristic.placements), default=0)
    # never below the heuristic's own end: where the safe horizon had to be
    # cut to fit the calendars, the hint must still be a schedule of the model
    return max(min(problem.horizon, latest + 2 * problem.longest_step), makespan)


def last_lot_work(task: Task) -> list[int]:
    """Per mode of a transfer task, the work its last lot leaves after arrival."""
    return [lot_minutes(mode, task) for mode in task.modes]


def _first_lot_work(problem: Problem, p: int, s: int) -> int:
    """The fewest working minutes `p` works before `s`'s first lot can start.

    A lower bound in elapsed minutes too: elapsed time is at least the
    working time it holds. On a batch machine `p` hands on at its end.
    """
    pred, succ = problem.tasks[p], problem.tasks[s]
    return min(
        mode.duration
        if problem.machines[mode.machine].batches
        else mode.setup + lot_minutes(mode, succ)
        for mode in pred.modes
    )


def compute_windows(problem: Problem, heuristic: Solution | None = None) -> Windows:
    """Heads and tails of every task, within the planning horizon."""
    tasks = problem.tasks
    order = topological_order(problem)
    horizon = planning_horizon(problem, heuristic)
    head = [0] * len(tasks)
    head_end = [0] * len(tasks)
    for t in order:
        task = tasks[t]
        if task.fixed is not None:
            head[t], head_end[t] = task.fixed.start, task.fixed.end
            continue
        earliest = task.release
        for p in task.predecessors:
            if task.transfer is not None:
                # a transfer lot may start once the first lot is done (rule 21)
                earliest = max(earliest, head[p] + _first_lot_work(problem, p, t))
            else:
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
            after = last_lot_work(succ) if succ.transfer is not None else None
            work = succ.min_duration if after is None else min(after)
            tail[t] = max(tail[t], succ.min_wait + work + tail[s])
    order_floor = tuple(max(head_end[t] for t in o.tasks) for o in problem.orders)
    return Windows(horizon, tuple(head), tuple(tail), order_floor)


def narrowed(
    problem: Problem, windows: Windows, pinned: Mapping[int, Placement]
) -> Windows:
    """Windows of the free tasks of a neighbourhood, between the pinned work.

    A free task starts after its pinned predecessors end and ends before
    its pinned successors start, and chains of free tasks pass those limits
    on with their shortest durations. Tight windows mean small start
    domains on calendars and few possible neighbours on changeover machines.
    """
    tasks = problem.tasks
    order = topological_order(problem)
    head = list(windows.head)
    for t in order:
        task = tasks[t]
        if t in pinned or task.fixed is not None:
            continue
        for p in task.predecessors:
            placed = pinned.get(p) or tasks[p].fixed
            if task.transfer is not None:
                ready = (
                    problem.first_lot_done(p, placed, t)
                    if placed
                    else head[p] + _first_lot_work(problem, p, t)
                )
                head[t] = max(head[t], ready)
                continue
            end = placed.end if placed else head[p] + tasks[p].min_duration
            head[t] = max(head[t], end + task.min_wait)
    latest_end = [windows.horizon - tail for tail in windows.tail]
    for t in reversed(order):
        if t in pinned or tasks[t].fixed is not None:
            continue
        for s in problem.successors[t]:
            succ = tasks[s]
            placed = pinned.get(s) or succ.fixed
            if succ.transfer is not None:
                # the last lot arrives at t's end and must still be processed
                if placed:
                    mode = problem.mode_on(succ, placed.machine)
                    work = lot_minutes(mode, succ)
                    bound = problem.before_work(mode.calendar, placed.end, work)
                else:
                    bound = latest_end[s] - min(last_lot_work(succ))
                latest_end[t] = min(latest_end[t], bound)
                continue
            start = placed.start if placed else latest_end[s] - succ.min_duration
            latest_end[t] = min(latest_end[t], start - succ.min_wait)
    return replace(windows, head=tuple(head), latest_end=tuple(latest_end))
