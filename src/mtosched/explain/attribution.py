"""Attribute each minute an operation waited, or paused, to one cause.

An operation on the critical chain waits from when it was ready to its
start. Each minute m of that wait gets the first cause that applies, in
this documented order (earlier causes are the harder facts):

1. `material`: a material it consumes could not yet be taken at m;
2. `non_working`: its calendar (machine intersected with the calendars of
   the resources it uses) does not work at m;
3. `changeover`: its machine is being changed over at m (for it and its
   load, or for the other task or load the changeover precedes);
4. `running_work` / `frozen_plan` / `machine_busy`: its machine holds
   another task or load at m: one running on the floor, one frozen by the
   previous plan, or other orders' operations;
5. `resource`: a crew or tool it uses is taken by others at m beyond what
   its capacity leaves for it;
6. `batch_wait`: on a batch machine, another member of its load was not
   yet ready at m (its order's readiness, or a material it consumes): the
   members start together, so it waits for the last of them;
7. then whether it (its whole load, on a batch machine) could have
   *started* at m: work that may not pause needs a working period long
   enough (`non_working`), the machine must be free until it would end
   (else the task or load that comes next is the cause: the gap before it
   was too short), and so must the resources;
8. `idle` otherwise: no constraint kept it from starting at m (a schedule
   that leaves work waiting, e.g. found under a short time limit). For an
   operation fixed by the frozen plan, such minutes are `frozen_plan`.

On a batch machine a member's own load never holds it up: the machine is
busy with *other* loads, a load's changeover is every member's, and a
load waiting for a late member is `batch_wait`, which comes after the
harder facts (machine, calendar, crews): those would have held the member
up even alone.

Minutes inside the run itself, where interruptible work pauses over
non-working time, are `non_working` too. Causes are constant between
calendar, machine and resource events, so the walk goes segment by segment
and checks starts minute by minute only where nothing blocks instantly.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from mtosched.explain.loads import Load, member_ready
from mtosched.explain.occupancy import Busy, Occupancy, is_frozen, is_running
from mtosched.explain.words import CauseKind

#: What a piece is about, to merge pieces into causes: the kind, then ids
#: (a blocking task, a calendar gap, a resource, a material arrival).
Key = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Piece:
    """Minutes `[start, end)` of a chain spent on one cause.

    `closed` names the calendars' owners (machine or resource ids) that did
    not work; `holders` the tasks that held a resource or the machine (all
    members of a load), or the members of its own load it waited for.
    """

    kind: CauseKind
    start: int
    end: int
    key: Key
    closed: frozenset[str] = frozenset()
    holders: frozenset[int] = frozenset()


def busy_kind(occ: Occupancy, busy: Busy, minute: int) -> tuple[CauseKind, Key]:
    """How a minute in which another task or load holds the machine is reported.

    The key names the unit by its first task; the piece's holders are all
    its members.
    """
    if minute < busy.start:
        return "changeover", ("changeover", busy.task)
    tasks = [occ.problem.tasks[j] for j in busy.members]
    if any(is_running(task) for task in tasks):
        return "running_work", ("task", busy.task)
    if any(is_frozen(task) for task in tasks):
        return "frozen_plan", ("task", busy.task)
    return "machine_busy", ("task", busy.task)


class Attributor:
    """Splits the waits and pauses of one task into `Piece`s."""

    def __init__(self, occ: Occupancy, t: int) -> None:
        self.occ = occ
        self.t = t
        self.task = occ.problem.tasks[t]
        self.place = occ.solution.placements[t]
        self.mode = occ.mode(t)
        self.calendar = self.mode.calendar if self.mode is not None else None
        self.load = Load(occ, t)
        #: The other members of its load, and from when each could go in.
        self.members = {j: member_ready(occ, j) for j in self.load.others}
        problem = occ.problem
        self.owners: list[tuple[str, int | None]] = [
            (
                problem.machines[self.place.machine].id,
                problem.machines[self.place.machine].calendar,
            )
        ] + [
            (problem.resources[r].id, problem.resources[r].calendar)
            for r, _ in self.task.uses
        ]

    def closed_owners(self, minute: int) -> frozenset[str]:
        """Owners whose own calendar does not work at `minute`."""
        return frozenset(
            name
            for name, calendar in self.owners
            if not self.occ.working(calendar, minute)
        )

    def non_working(self, start: int, end: int, minute: int) -> Piece:
        """A piece of non-working time of the task's calendar around `minute`."""
        assert self.calendar is not None
        before, after = self.occ.gap(self.calendar, minute)
        return Piece(
            "non_working",
            start,
            end,
            ("non_working", self.calendar, before, after),
            closed=self.closed_owners(minute),
        )

    # -- inside the run ------------------------------------------------------

    def run(self, lo: int) -> list[Piece]:
        """Pauses over non-working time in `[lo, end)` of the task's own run."""
        pieces: list[Piece] = []
        if self.calendar is None:
            return pieces
        edges = [
            lo,
            *self.occ.boundaries(self.calendar, lo, self.place.end),
            self.place.end,
        ]
        for a, b in pairwise(edges):
            if a < b and not self.occ.working(self.calendar, a):
                pieces.append(self.non_working(a, b, a))
        return pieces

    # -- before the start ----------------------------------------------------

    def wait(self, lo: int) -> list[Piece]:
        """Causes of every minute in `[lo, start)`."""
        hi = self.place.start
        if lo >= hi:
            return []
        occ = self.occ
        ready = {
            k: occ.material_ready(k, self.t, quantity, lo)
            for k, quantity in self.task.consumes
        }
        edges = {lo, hi, *(m for m in ready.values() if lo < m < hi)}
        edges.update(occ.boundaries(self.calendar, lo, hi))
        for _, calendar in self.owners:
            edges.update(occ.boundaries(calendar, lo, hi))
        edges.update(occ.machine_edges(self.place.machine, lo, hi))
        for r, _ in self.task.uses:
            edges.update(occ.resource_edges(r, lo, hi))
        edges.update(m for m in self.members.values() if lo < m < hi)
        if self.t in occ.setup_start and lo < occ.setup_start[self.t] < hi:
            edges.add(occ.setup_start[self.t])
        points = sorted(edges)
        pieces: list[Piece] = []
        for a, b in pairwise(points):
            piece = self.instant(a, b, ready)
            if piece is not None:
                pieces.append(piece)
            else:
                pieces.extend(self.fit(a, b))
        return pieces

    def instant(self, a: int, b: int, ready: dict[int, int]) -> Piece | None:
        """The cause that holds for all of `[a, b)` regardless of the run's length."""
        occ = self.occ
        late = [(m, k) for k, m in ready.items() if a < m]
        if late:
            until, material = max(late)
            return Piece("material", a, b, ("material", material, until))
        if not occ.working(self.calendar, a):
            return self.non_working(a, b, a)
        setup = occ.setup_start.get(self.t)
        if setup is not None and setup <= a:
            return Piece("changeover", a, b, ("changeover", self.t))
        busy = occ.machine_at(self.place.machine, a, self.t)
        if busy is not None:
            kind, key = busy_kind(occ, busy, a)
            return Piece(kind, a, b, key, holders=frozenset(busy.members))
        for r, amount in self.task.uses:
            held, holders = occ.held(r, a, a + 1, self.load.unit.members)
            if held + amount > occ.problem.resources[r].capacity:
                return Piece(
                    "resource", a, b, ("resource", r), holders=frozenset(holders)
                )
        waited = frozenset(j for j, ready in self.members.items() if ready > a)
        if waited:
            key = ("batch_wait", self.load.unit.task)
            return Piece("batch_wait", a, b, key, holders=waited)
        return None

    def fit(self, a: int, b: int) -> list[Piece]:
        """Minute by minute: could the task have started here? If not, why not."""
        pieces: list[Piece] = []
        for m in range(a, b):
            piece = self.start_blocker(m)
            if piece.key[0] == "task" and piece.holders and self.load.flexible:
                # A later start ends later, so it meets the same next unit on
                # the machine, which is checked first: the rest of [a, b) too.
                piece = Piece(piece.kind, m, b, piece.key, holders=piece.holders)
            if pieces and pieces[-1].key == piece.key and pieces[-1].end == m:
                last = pieces[-1]
                pieces[-1] = Piece(
                    last.kind,
                    last.start,
                    piece.end,
                    last.key,
                    last.closed,
                    last.holders | piece.holders,
                )
            else:
                pieces.append(piece)
            if piece.end == b:
                break
        return pieces

    def start_blocker(self, m: int) -> Piece:
        """Why the task (its load) could not start at minute m, free instantly."""
        occ, problem = self.occ, self.occ.problem
        end = self.load.end(m)
        if end is None:
            if self.calendar is None or self.load.flexible:
                return Piece("idle", m, m + 1, ("idle",))
            # may not pause: the working period it is in ends too soon
            cut = occ.gap(self.calendar, m)[0]  # m works: the end of its period
            return self.non_working(m, m + 1, m if cut is None else cut)
        busy = occ.machine_collision(self.place.machine, m, end, self.t)
        if busy is not None:
            # the machine is free at m, but too briefly: the next unit is why
            kind, key = busy_kind(occ, busy, busy.start)
            return Piece(kind, m, m + 1, key, holders=frozenset(busy.members))
        for r, amount in self.load.needs.items():
            held, holders = occ.held(r, m, end, self.load.unit.members)
            if held + amount > problem.resources[r].capacity:
                return Piece(
                    "resource", m, m + 1, ("resource", r), holders=frozenset(holders)
                )
        if is_frozen(self.task):
            return Piece("frozen_plan", m, m + 1, ("task", self.t))
        return Piece("idle", m, m + 1, ("idle",))
