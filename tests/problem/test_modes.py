"""ModeTable: an operation's machines and durations (rules 6 and 19)."""

from __future__ import annotations

from mtosched.errors import Issue
from mtosched.problem.modes import ModeTable
from mtosched.scenario.models import Machine, Operation, Order
from mtosched.scenario.provenance import Origin

MACHINES = [
    Machine.model_validate({"id": "SAW", "speed": 1.5}),
    Machine.model_validate(
        {"id": "OVEN", "batch": {"capacity": 4, "size": "quantity"}}
    ),
]
IDS = {"SAW": 0, "OVEN": 1}
WHERE = Origin("plant.json", "products[0].routing[1]")


def order(quantity: int) -> Order:
    return Order.model_validate(
        {"id": "O1", "product": "p", "quantity": quantity,
         "due": "2026-12-01T06:00:00Z"}
    )  # fmt: skip


def test_durations_round_up_once_after_speed_and_add_the_setup() -> None:
    """(10 + 2 x 3) / 1.5 = 10.67 -> 11, plus 4 set-up = 15 on SAW; OVEN 16 + 4."""
    op = Operation.model_validate(
        {"id": "cut", "machines": ["SAW", "OVEN"], "minutes": 10,
         "minutes_per_unit": 2, "setup_minutes": 4}
    )  # fmt: skip
    modes = ModeTable(MACHINES, IDS, []).modes(op, order(3), lambda: WHERE)
    assert [(m.machine, m.duration, m.setup) for m in modes] == [(0, 15, 4), (1, 20, 4)]


def test_a_batch_machine_too_small_for_the_quantity_is_no_mode() -> None:
    """Quantity 5 does not fit OVEN's capacity 4: only SAW is left (rule 19)."""
    op = Operation.model_validate(
        {"id": "bake", "machines": ["SAW", "OVEN"], "minutes": 30}
    )
    modes = ModeTable(MACHINES, IDS, []).modes(op, order(5), lambda: WHERE)
    assert [m.machine for m in modes] == [0]


def test_no_machine_left_is_an_issue_naming_the_operation() -> None:
    """Only OVEN, quantity 5: no mode, and the issue says why and where."""
    issues: list[Issue] = []
    op = Operation.model_validate({"id": "bake", "machines": ["OVEN"], "minutes": 30})
    assert ModeTable(MACHINES, IDS, issues).modes(op, order(5), lambda: WHERE) == ()
    assert [(i.file, i.path) for i in issues] == [("plant.json", WHERE.path)]
    assert "'bake' of order 'O1' fits no machine" in issues[0].message


def test_modes_are_computed_once_per_operation_and_quantity() -> None:
    """A second order of the same quantity gets the very same modes."""
    table = ModeTable(MACHINES, IDS, [])
    op = Operation.model_validate({"id": "cut", "machines": ["SAW"], "minutes": 9})
    first = table.modes(op, order(2), lambda: WHERE)
    assert table.modes(op, order(2), lambda: WHERE) is first
    assert table.modes(op, order(3), lambda: WHERE) is not first
