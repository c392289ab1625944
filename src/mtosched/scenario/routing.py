"""Routing rules shared by validation and compilation: `when` and `after`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mtosched.scenario.models import Operation


def operation_exists(op: Operation, options: Mapping[str, str]) -> bool:
    """Whether the operation is part of an order with these option values."""
    for option, wanted in (op.when or {}).items():
        allowed = [wanted] if isinstance(wanted, str) else wanted
        if options.get(option) not in allowed:
            return False
    return True


def predecessor_ids(routing: Sequence[Operation], index: int) -> list[str]:
    """Direct predecessors as written: `after`, or else the previous operation."""
    op = routing[index]
    if op.after is not None:
        return list(op.after)
    return [routing[index - 1].id] if index > 0 else []
