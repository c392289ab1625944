"""What the plant was doing at each minute of one solution.

Indexes a solution by machine, resource, material and calendar so that the
attribution in `attribution.py` can ask "who held PAINT-1 at minute m?",
"how much of the trim crew was taken over [m, e)?" or "from when could
8 hides be taken?" in logarithmic time. Pure Python, no solver.

A machine holds units, as the checker sees them: on a batch machine a
load (the tasks that start together, changed over into once, rule 18),
elsewhere one task. So a load's changeover belongs to every member, and a
member is never held up by its own load.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection
from dataclasses import dataclass

from mtosched.problem.model import Problem
from mtosched.problem.parts import Mode, Task
from mtosched.problem.solution import Solution
from mtosched.schedule_mapping import batch_ids
from mtosched.verify.sequences import changeovers, machine_units


def is_frozen(task: Task) -> bool:
    """Fixed by the previous plan's frozen horizon (not running on the floor)."""
    return task.fixed is not None and bool(getattr(task, "frozen", False))


def is_running(task: Task) -> bool:
    """Already running on the floor at the planning start."""
    return task.fixed is not None and not is_frozen(task)


@dataclass(frozen=True, slots=True)
class Busy:
    """One unit on a machine: busy from `since` (its changeover) to `end`.

    `members` are the tasks that run in it (a load on a batch machine, else
    one task), in index order; `task` is the first, which stands for it.
    """

    task: int
    since: int
    start: int
    end: int
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Arrival:
    """A supply event of a material: a receipt, stock, or the lead-time buy."""

    minute: int
    quantity: int | None  # None: any quantity (bought with the lead time)


