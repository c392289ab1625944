"""The shop floor as the dispatch rule fills it: machines, crews and stock.

Every machine takes work into any gap it fits, changeover machines too: a
gap is usable when the changeover from the work before it and the one into
the work after it both still fit (contract rule 10). Placing into gaps
rather than after the last booking is what keeps a due-date-ordered list
schedule from leaving the bottleneck idle. Each booking can be taken back,
so that the rule can try an operation and its maximum-wait followers
together and shift the lot when a follower would wait too long.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from mtosched.heuristic.levels import Profile, Stock
from mtosched.problem.model import Problem
from mtosched.problem.parts import ChangeoverMatrix, Mode, Placement, Task


class Timeline:
    """Bookings of one machine, kept sorted by start; they never overlap.

    `chained` is the last booking of the leading run whose gaps are all too
    short for any task this machine can still take (`unusable`): a start
    inside that run can jump to its end. A busy machine is mostly such a
    run, and without the jump the search for a gap walked it booking by
    booking (4,250 operations on 8 machines: 776,000 steps).
    """

    def __init__(self, unusable: Callable[[int, int], bool] | None = None) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.tasks: list[int] = []
        self.unusable = unusable
        self.chained = -1

    def book(self, start: int, end: int, task: int) -> None:
        """Mark `[start, end)` busy with `task`."""
        index = bisect.bisect_right(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        self.tasks.insert(index, task)
        if self.unusable is None:
            return
        if index == 0 and self.chained >= 0:
            # a new first booking: the run goes on through it if the gap is short
            self.chained = self.chained + 1 if self._short(0) else 0
        elif index <= self.chained + 1:
            self.chained = max(index - 1, 0)
        self._extend()

    def unbook(self, task: int, start: int) -> None:
        """Free the booking of `task` made with `book`."""
        index = bisect.bisect_left(self.starts, start)
        while self.tasks[index] != task:
            index += 1
        del self.starts[index], self.ends[index], self.tasks[index]
        if self.unusable is None:
            return
        if index == 0:
            self.chained = min(self.chained - 1, len(self.starts) - 1)
        elif index <= self.chained:
            self.chained = index - 1  # the merged gap may be usable now
        self._extend()

    def _short(self, k: int) -> bool:
        """Whether the gap after booking k is too short for any task."""
        assert self.unusable is not None
        return self.unusable(self.ends[k], self.starts[k + 1])

    def _extend(self) -> None:
        if self.chained < 0 and self.starts:
            self.chained = 0
        while self.chained + 1 < len(self.starts) and self._short(self.chained):
            self.chained += 1

    def past_run(self, start: int) -> int:
        """`start`, or the end of the leading run when `start` falls inside it."""
        if self.chained >= 0 and self.starts[0] <= start < self.ends[self.chained]:
            return self.ends[self.chained]
        return start


@dataclass(frozen=True)
class Booking:
    """One task's booking, to take it back."""

    task: int
    placement: Placement


@dataclass
class Batch:
    """Tasks that run together on a batch machine (rules 18-20).

    All members share `[start, end)`; the timeline holds one booking for
    the batch, under the task `key`. Members share one family and one
    working time (`calendar`), so that the batch's duration is its longest
    member's and a member that joins never lengthens it.
    """

    start: int
    end: int
    family: str | None
    calendar: int | None
    key: int
    members: list[int]
    used: int
    interruptible: bool


