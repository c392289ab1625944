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
        """Other orders by the minutes they held a machine `order` waited for.

        A task waits from the minute its own order lets it start (release,
        predecessors, waits) to its start; an order blocks it by the
        minutes its tasks ran on that machine in between.
        """
        problem = self.problem
        placements = self.solution.placements
        held: dict[int, int] = defaultdict(int)
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
                if owner != order:
                    held[owner] += min(end, placement.start) - max(start, ready)
        return dict(held)


def jump_a_blocker(
    keys: list[float],
    late: int,
    index: BlockerIndex,
    rng: random.Random,
    push: float,
) -> bool:
    """Put `late` just ahead of an order that held a machine it waited for.

    Or, with probability `push`, that order just behind it. The blocker is
    drawn by the minutes it held the machine. False when there is none (the
    order waited for its calendar or a crew only): the keys are unchanged.
    """
    held = index.blockers(late)
    if not held:
        return False
    orders = list(held)
    blocker = rng.choices(orders, weights=[held[o] for o in orders])[0]
    if rng.random() >= push:
        keys[late] = min(keys[late], keys[blocker] - 1.0)
    else:
        keys[blocker] = max(keys[blocker], keys[late] + 1.0)
    return True


def _start(run: tuple[int, int, int]) -> int:
    return run[0]
