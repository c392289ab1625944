"""Schedules under the contract's rules from a task order: replay and EDD.

A small serial list scheduler: tasks are placed one at a time, each at the
end of its machine's sequence so far, at the earliest start the contract
allows after its predecessors (plus the minimum wait), its release, the
previous task on the machine and the changeover from it (machine working
minutes, rule 10), on working time of its mode's calendar (interruptible
work pauses over breaks, uninterruptible work fits one period) and within
the capacity of its crews and tools. No gaps are filled: the order given is
the machine sequence kept.

- `replay` keeps a schedule's machine choices and machine sequences (the
  peer's) and left-shifts it under mtosched's rules, so that a plan made
  under other rules is judged by what it gives in the plant.
- `serial_edd` is the textbook EDD list schedule (due date, deadline if
  earlier, then priority; the machine where the task ends first), a hint
  for the peer valid under its rules too: they are the contract's, with
  changeovers allowed in breaks. With `pause=False` no operation on a
  calendar pauses, the peer's restriction in that mode.

Neither handles maximum waits, materials or running work; the checker
(`mtosched.verify.check`) judges every schedule they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mtosched import Problem, Solution
from mtosched.problem.parts import Mode, Placement, Task


class ReplayError(Exception):
    """A schedule could not be built (a calendar ran out, an order loops)."""


@dataclass
class _Floor:
    """What is placed so far: machine tails and crew bookings."""

    problem: Problem
    pause: bool = True
    tail: dict[int, tuple[int, str | None]] = field(default_factory=dict)
    held: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    placements: dict[int, Placement] = field(default_factory=dict)

    def _start(self, task: Task, mode: Mode, minute: int) -> int | None:
        if mode.calendar is not None and not self.pause:
            return self.problem.calendars[mode.calendar].next_fit(minute, mode.duration)
        return self.problem.earliest_start(task, mode, minute)

    def _end(self, task: Task, mode: Mode, start: int) -> int | None:
        if mode.calendar is not None and not self.pause:
            return start + mode.duration
        return self.problem.end_of(task, mode, start)

    def _crew_clash(self, task: Task, start: int, end: int) -> int | None:
        """The first booking end after `start` that relieves an over-full crew."""
        for resource, amount in task.uses:
            capacity = self.problem.resources[resource].capacity
            bookings = [b for b in self.held.get(resource, []) if b[0] < end]
            overlapping = [b for b in bookings if b[1] > start]
            events = sorted(
                [(max(s, start), a) for s, _, a in overlapping]
                + [(e, -a) for _, e, a in overlapping if e < end]
            )
            level = amount
            for _, change in events:
                level += change
                if level > capacity:
                    return min(e for _, e, _ in overlapping)
        return None

    def fit(self, t: int, mode: Mode, earliest: int) -> Placement:
        """Where task `t` goes on `mode` at the end of its machine's sequence."""
        problem, task = self.problem, self.problem.tasks[t]
        machine = mode.machine
        after, family = self.tail.get(machine, (0, None))
        info = problem.machines[machine]
        if machine not in self.tail:
            family = info.initial_family
        minutes = 0
        if info.changeovers is not None:
            minutes = problem.changeovers[info.changeovers].minutes(family, task.family)
        ready = problem.setup_ready(machine, after, minutes)
        minute = max(earliest, after if ready is None else ready)
        while True:
            start = self._start(task, mode, minute)
            end = None if start is None else self._end(task, mode, start)
            if start is None or end is None:
                raise ReplayError(f"task {t}: its calendar ends before it fits")
            clash = self._crew_clash(task, start, end)
            if clash is None:
                return Placement(machine, start, end)
            minute = max(clash, start + 1)

    def book(self, t: int, place: Placement) -> None:
        """Append task `t` to its machine and its crews."""
        task = self.problem.tasks[t]
        self.tail[place.machine] = (place.end, task.family)
        for resource, amount in task.uses:
            self.held.setdefault(resource, []).append((place.start, place.end, amount))
        self.placements[t] = place

    def earliest(self, t: int) -> int:
        """Release and predecessors (with the minimum wait) of task `t`."""
        task = self.problem.tasks[t]
        ends = [self.placements[p].end + task.min_wait for p in task.predecessors]
        return max([0, task.release, *ends])

    def solution(self) -> Solution:
        """The placements as a solution, in task order."""
        return Solution(
            tuple(self.placements[t] for t in range(len(self.problem.tasks)))
        )


def replay(problem: Problem, placements: Sequence[Sequence[int]]) -> Solution:
    """Left-shift a schedule's machine sequences under the contract's rules.

    `placements` holds [machine, start, end] per task. Tasks are taken in
    the order of their starts there (a topological order of precedences and
    machine sequences alike, durations being positive), keep their machine
    and go to the earliest start the contract allows at the end of it.
    """
    floor = _Floor(problem)
    order = sorted(range(len(problem.tasks)), key=lambda t: (placements[t][1], t))
    for t in order:
        missing = [
            p for p in problem.tasks[t].predecessors if p not in floor.placements
        ]
        if missing:
            raise ReplayError(f"task {t} starts before its predecessor {missing[0]}")
        machine = placements[t][0]
        mode = next(m for m in problem.tasks[t].modes if m.machine == machine)
        floor.book(t, floor.fit(t, mode, floor.earliest(t)))
    return floor.solution()


def serial_edd(problem: Problem, *, pause: bool = True) -> Solution:
    """The serial EDD list schedule (see the module docstring)."""
    floor = _Floor(problem, pause=pause)

    def urgency(t: int) -> tuple[int, int, int]:
        order = problem.orders[problem.tasks[t].order]
        due = order.due if order.deadline is None else min(order.due, order.deadline)
        return (due, -order.priority, t)

    waiting = [len(task.predecessors) for task in problem.tasks]
    ready = sorted((t for t, n in enumerate(waiting) if n == 0), key=urgency)
    while ready:
        t = ready.pop(0)
        earliest = floor.earliest(t)
        places = [floor.fit(t, m, earliest) for m in problem.tasks[t].modes]
        floor.book(t, min(places, key=lambda p: (p.end, p.start, p.machine)))
        for s in problem.successors[t]:
            waiting[s] -= 1
            if waiting[s] == 0:
                ready.append(s)
        ready.sort(key=urgency)
    if len(floor.placements) != len(problem.tasks):
        raise ReplayError("the precedences form a cycle")
    return floor.solution()
