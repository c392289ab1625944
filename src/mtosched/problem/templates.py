"""Order templates: an order's tasks compiled once, stamped out for the rest.

Orders of one product with the same options and quantity, without progress
and without a previous plan, compile to the same tasks but for the order
index, the release and where their tasks start. At 250,000 orders compiling
each one afresh took most of `mtosched validate` (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from mtosched.problem.parts import Mode, Task

#: Puts a value into one field of a task under construction.
Setter = Callable[[Task, Any], None]

# A frozen dataclass's __init__ sets each field through object.__setattr__,
# which costs twice as much as setting its slot directly, and there is a
# task per operation of every order. So stamped tasks are filled slot by
# slot: equal to and indistinguishable from tasks built by __init__ (which
# checks nothing: Task has no __post_init__).
_PER_ORDER = ("order", "operation", "modes", "predecessors", "release")
_ORDER, _OPERATION, _MODES, _PREDECESSORS, _RELEASE = (
    getattr(Task, name).__set__ for name in _PER_ORDER
)
#: The other fields, the same for every order stamped from one step.
_SHARED = tuple(
    (field.name, getattr(Task, field.name).__set__)
    for field in fields(Task)
    if field.name not in _PER_ORDER
)


@dataclass(frozen=True, slots=True)
class Step:
    """One task of a template; `predecessors` count from the order's first task.

    `shared` holds a setter and a value for every field that `stamp` does
    not set from the order.
    """

    operation: str
    modes: tuple[Mode, ...]
    predecessors: tuple[int, ...]
    shared: tuple[tuple[Setter, Any], ...]


def template_of(tasks: Sequence[Task], first: int) -> tuple[Step, ...]:
    """The template of one order's compiled tasks, which start at index `first`."""
    return tuple(
        Step(
            task.operation,
            task.modes,
            tuple(p - first for p in task.predecessors),
            tuple((put, getattr(task, name)) for name, put in _SHARED),
        )
        for task in tasks
    )


def stamp(template: Sequence[Step], order: int, release: int, first: int) -> list[Task]:
    """The template's tasks for order index `order`, starting at task `first`."""
    tasks = []
    for step in template:
        task = object.__new__(Task)
        _ORDER(task, order)
        _OPERATION(task, step.operation)
        _MODES(task, step.modes)
        _PREDECESSORS(task, tuple([first + p for p in step.predecessors]))
        _RELEASE(task, release)
        for put, value in step.shared:
            put(task, value)
        tasks.append(task)
    return tasks
