"""Which tasks a step of neighbourhood search frees, and how it learns which help.

Two kinds of neighbourhood, because plants differ in what holds a schedule
back:

- a *time window*: the free tasks starting next to each other in the
  incumbent, on every machine. Good at local resequencing, and on calendar
  plants its tasks are boxed in by pinned work, so its models stay small.
- *orders*: every task of a few orders, half of them drawn by how much each
  order costs the objective (a late order, weighted by priority and
  tardiness), half at random. On a wide, overloaded plant a late order
  gains only by taking the slots of another order, wherever in the
  schedule those are; a thin time slice over a hundred machines frees
  almost nothing on each (benchmarks/RESULTS.md).

- *blockers*: a late order (drawn by its cost) with the work that holds it
  up: on the machine of each of its tasks, the tasks that start just
  before it. A late order gains only when what runs ahead of it on its
  machines gives way; freeing those together lets CP-SAT swap them.

`Chooser` picks the kind by the gain each has made per second lately.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from typing import Literal

from mtosched.cpsat.batch_rules import rank, same_time
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.verify.evaluate import order_outcomes
from mtosched.verify.sequences import loads

Kind = Literal["window", "orders", "blockers"]
KINDS: tuple[Kind, ...] = ("window", "orders", "blockers")


def order_costs(
    problem: Problem, solution: Solution, term: ObjectiveTerm
) -> list[float]:
    """Each order's share of `term` in `solution` (all zero when it has none).

    Terms that are not sums over orders (changeovers, stability) give no
    preference; `max_lateness` and `makespan` point at the orders that end
    last relative to their due date or to the schedule.
    """
    pairs = list(zip(problem.orders, order_outcomes(problem, solution), strict=True))
    if term == "weighted_tardiness":
        return [o.priority * r.tardiness for o, r in pairs]
    if term == "late_orders":
        return [o.priority * (r.lateness > 0) for o, r in pairs]
    if term == "earliness":
        return [o.priority * max(0, -r.lateness) for o, r in pairs]
    if term == "flow_time":
        return [r.completion - o.released for o, r in pairs]
    if term in ("max_lateness", "makespan"):
        ends = [
            r.lateness if term == "max_lateness" else r.completion for _, r in pairs
        ]
        low = min(ends, default=0)
        return [float(end - low) ** 2 for end in ends]  # the last ones dominate
    return [0.0] * len(pairs)


def freeable(problem: Problem, incumbent: Solution, chosen: set[int]) -> set[int]:
    """The chosen tasks a step's model can move without losing exactness.

    A batch of two or more (batches.py) goes free whole, or in part with
    its longest member pinned, so that the members left form a constant
    batch that keeps its end and that the freed ones may rejoin; a batch
    whose members work by different calendars stays pinned.
    """
    free = set(chosen)
    if not any(machine.batches for machine in problem.machines):
        return free
    for load in loads(problem, incumbent):
        members = list(load.members)
        picked = [t for t in members if t in free]
        if len(members) < 2 or not picked:
            continue
        if not _rebuildable(problem, load.machine, members):
            free.difference_update(picked)
        elif len(picked) < len(members):
            free.discard(_keeper(problem, load.machine, members, free))
    return free


def _keeper(problem: Problem, machine: int, members: list[int], free: set[int]) -> int:
    """A member of a longest duration that stays pinned (one already, if any)."""
    longest = max(rank(problem, machine, t)[0] for t in members)
    keepers = [t for t in members if rank(problem, machine, t)[0] == longest]
    kept = [t for t in keepers if t not in free]
    return kept[0] if kept else keepers[-1]


def _rebuildable(problem: Problem, machine: int, members: list[int]) -> bool:
    """Whether the model can form this batch again: one working time, none running."""
    calendars = [problem.mode_on(problem.tasks[t], machine).calendar for t in members]
    return not any(problem.tasks[t].running for t in members) and all(
        same_time(problem, calendars[0], c) for c in calendars
    )


def time_window(
    rng: random.Random, problem: Problem, incumbent: Solution, size: int
) -> set[int]:
    """`size` free tasks that start one after another in the incumbent."""
    free = sorted(problem.free_tasks, key=lambda t: incumbent.placements[t].start)
    first = rng.randrange(0, max(1, len(free) - size + 1))
    return set(free[first : first + size])


def costly_orders(
    rng: random.Random,
    problem: Problem,
    costs: list[float],
    size: int,
) -> set[int]:
    """Free tasks of whole orders, about `size` of them: costly orders and others.

    Every other order is drawn in proportion to its cost (when any order
    costs anything), the rest uniformly: the uniform ones are the orders a
    costly one can trade places with.
    """
    orders = problem.orders
    free_of = [[t for t in o.tasks if problem.tasks[t].fixed is None] for o in orders]
    candidates = [j for j, tasks in enumerate(free_of) if tasks]
    costly = [j for j in candidates if costs[j] > 0]
    weights = [costs[j] for j in costly]
    chosen: set[int] = set()
    picked: set[int] = set()
    draws = 0
    while len(chosen) < size and len(picked) < len(candidates):
        if costly and draws % 2 == 0:
            j = rng.choices(costly, weights=weights)[0]
        else:
            j = rng.choice(candidates)
        draws += 1
        if j in picked:
            if draws > 20 * len(candidates):
                break  # the costly few are all in; the rest is luck
            continue
        picked.add(j)
        chosen.update(free_of[j])
    return chosen


def late_with_blockers(
    rng: random.Random,
    problem: Problem,
    incumbent: Solution,
    costs: list[float],
    size: int,
) -> set[int]:
    """Free tasks of late orders and of the tasks just ahead of them, about `size`.

    Orders are drawn by cost (any order when none costs anything). For each
    task of a drawn order, the free tasks on its machine that start within
    the span before it are added, nearest first, a share of `size` each.
    """
    placements = incumbent.placements
    on_machine: dict[int, list[int]] = {}
    for t in problem.free_tasks:
        on_machine.setdefault(placements[t].machine, []).append(t)
    for tasks in on_machine.values():
        tasks.sort(key=lambda t: placements[t].start)
    starts = {m: [placements[t].start for t in ts] for m, ts in on_machine.items()}
    candidates = [j for j, o in enumerate(problem.orders) if o.tasks]
    weights = [costs[j] for j in candidates]
    weighted = any(weights)  # once: the loop may draw thousands of times
    chosen: set[int] = set()
    for _ in range(8 * len(candidates) + 1):
        if len(chosen) >= size or not candidates:
            break
        if weighted:
            j = rng.choices(candidates, weights=weights)[0]
        else:
            j = rng.choice(candidates)
        own = [t for t in problem.orders[j].tasks if problem.tasks[t].fixed is None]
        chosen.update(own)
        share = max(1, (size - len(chosen)) // max(1, 2 * len(own)))
        for t in own:
            machine = placements[t].machine
            index = bisect.bisect_left(starts[machine], placements[t].start)
            chosen.update(on_machine[machine][max(0, index - share) : index])
    return chosen


#: Free tasks per neighbourhood at the start, and the bounds of its size.
START_SIZE, MIN_SIZE, MAX_SIZE = 60, 20, 600
#: Weight of the newest step in a kind's gain rate, and the share of the
#: choice every kind keeps so that a kind that stalled early is retried.
_SMOOTHING, _FLOOR = 0.3, 0.1


@dataclass
class _Record:
    size: int = START_SIZE
    #: gain of the goal per second, smoothed; None until first tried
    rate: float | None = None


@dataclass
class Chooser:
    """Picks a neighbourhood kind and size, and learns from each step."""

    rng: random.Random
    records: dict[Kind, _Record] = field(
        default_factory=lambda: {kind: _Record() for kind in KINDS}
    )

    def pick(self) -> tuple[Kind, int]:
        """The next step's kind (each is tried once first) and its size."""
        untried = [k for k in KINDS if self.records[k].rate is None]
        if untried:
            kind = untried[0]
        else:
            rates = [self.records[k].rate or 0.0 for k in KINDS]
            top = max(rates)
            if top <= 0:
                kind = self.rng.choice(KINDS)
            else:
                weights = [max(rate, _FLOOR * top) for rate in rates]
                kind = self.rng.choices(KINDS, weights=weights)[0]
        return kind, self.records[kind].size

    def learn(self, kind: Kind, gain: float, seconds: float, *, solved: bool) -> None:
        """Record a step: its gain, its time, and whether it was solved to optimality.

        A neighbourhood solved to optimality was too easy: the next one of
        its kind is larger; one that ran out of time is made smaller.
        """
        record = self.records[kind]
        rate = gain / max(seconds, 1e-3)
        record.rate = (
            rate
            if record.rate is None
            else (1 - _SMOOTHING) * record.rate + _SMOOTHING * rate
        )
        grown = int(record.size * 1.3) if solved else int(record.size / 1.2)
        record.size = max(MIN_SIZE, min(grown, MAX_SIZE))
