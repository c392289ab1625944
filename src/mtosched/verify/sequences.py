"""Machine sequences of a solution and the changeovers between neighbours.

Shared by the checker, the objective evaluation and the schedule output, so
that each computes changeovers the same way (contract rule 10). On a batch
machine the unit of a sequence is a batch (rule 18): the tasks that start
together there, changed over into once, however many members it has.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution


@dataclass(frozen=True, slots=True)
class Changeover:
    """The changeover before task `task`: `minutes` of machine work after `after`.

    `after` is the end of the previous task (or batch) on the machine, or
    minute 0 for the first one (set up for the machine's initial family).
    `members` are all the tasks the changeover serves: the batch that
    `task` leads, or `task` alone; `previous` leads the batch before.
    """

    task: int
    previous: int | None
    after: int
    minutes: int
    members: tuple[int, ...] = ()

    @property
    def served(self) -> tuple[int, ...]:
        """Every task that starts after this changeover (at least `task`)."""
        return self.members or (self.task,)


@dataclass(frozen=True, slots=True)
class Unit:
    """What a machine runs at once: a batch, or one task on other machines.

    `members` are task indices in index order; `start` is theirs, `end` the
    latest of their ends (they should agree; the checker says when not).
    """

    machine: int
    start: int
    end: int
    members: tuple[int, ...]

    @property
    def lead(self) -> int:
        """The member that stands for the unit in changeover records."""
        return self.members[0]


def machine_sequences(problem: Problem, solution: Solution) -> dict[int, list[int]]:
    """Tasks per machine in time order."""
    sequences: dict[int, list[int]] = {}
    for t, place in enumerate(solution.placements):
        sequences.setdefault(place.machine, []).append(t)
    for tasks in sequences.values():
        tasks.sort(key=lambda t: (solution.placements[t].start, t))
    return sequences


def machine_units(problem: Problem, solution: Solution) -> dict[int, list[Unit]]:
    """Units per machine in time order: batches by start on batch machines.

    The tasks of a batch share machine and start (rule 20), so the start
    names the batch; elsewhere every task is a unit of its own.
    """
    units: dict[int, list[Unit]] = {}
    for machine, tasks in machine_sequences(problem, solution).items():
        placements = solution.placements
        if not problem.machines[machine].batches:
            units[machine] = [
                Unit(machine, placements[t].start, placements[t].end, (t,))
                for t in tasks
            ]
            continue
        groups: dict[int, list[int]] = {}
        for t in tasks:
            groups.setdefault(placements[t].start, []).append(t)
        units[machine] = [
            Unit(
                machine,
                start,
                max(placements[t].end for t in members),
                tuple(sorted(members)),
            )
            for start, members in sorted(groups.items())
        ]
    return units


def loads(problem: Problem, solution: Solution) -> list[Unit]:
    """The batches on batch machines, machine by machine, in time order."""
    return [
        unit
        for machine, units in machine_units(problem, solution).items()
        if problem.machines[machine].batches
        for unit in units
    ]


def changeovers(
    problem: Problem,
    solution: Solution,
    units: dict[int, list[Unit]] | None = None,
) -> list[Changeover]:
    """Every changeover of more than 0 minutes that the sequences require.

    One per unit: a batch is changed over into once, by its family (rule
    18); running or under-way work is set up already. `units` are the
    solution's `machine_units`, when the caller has them already.
    """
    found: list[Changeover] = []
    if units is None:
        units = machine_units(problem, solution)
    for machine, sequence in sorted(units.items()):
        info = problem.machines[machine]
        if info.changeovers is None:
            continue
        matrix = problem.changeovers[info.changeovers]
        family = info.initial_family
        previous: int | None = None
        after = 0
        for unit in sequence:
            lead = problem.tasks[unit.lead]
            set_up = any(problem.tasks[t].set_up for t in unit.members)
            minutes = 0 if set_up else matrix.minutes(family, lead.family)
            if minutes > 0:
                members = unit.members if len(unit.members) > 1 else ()
                found.append(Changeover(unit.lead, previous, after, minutes, members))
            family, previous = lead.family, unit.lead
            after = unit.end
    return found
