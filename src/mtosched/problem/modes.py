"""An operation's modes: the machines it may run on and how long it takes there.

Durations follow contract rule 6 exactly (decimal `speed`, rounded up, plus
the set-up); a batch machine too small for the order's quantity is no mode
(rule 19). Problems found are collected as issues naming the operation, so
that one compile reports them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, Decimal

from mtosched.errors import Issue
from mtosched.problem.parts import Mode
from mtosched.scenario.fields import MAX_MINUTES
from mtosched.scenario.models import Machine, Operation, Order
from mtosched.scenario.provenance import Origin


def processing_minutes(op: Operation, machine: Machine, quantity: int) -> int:
    """Duration on one machine: contract rule 6, exact decimal `speed`."""
    if isinstance(op.machines, dict):
        processing = op.machines[machine.id]
    else:
        work = Decimal((op.minutes or 0) + (op.minutes_per_unit or 0) * quantity)
        processing = int((work / machine.speed).to_integral_value(ROUND_CEILING))
    return processing + op.setup_minutes


class ModeTable:
    """Modes by operation and quantity, computed once for all orders that share them.

    Thousands of orders share a product, and exact decimal durations are
    slow to recompute. The scenario outlives the table, so operation ids
    stay unique. Issues are appended to `issues`.
    """

    def __init__(
        self,
        machines: list[Machine],
        machine_ids: Mapping[str, int],
        issues: list[Issue],
    ) -> None:
        self._machines = machines
        self._machine_ids = machine_ids
        self._issues = issues
        self._known: dict[tuple[int, int], tuple[Mode, ...]] = {}

    def modes(
        self, op: Operation, order: Order, where: Callable[[], Origin]
    ) -> tuple[Mode, ...]:
        """`op`'s modes for `order`'s quantity; `where` names it in issues."""
        key = (id(op), order.quantity)
        known = self._known.get(key)
        if known is not None:
            return known  # same operation and quantity: same modes, no issues
        result = []
        for machine_id in op.machines:
            machine = self._machines[self._machine_ids[machine_id]]
            if machine.batch is not None:
                size = order.quantity if machine.batch.size == "quantity" else 1
                if size > machine.batch.capacity:
                    continue  # rule 19: the load would not fit
            duration = processing_minutes(op, machine, order.quantity)
            if duration < 1:
                self._issue(
                    where,
                    f"operation '{op.id}' of order '{order.id}' takes "
                    f"{duration} minutes on '{machine_id}'; give it "
                    "'minutes' or 'minutes_per_unit' (at least 1 minute)",
                )
            elif duration > MAX_MINUTES:
                # Each field is bounded, but minutes_per_unit x quantity is not.
                self._issue(
                    where,
                    f"operation '{op.id}' of order '{order.id}' takes "
                    f"{duration} minutes on '{machine_id}': the largest "
                    f"duration accepted is {MAX_MINUTES} (a century)",
                )
            result.append(
                Mode(
                    self._machine_ids[machine_id],
                    max(duration, 1),
                    setup=op.setup_minutes,
                )
            )
        if not result:
            self._issue(
                where,
                f"operation '{op.id}' of order '{order.id}' fits no machine: "
                f"quantity {order.quantity} exceeds the capacity of every "
                "batch machine it lists (rule 19)",
            )
            return ()
        modes = tuple(result)
        if all(1 <= mode.duration <= MAX_MINUTES for mode in modes):
            self._known[key] = modes
        return modes

    def _issue(self, where: Callable[[], Origin], message: str) -> None:
        origin = where()
        self._issues.append(Issue(origin.file, origin.path, message))
