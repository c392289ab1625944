"""The checker as an oracle: every placement on a grid, the best it accepts.

On four tiny instances all placements with starts and ends on a coarse
integer grid are enumerated; the checker keeps the feasible ones, and the
best weighted tardiness among them must equal the optimum worked out by
hand in each test's docstring. A checker too strict misses the optimum; a
checker too lax accepts something better than it.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from mtosched import Scenario, build_problem
from mtosched.problem.model import Placement, Problem
from mtosched.problem.solution import Solution
from mtosched.verify.check import check

START = "2026-12-07T06:00:00Z"


def at(minute: int) -> str:
    """The instant `minute` minutes after 06:00 on the start day."""
    hours, minutes = divmod(6 * 60 + minute, 60)
    return f"2026-12-07T{hours:02d}:{minutes:02d}:00Z"


def best(problem: Problem, grids: list[list[tuple[int, int, int]]]) -> int | None:
    """The least weighted tardiness over every accepted choice, one per task.

    `grids[t]` lists (machine, start, end) candidates for task t.
    """
    found: int | None = None
    for choice in product(*grids):
        solution = Solution(tuple(Placement(*c) for c in choice))
        report = check(problem, solution)
        if report.ok:
            assert report.evaluation is not None
            value = report.evaluation.terms["weighted_tardiness"]
            found = value if found is None else min(found, value)
    return found


def grid(
    machine: int, starts: range, lengths: tuple[int, ...]
) -> list[tuple[int, int, int]]:
    return [(machine, s, s + n) for s in starts for n in lengths]


def oven_orders(
    recipes: list[str], dues: list[int], priorities: list[int], **oven: Any
) -> Problem:
    """One 60 min bake per order; `oven` fields go on the machine."""
    data: dict[str, Any] = {
        "timezone": "UTC",
        "start": START,
        "machines": [{"id": "OVEN", **oven}],
        "changeovers": [{"id": "recipe", "default_minutes": 30}],
        "products": [
            {"id": "part", "options": {"recipe": sorted(set(recipes))},
             "routing": [{"id": "bake", "machines": ["OVEN"], "minutes": 60,
                          "family_option": "recipe"}]}
        ],
        "orders": [
            {"id": f"O{k}", "product": "part", "options": {"recipe": r},
             "due": at(due), "priority": w}
            for k, (r, due, w) in enumerate(zip(recipes, dues, priorities, strict=True))
        ],
    }  # fmt: skip
    return build_problem(Scenario.model_validate(data))


def test_two_of_three_share_a_load() -> None:
    """Capacity 2 (by operations), three 60 min bakes due at 60.

    Two ride together [0, 60), the third follows [60, 120): 60 tardy. One
    at a time it would be 0 + 60 + 120 = 180; three in one load is over
    capacity.
    """
    batch = oven_orders(["a"] * 3, [60] * 3, [1] * 3,
                        batch={"capacity": 2, "size": "operations"})  # fmt: skip
    options = grid(0, range(0, 180, 30), (30, 60, 90))
    assert best(batch, [options] * 3) == 60
    single = oven_orders(["a"] * 3, [60] * 3, [1] * 3)
    assert best(single, [options] * 3) == 180


def test_recipes_load_apart_with_a_changeover_between() -> None:
    """Capacity 3; O0, O1 recipe a (weight 1), O2 recipe b (weight 3), due 60.

    b first [0, 60), 30 min changeover, a [90, 150): 90 + 90 = 180. a first
    costs 3 x 90 = 270. All three in one load would be 0, but recipes never
    share a load; without the changeover it would be 2 x 60 = 120.
    """
    problem = oven_orders(["a", "a", "b"], [60] * 3, [1, 1, 3],
                          batch={"capacity": 3}, changeovers="recipe")  # fmt: skip
    options = grid(0, range(0, 210, 30), (30, 60))
    assert best(problem, [options] * 3) == 180


def lots(transfer: int | None, *, oven: bool = False) -> Problem:
    """cut (10 min per unit) then weld (10 min per unit), 3 units, due 06:30.

    With `oven`, cut runs on a batch machine.
    """
    weld: dict[str, Any] = {"id": "weld", "machines": ["WELD"], "minutes_per_unit": 10}
    if transfer is not None:
        weld["transfer_quantity"] = transfer
    first: dict[str, Any] = {"id": "SAW"}
    if oven:
        first["batch"] = {"capacity": 3}
    data: dict[str, Any] = {
        "timezone": "UTC",
        "start": START,
        "machines": [first, {"id": "WELD"}],
        "products": [
            {"id": "frame", "routing": [
                {"id": "cut", "machines": ["SAW"], "minutes_per_unit": 10}, weld]}
        ],
        "orders": [{"id": "F", "product": "frame", "quantity": 3, "due": at(30)}],
    }  # fmt: skip
    return build_problem(Scenario.model_validate(data))


def test_lots_of_one_cut_the_lead_time() -> None:
    """cut [0, 30); weld may start at 10 (first lot) and must end at 40 or
    later (its last 10 minutes after cut ends): completion 40, tardy 10.
    Without lots weld runs [30, 60): tardy 30.
    """
    cut = grid(0, range(0, 70, 10), (20, 30, 40))
    weld = grid(1, range(0, 70, 10), (20, 30, 40))
    assert best(lots(1), [cut, weld]) == 10
    assert best(lots(None), [cut, weld]) == 30


def test_lots_after_a_batch_machine_wait_for_its_end() -> None:
    """The same order with cut on a batch machine: plain precedence, 30."""
    cut = grid(0, range(0, 70, 10), (20, 30, 40))
    weld = grid(1, range(0, 70, 10), (20, 30, 40))
    assert best(lots(1, oven=True), [cut, weld]) == 30
