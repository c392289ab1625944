"""Waiting for full loads on batch machines, as a policy to measure against.

The list schedule starts a load as soon as its first member is ready and
lets later work join while the load has room and would not get longer
(`booking.Floor.joinable`). Many shops instead run an oven or furnace only
when it is full. This module turns that policy into holds for the list
schedule: from a first schedule it takes the moment each batch machine's
operation is ready, groups the operations of one family in that order into
loads of the machine's capacity, and holds every member until the last of
its group is ready. A second list schedule with these holds then fills
the loads as a planner waiting for full loads would (issue 19 measures one
against the other, benchmarks/batches.py).
"""

from __future__ import annotations

from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution


def ready_times(problem: Problem, solution: Solution) -> dict[int, int]:
    """Per free task on a batch machine, the minute its order lets it start."""
    placements = solution.placements
    return {
        t: problem.ready_time(t, placements)
        for t, task in enumerate(problem.tasks)
        if task.fixed is None and problem.machines[placements[t].machine].batches
    }


def full_load_holds(problem: Problem, solution: Solution) -> dict[int, int]:
    """Per batch-machine task, the minute its load is full in `solution`'s timing.

    Operations of one machine and family, in the order they become ready,
    fill loads up to the machine's capacity; each member is held until the
    last member of its load is ready. The last load of a family may stay
    part-full: no more work of that family comes.
    """
    ready = ready_times(problem, solution)
    queues: dict[tuple[int, str | None], list[int]] = {}
    for t in sorted(ready, key=lambda t: (ready[t], t)):
        key = (solution.placements[t].machine, problem.tasks[t].family)
        queues.setdefault(key, []).append(t)
    holds: dict[int, int] = {}
    for (m, _), tasks in queues.items():
        machine = problem.machines[m]
        capacity = machine.batch_capacity
        assert capacity is not None
        load: list[int] = []
        used = 0
        for t in [*tasks, -1]:
            size = machine.batch_size(problem.tasks[t]) if t >= 0 else capacity + 1
            if load and used + size > capacity:
                full = max(ready[u] for u in load)
                holds.update(dict.fromkeys(load, full))
                load, used = [], 0
            if t >= 0:
                load.append(t)
                used += size
    return holds
