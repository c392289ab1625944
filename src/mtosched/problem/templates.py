"""Order templates: an order's tasks compiled once, stamped out for the rest.

Orders of one routing with the same options and quantity, without progress
and without a previous plan, compile to the same tasks but for the order
index, the release and where their tasks start. At 250,000 orders compiling
each one afresh took most of `mtosched validate` (issue 16).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mtosched.problem.model import Mode, Placement, Task

#: `Task`'s fields after `release`, in declaration order (min_wait ... transfer).
Settings = tuple[
    int,
    int | None,
    str | None,
    Placement | None,
    bool,
    tuple[tuple[int, int], ...],
    tuple[tuple[int, int], ...],
    bool,
    bool,
    int,
    int | None,
]


@dataclass(frozen=True, slots=True)
class Step:
    """One task of a template; `predecessors` count from the order's first task."""

    operation: str
    modes: tuple[Mode, ...]
    predecessors: tuple[int, ...]
    settings: Settings


def template_of(tasks: Sequence[Task], first: int) -> tuple[Step, ...]:
    """The template of one order's compiled tasks, which start at index `first`."""
    return tuple(
        Step(
            task.operation,
            task.modes,
            tuple(p - first for p in task.predecessors),
            (
                task.min_wait,
                task.max_wait,
                task.family,
                task.fixed,
                task.interruptible,
                task.uses,
                task.consumes,
                task.frozen,
                task.setup_under_way,
                task.quantity,
                task.transfer,
            ),
        )
        for task in tasks
    )


def stamp(template: Sequence[Step], order: int, release: int, first: int) -> list[Task]:
    """The template's tasks for order index `order`, starting at task `first`.

    Positional arguments: keywords and `dataclasses.replace` cost twice as
    much per task, and there is a task per operation of every order.
    """
    return [
        Task(
            order,
            step.operation,
            step.modes,
            tuple([first + p for p in step.predecessors]),
            release,
            *step.settings,
        )
        for step in template
    ]
