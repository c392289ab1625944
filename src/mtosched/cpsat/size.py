"""How large a full CP-SAT model of a plant would be, before building it.

The changeover circuits are the quadratic part of the model: one arc
literal and one reified precedence per ordered pair of tasks that may share
a changeover machine. On the 600-order training plant they made a model of
a million variables that took 27 s to build; such a plant goes straight to
neighbourhood search, whose step models hold only their free tasks.
"""

from __future__ import annotations

from mtosched.problem.model import Problem


def changeover_arcs(problem: Problem) -> int:
    """Ordered pairs of free tasks that could follow each other on a machine.

    Pairs whose time windows never meet are counted too: this is an upper
    bound of what the model builds, and its order of magnitude is all the
    decision needs.
    """
    on_machine = [0] * len(problem.machines)
    for task in problem.tasks:
        if task.fixed is not None:
            continue
        for mode in task.modes:
            on_machine[mode.machine] += 1
    return sum(
        count * count
        for m, count in enumerate(on_machine)
        if problem.machines[m].changeovers is not None
    )
