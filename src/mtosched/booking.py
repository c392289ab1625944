"""The shop floor as the dispatch rule fills it: machines, crews and stock.

Each booking can be taken back, so that the rule can try a placement of an
operation and its maximum-wait followers together and shift the lot when a
follower would wait too long.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from mtosched.problem.model import MaterialInfo, Mode, Placement, Problem, Task


class Timeline:
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
        """Mark `[start, end)` busy."""
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)

    def unbook(self, start: int, end: int) -> None:
        """Free a booking made with `book`."""
        index = bisect.bisect_left(self.starts, start)
        while self.ends[index] != end or self.starts[index] != start:
            index += 1
        del self.starts[index], self.ends[index]


class Pool:
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


class Stock:
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


@dataclass(frozen=True)
class Booking:
    """One task's booking and what it replaced, to take it back."""

    task: int
    placement: Placement
    previous_setup: tuple[int, str | None] | None


class Floor:
    """Every machine's, crew's and material's bookings so far."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.timelines = [Timeline() for _ in problem.machines]
        self.pools = [Pool(r.capacity) for r in problem.resources]
        demand = [0] * len(problem.materials)
        for task in problem.tasks:
            for material, quantity in task.consumes:  # none for running work
                demand[material] += quantity
        self.stocks = [Stock(m, demand[k]) for k, m in enumerate(problem.materials)]
        # machine -> (end of its last task, family it is set up for)
        self.setups = {
            m: (0, info.initial_family)
            for m, info in enumerate(problem.machines)
            if info.changeovers is not None
        }

    def book(self, t: int, placement: Placement) -> Booking:
        """Take machine, crews and stock for task `t` at `placement`."""
        task = self.problem.tasks[t]
        machine = placement.machine
        previous = self.setups.get(machine)
        self.timelines[machine].book(placement.start, placement.end)
        if machine in self.setups:
            self.setups[machine] = (placement.end, task.family)
        for resource, amount in task.uses:
            self.pools[resource].bookings.append(
                (placement.start, placement.end, amount)
            )
        for material, quantity in task.consumes:
            self.stocks[material].taken.append((placement.start, quantity))
        return Booking(t, placement, previous)

    def unbook(self, booking: Booking) -> None:
        """Take a booking back (the latest ones first)."""
        task = self.problem.tasks[booking.task]
        place = booking.placement
        self.timelines[place.machine].unbook(place.start, place.end)
        if booking.previous_setup is not None:
            self.setups[place.machine] = booking.previous_setup
        for resource, amount in task.uses:
            self.pools[resource].bookings.remove((place.start, place.end, amount))
        for material, quantity in task.consumes:
            self.stocks[material].taken.remove((place.start, quantity))

    def earliest(self, task: Task, mode: Mode, earliest: int) -> Placement | None:
        """The earliest placement of `task` in `mode` from `earliest` on."""
        problem = self.problem
        start: int | None = earliest
        info = problem.machines[mode.machine]
        if info.changeovers is not None:
            # Changeover machines are filled in order (no gap insertion), so the
            # changeover from the last family is known when placing.
            last_end, last_family = self.setups[mode.machine]
            minutes = problem.changeovers[info.changeovers].minutes(
                last_family, task.family
            )
            start = problem.setup_ready(mode.machine, max(last_end, 0), minutes)
            start = None if start is None else max(start, earliest)
        for _ in range(100_000):
            start = (
                problem.earliest_start(task, mode, start) if start is not None else None
            )
            if start is None:
                return None
            end = problem.end_of(task, mode, start)
            if end is None:
                return None
            retry = self.timelines[mode.machine].conflict_end(start, end)
            for resource, amount in task.uses:
                if retry is None:
                    retry = self.pools[resource].blocked_until(start, end, amount)
            for material, quantity in task.consumes:
                if retry is None:
                    ready = self.stocks[material].earliest(start, quantity)
                    if ready is None:
                        return None
                    retry = ready if ready > start else None
            if retry is None:
                return Placement(mode.machine, start, end)
            start = max(retry, start + 1)
        return None
