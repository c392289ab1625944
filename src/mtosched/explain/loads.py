"""Batch loads seen from one member: when the others could go in, and the run.

On a batch machine the members of a load start together and all stay in
until its longest member is done (rule 18). A member ready early therefore
waits for the last of the others (`batch_wait` in `attribution.py`), and
whether it could have started at some minute depends on the whole load:
its longest run in the members' shared working time, every member's crew,
and the next load on the machine. Elsewhere a load is one task.
"""

from __future__ import annotations

from mtosched.explain.occupancy import Occupancy
from mtosched.explain.readiness import readiness
from mtosched.problem.worktime import WorkingTime, intersect_periods


def member_ready(occ: Occupancy, t: int) -> int:
    """From when task t could go into its load: its order and its materials.

    Its order's readiness (`readiness.py`), then every material it consumes
    (taken at the load's start, rule 18); never after its actual start.
    """
    start = occ.solution.placements[t].start
    ready = min(readiness(occ, t)[0], start)
    for material, quantity in occ.problem.tasks[t].consumes:
        ready = max(ready, occ.material_ready(material, t, quantity, ready))
    return ready


class Load:
    """The unit task t runs in (a load, or t alone), ready to be tried at any minute.

    `others` are the other members; `flexible` whether the load may pause
    over breaks (only if all its members may, rule 18); `needs` the crews
    and tools its members hold together; `hours` the members' shared
    working time (None: around the clock), in which the longest member's
    `work` minutes run.
    """

    def __init__(self, occ: Occupancy, t: int) -> None:
        problem = occ.problem
        self.unit = occ.unit[t]
        members = self.unit.members
        self.others = tuple(j for j in members if j != t)
        self.flexible = all(problem.tasks[j].interruptible for j in members)
        self.needs: dict[int, int] = {}
        for j in members:
            for r, amount in problem.tasks[j].uses:
                self.needs[r] = self.needs.get(r, 0) + amount
        modes = [occ.mode(j) for j in members]
        self.eligible = all(mode is not None for mode in modes)
        self.work = max((m.duration for m in modes if m is not None), default=0)
        calendars = sorted({m.calendar for m in modes if m and m.calendar is not None})
        self.hours: WorkingTime | None = None
        if len(calendars) == 1:
            self.hours = problem.calendars[calendars[0]]
        elif calendars:
            periods = problem.calendars[calendars[0]].periods
            for c in calendars[1:]:
                periods = intersect_periods(periods, problem.calendars[c].periods)
            self.hours = WorkingTime(periods)

    def end(self, minute: int) -> int | None:
        """When the load would end had it started at `minute`; None if it could not.

        As `Problem.end_of` reckons one task: a load that may not pause must
        fit in one working period, one that may must start in working time.
        """
        if not self.eligible:
            return None  # an ineligible member: the checker reports it
        if self.hours is None:
            return minute + self.work
        if not self.flexible:
            fits = self.hours.fitting_period(minute, self.work)
            return minute + self.work if fits else None
        if not self.hours.is_working(minute):
            return None
        return self.hours.finish(minute, self.work)
