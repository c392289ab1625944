"""Order templates: stamped orders compile exactly as orders compiled afresh."""

from __future__ import annotations

from typing import Any

import pytest

from mtosched import InputError, Scenario, build_problem
from mtosched.problem.parts import Task
from mtosched.problem.templates import stamp, template_of

START = "2026-11-30T06:00:00Z"


def plant(orders: list[dict[str, Any]], minutes: int = 30) -> Scenario:
    return Scenario.model_validate(
        {
            "start": START,
            "machines": [{"id": "A"}, {"id": "B"}],
            "products": [
                {
                    "id": "frame",
                    "options": {"paint": ["red", "blue"]},
                    "routing": [
                        {"id": "cut", "machines": ["A"], "minutes": minutes},
                        {"id": "weld", "machines": ["A", "B"], "minutes_per_unit": 7},
                        {
                            "id": "paint",
                            "machines": ["B"],
                            "minutes": 20,
                            "family_option": "paint",
                            "after": ["cut", "weld"],
                            "min_wait_minutes": 15,
                        },
                    ],
                }
            ],
            "orders": orders,
        }
    )


def order(name: str, released: str, paint: str = "red") -> dict[str, Any]:
    return {
        "id": name,
        "product": "frame",
        "options": {"paint": paint},
        "quantity": 2,
        "released": released,
        "due": "2026-12-02T06:00:00Z",
    }


def own_tasks(problem: Any, index: int) -> list[Task]:
    return [problem.tasks[t] for t in problem.orders[index].tasks]


def test_a_stamped_order_equals_the_same_order_compiled_alone() -> None:
    """F2 is stamped from F1's template: same tasks as when compiled first.

    F2 alone is order 0 from task 0; after F1 it is order 1 from task 3, so
    its predecessors move by 3 and its release is its own (120, not 60).
    """
    first = order("F1", "2026-11-30T07:00:00Z")
    second = order("F2", "2026-11-30T08:00:00Z")
    alone = own_tasks(build_problem(plant([second])), 0)
    stamped = own_tasks(build_problem(plant([first, second])), 1)
    assert [t.release for t in stamped] == [120, 120, 120]
    assert [t.predecessors for t in stamped] == [(), (3,), (3, 4)]
    assert [(t.order, t.predecessors) for t in alone] == [
        (0, ()),
        (0, (0,)),
        (0, (0, 1)),
    ]
    shifted = [
        Task(
            1,
            t.operation,
            t.modes,
            tuple(p + 3 for p in t.predecessors),
            t.release,
            t.min_wait,
            t.max_wait,
            t.family,
            t.fixed,
            t.interruptible,
            t.uses,
            t.consumes,
            t.frozen,
            t.setup_under_way,
            t.quantity,
            t.transfer,
        )
        for t in alone
    ]
    assert stamped == shifted


def test_other_options_get_their_own_template() -> None:
    """A blue frame is not stamped from a red one: its paint family differs."""
    problem = build_problem(plant([order("R", START), order("B", START, paint="blue")]))
    assert [t.family for t in own_tasks(problem, 1)] == [None, None, "blue"]


def test_an_order_with_issues_is_reported_each_time() -> None:
    """No template is kept from an order with issues: both orders are named.

    A batch oven holding one unit cannot take a quantity of 2 (rule 19).
    """
    data = plant([order("F1", START), order("F2", START)]).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    data["machines"].append({"id": "OVEN", "batch": {"capacity": 1}})
    data["products"][0]["routing"].append(
        {"id": "bake", "machines": ["OVEN"], "minutes": 60}
    )
    with pytest.raises(InputError) as raised:
        build_problem(Scenario.model_validate(data))
    assert [issue.message.split(":")[0] for issue in raised.value.issues] == [
        "operation 'bake' of order 'F1' fits no machine",
        "operation 'bake' of order 'F2' fits no machine",
    ]


def test_template_of_and_stamp_round_trip() -> None:
    """Stamping an order's own template at its own place gives its tasks back.

    `stamp` fills slots instead of calling `Task.__init__`, so a check added
    in a `__post_init__` would be skipped: there must be none.
    """
    assert not hasattr(Task, "__post_init__")
    problem = build_problem(plant([order("F1", START), order("F2", START)]))
    tasks = own_tasks(problem, 1)
    template = template_of(tasks, 3)
    assert stamp(template, 1, tasks[0].release, 3) == tasks
