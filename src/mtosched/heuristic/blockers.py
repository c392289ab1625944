"""Which orders held a machine while a late order's operation waited for it.

The key search's targeted step: instead of pulling a late order forward
by a random reach, it moves the order just ahead of one that held a
machine it waited for (or that order just behind it), so that a step
changes the one precedence that made it wait.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution


class BlockerIndex:
    """A schedule's machines in time order, to find who blocked whom."""

    def __init__(self, problem: Problem, solution: Solution) -> None:
        self.problem = problem
        self.solution = solution
        runs: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for t, placement in enumerate(solution.placements):
            runs[placement.machine].append((placement.start, placement.end, t))
        for machine_runs in runs.values():
            machine_runs.sort()
        self._runs = dict(runs)

    def blockers(self, order: int) -> dict[int, int]:
        """Other orders by the minutes they held a machine `order` waited for."""
        return {owner: held.minutes for owner, held in self.blocking(order).items()}

    def blocking(self, order: int) -> dict[int, Blocking]:
        """Per other order, the minutes it held machines `order` waited for.

        A task waits from the minute its own order lets it start (release,
        predecessors, waits) to its start; an order blocks it by the
        minutes its tasks ran on that machine in between. Each blocker
        names the pair of tasks where it held the machine longest.
        """
        problem = self.problem
        placements = self.solution.placements
        held: dict[int, Blocking] = {}
        for t in problem.orders[order].tasks:
            placement = placements[t]
            ready = problem.ready_time(t, placements)
            if placement.start <= ready:
                continue
            runs = self._runs[placement.machine]
            i = bisect_left(runs, placement.start, key=_start) - 1
            while i >= 0:
                start, end, other = runs[i]
                i -= 1
                if end <= ready:
                    break
                owner = problem.tasks[other].order
                if owner == order:
                    continue
                minutes = min(end, placement.start) - max(start, ready)
                before = held.get(owner)
                if before is None:
                    held[owner] = Blocking(minutes, t, other, minutes)
                else:
                    longest = minutes > before.longest
                    held[owner] = Blocking(
                        before.minutes + minutes,
                        t if longest else before.waiting,
                        other if longest else before.holding,
                        max(minutes, before.longest),
                    )
        return held


@dataclass(frozen=True, slots=True)
class Blocking:
    """How long one order held machines another waited for, and where most."""

    minutes: int
    #: the waiting task and the task that held its machine longest
    waiting: int
    holding: int
    longest: int


def jump_a_blocker(
    keys: list[float],
    late: int,
    index: BlockerIndex,
    rng: random.Random,
    push: float,
    task_base: Sequence[float] | None = None,
) -> bool:
    """Put `late` just ahead of an order that held a machine it waited for.

    Or, with probability `push`, that order just behind it. The blocker is
    drawn by the minutes it held the machines. A task's sort key is its
    order's key plus its `task_base` (0 where keys rank whole orders; its
    planned start within last night's plan), so the jump puts the waiting
    task just ahead of the one that held its machine longest. False when
    there is none (the order waited for its calendar or a crew only): the
    keys are unchanged.
    """
    held = index.blocking(late)
    if not held:
        return False
    orders = list(held)
    blocker = rng.choices(orders, weights=[held[o].minutes for o in orders])[0]
    pair = held[blocker]
    gap = 0.0
    if task_base is not None:
        gap = task_base[pair.holding] - task_base[pair.waiting]
    if rng.random() >= push:
        keys[late] = min(keys[late], keys[blocker] + gap - 1.0)
    else:
        keys[blocker] = max(keys[blocker], keys[late] - gap + 1.0)
    return True


def _start(run: tuple[int, int, int]) -> int:
    return run[0]
