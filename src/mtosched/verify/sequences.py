"""Machine sequences of a solution and the changeovers between neighbours.

Shared by the checker, the objective evaluation and the schedule output, so
that each computes changeovers the same way (contract rule 10).
"""

from __future__ import annotations

from dataclasses import dataclass

from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution


@dataclass(frozen=True, slots=True)
class Changeover:
    """The changeover before task `task`: `minutes` of machine work after `after`.

    `after` is the end of the previous task on the machine, or minute 0 for
    the first one (set up for the machine's initial family).
    """

    task: int
    previous: int | None
    after: int
    minutes: int


def machine_sequences(problem: Problem, solution: Solution) -> dict[int, list[int]]:
    """Tasks per machine in time order."""
    sequences: dict[int, list[int]] = {}
    for t, place in enumerate(solution.placements):
        sequences.setdefault(place.machine, []).append(t)
    for tasks in sequences.values():
        tasks.sort(key=lambda t: (solution.placements[t].start, t))
    return sequences


def changeovers(problem: Problem, solution: Solution) -> list[Changeover]:
    """Every changeover of more than 0 minutes that the sequences require."""
    found: list[Changeover] = []
    for machine, tasks in sorted(machine_sequences(problem, solution).items()):
        info = problem.machines[machine]
        if info.changeovers is None:
            continue
        matrix = problem.changeovers[info.changeovers]
        family = info.initial_family
        previous: int | None = None
        after = 0
        for t in tasks:
            task = problem.tasks[t]
            # running work is set up already; the next changeover starts from it
            minutes = 0 if task.set_up else matrix.minutes(family, task.family)
            if minutes > 0:
                found.append(Changeover(t, previous, after, minutes))
            family, previous = task.family, t
            after = solution.placements[t].end
    return found