class Occupancy:
    """Machines, resources, materials and calendars of one solution, indexed."""

    def __init__(self, problem: Problem, solution: Solution) -> None:
        self.problem = problem
        self.solution = solution
        units = machine_units(problem, solution)
        #: Changeover start and the unit before (its first task), per task:
        #: every member of a load has its load's.
        self.setup_start: dict[int, int] = {}
        self.setup_after: dict[int, int | None] = {}
        for change in changeovers(problem, solution, units):
            place = solution.placements[change.task]
            since = problem.setup_start(place.machine, place.start, change.minutes)
            for t in change.served:
                self.setup_start[t] = since
                self.setup_after[t] = change.previous
        self.machines: list[list[Busy]] = [[] for _ in problem.machines]
        #: The unit each task runs in.
        self.unit: dict[int, Busy] = {}
        for machine, sequence in units.items():
            for unit in sequence:
                since = self.setup_start.get(unit.lead, unit.start)
                busy = Busy(unit.lead, since, unit.start, unit.end, unit.members)
                self.machines[machine].append(busy)
                self.unit.update(dict.fromkeys(unit.members, busy))
        #: `OVEN-1/3` for each task on a batch machine, as the schedule says.
        self.batch_ids = batch_ids(problem, solution)
        for row in self.machines:
            row.sort(key=lambda b: (b.since, b.task))
        self._since = [[b.since for b in row] for row in self.machines]
        self.holders: list[list[tuple[int, int, int, int]]] = [
            [] for _ in problem.resources
        ]
        for t, task in enumerate(problem.tasks):
            place = solution.placements[t]
            for r, amount in task.uses:
                self.holders[r].append((place.start, place.end, amount, t))
        self._starts = [[a for a, _ in c.periods] for c in problem.calendars]

    # -- tasks -------------------------------------------------------------

    def mode(self, t: int) -> Mode | None:
        """The mode a task runs in (None if its machine is not among them)."""
        machine = self.solution.placements[t].machine
        return next(
            (m for m in self.problem.tasks[t].modes if m.machine == machine), None
        )

    def name(self, t: int) -> str:
        """`order/operation` of a task."""
        task = self.problem.tasks[t]
        return f"{self.problem.orders[task.order].id}/{task.operation}"

    # -- calendars ---------------------------------------------------------

    def working(self, calendar: int | None, minute: int) -> bool:
        """Whether a calendar (None: around the clock) works at `minute`."""
        return calendar is None or self.problem.calendars[calendar].is_working(minute)

    def gap(self, calendar: int, minute: int) -> tuple[int | None, int | None]:
        """The non-working gap around `minute`: previous end, next start."""
        periods = self.problem.calendars[calendar].periods
        k = bisect.bisect_right(self._starts[calendar], minute) - 1
        before = periods[k][1] if k >= 0 else None
        after = periods[k + 1][0] if k + 1 < len(periods) else None
        return before, after

    def boundaries(self, calendar: int | None, lo: int, hi: int) -> list[int]:
        """Minutes in `(lo, hi)` where the calendar starts or stops working."""
        if calendar is None:
            return []
        periods = self.problem.calendars[calendar].periods
        k = max(bisect.bisect_right(self._starts[calendar], lo) - 1, 0)
        found: list[int] = []
        while k < len(periods) and periods[k][0] < hi:
            found.extend(x for x in periods[k] if lo < x < hi)
            k += 1
        return found

    # -- machines ----------------------------------------------------------

    def machine_at(self, machine: int, minute: int, exclude: int) -> Busy | None:
        """Another unit holding the machine (changeover included) at `minute`.

        `exclude`'s own unit (its load) does not count.
        """
        row = self.machines[machine]
        k = bisect.bisect_right(self._since[machine], minute) - 1
        while k >= 0:
            busy = row[k]
            mine = exclude in busy.members
            if not mine and busy.since <= minute < busy.end:
                return busy
            if busy.end <= minute and not mine:
                # units on one machine do not overlap: nothing earlier reaches
                return None
            k -= 1
        return None

    def machine_collision(
        self, machine: int, lo: int, hi: int, exclude: int
    ) -> Busy | None:
        """The first other unit whose busy time overlaps `[lo, hi)`."""
        row = self.machines[machine]
        k = max(bisect.bisect_right(self._since[machine], lo) - 1, 0)
        while k < len(row) and row[k].since < hi:
            busy = row[k]
            if exclude not in busy.members and busy.end > lo:
                return busy
            k += 1
        return None

    def machine_edges(self, machine: int, lo: int, hi: int) -> list[int]:
        """Minutes in `(lo, hi)` where the machine's occupation changes."""
        row = self.machines[machine]
        k = max(bisect.bisect_right(self._since[machine], lo) - 1, 0)
        found: list[int] = []
        while k < len(row) and row[k].since < hi:
            found.extend(x for x in (row[k].since, row[k].start, row[k].end))
            k += 1
        return [x for x in found if lo < x < hi]

    # -- resources ---------------------------------------------------------

    def held(
        self, resource: int, lo: int, hi: int, exclude: Collection[int]
    ) -> tuple[int, set[int]]:
        """The peak held in `[lo, hi)` by tasks not in `exclude`, and by whom."""
        events: list[tuple[int, int, int]] = []
        for start, end, amount, t in self.holders[resource]:
            if t not in exclude and start < hi and end > lo:
                events.append((max(start, lo), amount, t))
                events.append((end, -amount, t))
        peak, holders = 0, set[int]()
        level, current = 0, set[int]()
        # releases before acquisitions at one minute: holdings are [start, end)
        for _, change, t in sorted(events, key=lambda e: (e[0], e[1])):
            level += change
            if change > 0:
                current.add(t)
            else:
                current.discard(t)
            if level > peak:
                peak, holders = level, set(current)
        return peak, holders

    def resource_edges(self, resource: int, lo: int, hi: int) -> list[int]:
        """Minutes in `(lo, hi)` where someone takes or returns the resource."""
        found = [x for s, e, _, _ in self.holders[resource] for x in (s, e)]
        return [x for x in found if lo < x < hi]

    # -- materials ---------------------------------------------------------

    def arrivals(self, material: int) -> list[Arrival]:
        """Stock (minute 0), receipts, and the lead-time buy, in time order."""
        info = self.problem.materials[material]
        found = [Arrival(at, quantity) for at, quantity in info.supply]
        if info.lead_time is not None:
            found.append(Arrival(info.lead_time, None))
        return sorted(found, key=lambda a: a.minute)

    def material_ready(self, material: int, t: int, quantity: int, lo: int) -> int:
        """The first minute in `[lo, start]` from which task t could take its share.

        Taking `quantity` at minute m instead of at its start s is possible
        when, at every minute in `[m, s)`, arrivals so far minus what other
        tasks took so far leave at least `quantity` (receipts count before
        takings at one minute, contract rule 13). The answer is `lo` when
        the material never held the task back.
        """
        start = self.solution.placements[t].start
        events: list[tuple[int, int, int]] = []
        for arrival in self.arrivals(material):
            amount = arrival.quantity
            if amount is None:  # the lead-time buy covers any demand
                amount = sum(
                    q
                    for task in self.problem.tasks
                    for k, q in task.consumes
                    if k == material
                )
            events.append((arrival.minute, 0, amount))
        for x, task in enumerate(self.problem.tasks):
            if x == t or is_running(task):
                continue  # running work took its material before the start
            for k, q in task.consumes:
                if k == material:
                    events.append((self.solution.placements[x].start, 1, -q))
        events.sort()
        level, ready = 0, lo
        for k, (minute, _, change) in enumerate(events):
            level += change
            if minute >= start:
                break
            following = events[k + 1][0] if k + 1 < len(events) else start
            if following == minute:
                continue  # the level holds for no minute before the next event
            if level < quantity and following > lo:
                ready = max(ready, min(following, start))
        first = events[0][0] if events else start
        if first > lo and quantity > 0:
            ready = max(ready, min(first, start))  # nothing at all before it
        return ready