class Floor:
    """Every machine's, crew's and material's bookings so far."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.timelines = [
            Timeline(self._gap_test(m)) for m in range(len(problem.machines))
        ]
        self.profiles = [Profile(r.capacity) for r in problem.resources]
        demand = [0] * len(problem.materials)
        for task in problem.tasks:
            for material, quantity in task.consumes:  # none for running work
                demand[material] += quantity
        self.stocks = [Stock(m, demand[k]) for k, m in enumerate(problem.materials)]
        self.matrices: list[ChangeoverMatrix | None] = [
            problem.changeovers[info.changeovers]
            if info.changeovers is not None
            else None
            for info in problem.machines
        ]
        #: Per batch machine, its batches by start (empty for other machines).
        self.batches: list[dict[int, Batch]] = [{} for _ in problem.machines]

    def _gap_test(self, machine: int) -> Callable[[int, int], bool] | None:
        """Whether a gap `[after, before)` on `machine` is too short for any task.

        The shortest processing time of the free tasks the machine may run
        bounds every placement from below, in working minutes of the
        machine's calendar (an operation's calendar lies within it).
        """
        problem = self.problem
        shortest = problem.shortest_free_work[machine]
        if shortest is None:
            return None

        def unusable(after: int, before: int) -> bool:
            return problem.changeover_gap(machine, after, before) < shortest

        return unusable

    def book(self, t: int, placement: Placement) -> Booking:
        """Take machine, crews and stock for task `t` at `placement`.

        On a batch machine a placement at a batch's start joins that batch.
        """
        task = self.problem.tasks[t]
        machine = self.problem.machines[placement.machine]
        if machine.batches:
            self._book_batch(t, task, placement)
        else:
            self.timelines[placement.machine].book(placement.start, placement.end, t)
        for resource, amount in task.uses:
            self.profiles[resource].add(placement.start, placement.end, amount)
        for material, quantity in task.consumes:
            self.stocks[material].take(placement.start, quantity)
        return Booking(t, placement)

    def unbook(self, booking: Booking) -> None:
        """Take a booking back."""
        task = self.problem.tasks[booking.task]
        place = booking.placement
        if self.problem.machines[place.machine].batches:
            self._unbook_batch(booking.task, task, place)
        else:
            self.timelines[place.machine].unbook(booking.task, place.start)
        for resource, amount in task.uses:
            self.profiles[resource].add(place.start, place.end, -amount)
        for material, quantity in task.consumes:
            self.stocks[material].give_back(place.start, quantity)

    def _book_batch(self, t: int, task: Task, placement: Placement) -> None:
        batches = self.batches[placement.machine]
        machine = self.problem.machines[placement.machine]
        batch = batches.get(placement.start)
        if batch is None:
            mode = next(m for m in task.modes if m.machine == placement.machine)
            batches[placement.start] = Batch(
                placement.start,
                placement.end,
                task.family,
                mode.calendar,
                t,
                [t],
                machine.batch_size(task),
                task.interruptible,
            )
            self.timelines[placement.machine].book(placement.start, placement.end, t)
            return
        assert placement.end == batch.end, "a member runs the whole batch"
        batch.members.append(t)
        batch.used += machine.batch_size(task)
        batch.interruptible = batch.interruptible and task.interruptible

    def _unbook_batch(self, t: int, task: Task, place: Placement) -> None:
        batches = self.batches[place.machine]
        batch = batches[place.start]
        batch.members.remove(t)
        batch.used -= self.problem.machines[place.machine].batch_size(task)
        line = self.timelines[place.machine]
        if not batch.members:
            del batches[place.start]
            line.unbook(t, place.start)
            return
        batch.interruptible = all(
            self.problem.tasks[m].interruptible for m in batch.members
        )
        if batch.key == t:  # the timeline's booking goes on under another member
            line.unbook(t, place.start)
            batch.key = batch.members[0]
            line.book(batch.start, batch.end, batch.key)

    def joinable(self, task: Task, mode: Mode, earliest: int) -> Placement | None:
        """The earliest-ending batch on `mode`'s machine that `task` may join.

        It must start at or after `earliest`, hold `task`'s family and
        working time, have room, and last at least `task`'s own work (so
        that joining changes no member's times); crews must be free for the
        whole batch and material there at its start.
        """
        problem = self.problem
        machine = problem.machines[mode.machine]
        size = machine.batch_size(task)
        capacity = machine.batch_capacity
        assert capacity is not None
        best: Batch | None = None
        for batch in self.batches[mode.machine].values():
            if (
                batch.start < earliest
                or batch.family != task.family
                or batch.calendar != mode.calendar
                or batch.used + size > capacity
                or (best is not None and batch.end >= best.end)
            ):
                continue
            own_end = problem.end_of(task, mode, batch.start)
            if own_end is None or own_end > batch.end:
                continue
            if not task.interruptible and mode.calendar is not None:
                hours = problem.calendars[mode.calendar]
                if not hours.fitting_period(batch.start, batch.end - batch.start):
                    continue
            shared = self._shared_retry(task, batch.start, batch.end)
            if shared is None:
                best = batch
        if best is None:
            return None
        return Placement(mode.machine, best.start, best.end)

    def earliest(
        self,
        task: Task,
        mode: Mode,
        earliest: int,
        *,
        ends_before: int | None = None,
        ends_after: int | None = None,
    ) -> Placement | None:
        """The earliest placement of `task` in `mode` from `earliest` on.

        With `ends_before`, a placement that would not end before it is not
        looked for (None): another mode already ends sooner. With
        `ends_after`, the placement ends no earlier (a transfer lot's last
        units must still be processed, rule 21).

        Each failed test moves the start to the first moment that could
        pass it (the end of a clashing booking, the earliest start after a
        changeover, a crew's release), so the loop ends after a number of
        steps bounded by the bookings it passes.
        """
        problem = self.problem
        machine = mode.machine
        line = self.timelines[machine]
        matrix = self.matrices[machine]
        start: int | None = earliest
        while start is not None:
            run = problem.first_run(task, mode, line.past_run(start))
            if run is None:
                return None
            start, end = run
            if ends_before is not None and end >= ends_before:
                return None  # later starts of this mode end later still
            if ends_after is not None and end < ends_after:
                start += ends_after - end  # then look again from there
                continue
            k = bisect.bisect_right(line.starts, start)  # bookings before: [0, k)
            if k > 0 and line.ends[k - 1] > start:
                start = line.ends[k - 1]
                continue
            if k < len(line.starts) and line.starts[k] < end:
                start = max(line.ends[k], start + 1)
                continue
            if matrix is not None:
                retry = self._changeover_retry(task, machine, matrix, k, start, end)
                if retry is not None:
                    if retry == -1:
                        return None
                    start = retry
                    continue
            retry = self._shared_retry(task, start, end)
            if retry == -1:
                return None
            if retry is None:
                return Placement(machine, start, end)
            start = max(retry, start + 1)
        return None

    def _changeover_retry(
        self,
        task: Task,
        machine: int,
        matrix: ChangeoverMatrix,
        k: int,
        start: int,
        end: int,
    ) -> int | None:
        """None when the changeovers on both sides of the gap fit, else a retry.

        -1 means never (the calendar ends before the changeover does).
        """
        problem, line = self.problem, self.timelines[machine]
        if k > 0:
            before = problem.tasks[line.tasks[k - 1]]
            after, family = line.ends[k - 1], before.family
        else:
            after, family = 0, problem.machines[machine].initial_family
        minutes = 0 if task.set_up else matrix.minutes(family, task.family)
        if minutes:
            ready = problem.setup_ready(machine, max(after, 0), minutes)
            if ready is None:
                return -1
            if start < ready:
                return ready
        if k < len(line.starts):
            following = problem.tasks[line.tasks[k]]
            minutes = (
                0 if following.set_up else matrix.minutes(task.family, following.family)
            )
            if (
                minutes
                and problem.changeover_gap(machine, end, line.starts[k]) < minutes
            ):
                return max(line.ends[k], start + 1)  # the next gap
        return None

    def _shared_retry(self, task: Task, start: int, end: int) -> int | None:
        """None when crews and stock allow `[start, end)`; a retry; -1 for never."""
        for resource, amount in task.uses:
            retry = self.profiles[resource].blocked_until(start, end, amount)
            if retry is not None:
                return retry
        for material, quantity in task.consumes:
            ready = self.stocks[material].earliest(start, quantity)
            if ready is None:
                return -1
            if ready > start:
                return ready
        return None
