"""The checker as an oracle: every placement on a grid, the best it accepts.

On tiny instances all placements with starts and ends on a coarse integer
grid are enumerated; the checker keeps the feasible ones, and the best
weighted tardiness among them must equal the optimum worked out by hand in
each test's docstring. A checker too strict misses the optimum; a checker
too lax accepts something better than it.

The batch instances are then solved by CP-SAT: the whole-plant model
through `solve_problem` must prove the same optimum (status "optimal", so
the model itself, not the list schedule, found and proved it), and its
schedule must pass the checker.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from ortools.sat.python import cp_model

from mtosched import Scenario, SolveParams, build_problem
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.neighbourhoods import freeable
from mtosched.cpsat.solver import solve_problem
from mtosched.heuristic.dispatch import dispatch
from mtosched.params import TimeAccount
from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
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


def solved(problem: Problem) -> int:
    """The weighted tardiness the full CP-SAT model proves optimal.

    Its schedule passes the checker and carries the value it claims.
    """
    account = TimeAccount()
    params = SolveParams(time_limit=10, workers=1, seed=0)
    outcome = solve_problem(problem, params, account)
    assert account.full_model == "run"
    stage = outcome.stages[0]
    assert stage.term == "weighted_tardiness"
    assert stage.status == "optimal"
    report = check(problem, outcome.solution)
    assert report.ok, report.violations
    assert report.evaluation is not None
    assert report.evaluation.terms["weighted_tardiness"] == stage.value
    return stage.value


def grid(
    machine: int, starts: range, lengths: tuple[int, ...]
) -> list[tuple[int, int, int]]:
    return [(machine, s, s + n) for s in starts for n in lengths]


def oven_orders(
    recipes: list[str],
    dues: list[int],
    priorities: list[int],
    quantities: list[int] | None = None,
    **oven: Any,
) -> Problem:
    """One 60 min bake per order; `oven` fields go on the machine."""
    quantities = quantities or [1] * len(recipes)
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
             "due": at(due), "priority": w, "quantity": q}
            for k, (r, due, w, q) in enumerate(
                zip(recipes, dues, priorities, quantities, strict=True))
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
    assert solved(batch) == 60
    single = oven_orders(["a"] * 3, [60] * 3, [1] * 3)
    assert best(single, [options] * 3) == 180
    assert solved(single) == 180


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
    assert solved(problem) == 180


def test_quantities_bound_the_load() -> None:
    """Capacity 4 by quantity; O0 (3 units, weight 3), O1 and O2 (2 units), due 60.

    O0 fits with neither (5 > 4), O1 and O2 fit together: O0 [0, 60), then
    O1 + O2 [60, 120): 60 + 60 = 120; the other way round 3 x 60 = 180.
    With capacity 5, O0 + O1 [0, 60) and O2 after: 60.
    """
    options = grid(0, range(0, 180, 30), (30, 60, 90))
    tight = oven_orders(["a"] * 3, [60] * 3, [3, 1, 1], [3, 2, 2],
                        batch={"capacity": 4})  # fmt: skip
    assert best(tight, [options] * 3) == 120
    assert solved(tight) == 120
    roomy = oven_orders(["a"] * 3, [60] * 3, [3, 1, 1], [3, 2, 2],
                        batch={"capacity": 5})  # fmt: skip
    assert best(roomy, [options] * 3) == 60
    assert solved(roomy) == 60


def test_recipes_never_share_a_load() -> None:
    """Capacity 3, no changeovers; recipes a and b due 60: [0, 60) and [60, 120).

    One load would make 0; apart, the second is 60 late.
    """
    problem = oven_orders(["a", "b"], [60, 60], [1, 1], batch={"capacity": 3})
    options = grid(0, range(0, 180, 30), (30, 60, 90))
    assert best(problem, [options] * 2) == 60
    assert solved(problem) == 60


def plant(
    orders: list[dict[str, Any]],
    *,
    capacity: int = 2,
    calendar: bool = False,
    bench: bool = False,
) -> Problem:
    """An oven (`capacity` by operations) and the given orders.

    With `calendar` the oven works 06:00-08:00 and 09:00-12:00 ([0, 120)
    and [180, 360)); with `bench` a second machine BENCH and a crew
    `inspector` of one exist.
    """
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    oven: dict[str, Any] = {
        "id": "OVEN",
        "batch": {"capacity": capacity, "size": "operations"},
    }
    data: dict[str, Any] = {
        "timezone": "UTC",
        "start": START,
        "machines": [oven],
        "orders": orders,
    }
    if calendar:
        oven["calendar"] = "oven-hours"
        data["calendars"] = [{"id": "oven-hours", "shifts": [
            {"days": days, "from": "06:00", "to": "08:00"},
            {"days": days, "from": "09:00", "to": "12:00"}]}]  # fmt: skip
    if bench:
        data["machines"].append({"id": "BENCH"})
        data["resources"] = [{"id": "inspector", "capacity": 1}]
    return build_problem(Scenario.model_validate(data))


def one_step(
    order: str, machine: str, minutes: int, due: int, **more: Any
) -> dict[str, Any]:
    """An order of one operation on `machine`; `more` goes on the operation,
    except `priority` and `released`, which go on the order."""
    placed = {k: more.pop(k) for k in ("priority", "released") if k in more}
    if "released" in placed:
        placed["released"] = at(placed["released"])
    step = {"id": "run", "machines": [machine], "minutes": minutes, **more}
    return {"id": order, "routing": [step], "due": at(due), **placed}


def test_a_batch_spans_a_break_unless_a_member_is_stiff() -> None:
    """Oven works [0, 120) and [180, 360); O0 bakes 120 (due 120), O1 60 (due 240),
    both released at 60.

    Together from 60 the batch works [60, 120) and [180, 240): both end at
    240, O0 is 120 late, O1 on time: 120. One at a time costs 180 either
    way round (O0 [60, 240) then O1 [240, 300); or O1 [60, 120), O0
    [180, 300)). A stiff O1 makes the batch stiff: it may not span the
    break, so sharing means [180, 300), 180 + 60; the optimum is 180.
    """
    options = grid(0, range(0, 360, 60), (60, 120, 180))
    for stiff, optimum in ((False, 120), (True, 180)):
        extra = {"interruptible": False} if stiff else {}
        problem = plant(
            [
                one_step("O0", "OVEN", 120, 120, released=60),
                one_step("O1", "OVEN", 60, 240, released=60, **extra),
            ],
            calendar=True,
        )
        assert best(problem, [options] * 2) == optimum
        assert solved(problem) == optimum


def test_a_crew_is_held_for_the_whole_batch() -> None:
    """O0 bakes 120, O1 bakes 60 holding the inspector (both weight 2, due
    120); O2 is checked 60 min on BENCH by the inspector (due 60).

    O1 riding with O0 in [0, 120) holds the inspector until 120, so O2
    waits: 120. O2 first [0, 60), O0 [0, 120), O1 [120, 180): 2 x 60 =
    120 too; nothing is better. Were the crew held only for O1's own 60
    minutes, O2 could run [60, 120) beside the batch: 60.
    """
    problem = plant(
        [
            one_step("O0", "OVEN", 120, 120, priority=2),
            one_step("O1", "OVEN", 60, 120, priority=2, uses={"inspector": 1}),
            one_step("O2", "BENCH", 60, 60, uses={"inspector": 1}),
        ],
        bench=True,
    )
    oven = grid(0, range(0, 240, 60), (60, 120))
    bench = grid(1, range(0, 240, 60), (60, 120))
    assert best(problem, [oven, oven, bench]) == 120
    assert solved(problem) == 120


def test_a_step_swaps_members_between_pinned_batches() -> None:
    """Capacity 2 by operations, 60 min bakes; O0 and O2 due 60 (O2 weight 5),
    O1 due 120, O3 due 200.

    The incumbent bakes O0 + O1 [0, 60), then O2 + O3 [60, 120): 300. A
    neighbourhood step that frees O1 and O2 only, with O0 and O3 pinned,
    moves O2 into O0's load and O1 into O3's: 0, the brute-force optimum.
    """
    problem = oven_orders(["a"] * 4, [60, 120, 60, 200], [1, 1, 5, 1],
                          batch={"capacity": 2, "size": "operations"})  # fmt: skip
    assert best(problem, [grid(0, range(0, 180, 60), (60,))] * 4) == 0
    incumbent = Solution(
        (Placement(0, 0, 60), Placement(0, 0, 60),
         Placement(0, 60, 120), Placement(0, 60, 120))
    )  # fmt: skip
    assert check(problem, incumbent).ok
    assert freeable(problem, incumbent, {1, 2}) == {1, 2}
    pinned = {0: incumbent.placements[0], 3: incumbent.placements[3]}
    sm = ScheduleModel(problem, compute_windows(problem, incumbent), pinned=pinned)
    sm.model.minimize(sm.term("weighted_tardiness"))
    sm.add_hint(incumbent)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(sm.model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == 0
    found = sm.extract(solver)
    report = check(problem, found)
    assert report.ok, report.violations
    assert found.placements[1] == Placement(0, 60, 120)
    assert found.placements[2] == Placement(0, 0, 60)


def lots(transfer: int | None, *, oven: bool = False, breaks: bool = False) -> Problem:
    """cut (10 min per unit) then weld (10 min per unit), 3 units, due 06:30.

    With `oven`, cut runs on a batch machine; with `breaks`, SAW and WELD
    work by calendars with a break each (06:20-06:40 and 06:45-06:55).
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
    if breaks:
        days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        data["calendars"] = [
            {"id": "saw-hours", "shifts": [
                {"days": days, "from": "06:00", "to": "06:20"},
                {"days": days, "from": "06:40", "to": "12:00"}]},
            {"id": "weld-hours", "shifts": [
                {"days": days, "from": "06:00", "to": "06:45"},
                {"days": days, "from": "06:55", "to": "12:00"}]},
        ]  # fmt: skip
        data["machines"][0]["calendar"] = "saw-hours"
        data["machines"][1]["calendar"] = "weld-hours"
    return build_problem(Scenario.model_validate(data))


def test_lots_of_one_cut_the_lead_time() -> None:
    """cut [0, 30); weld may start at 10 (first lot) and must end at 40 or
    later (its last 10 minutes after cut ends): completion 40, tardy 10.
    Without lots weld runs [30, 60): tardy 30. The full model (lots around
    the clock are linear) proves both.
    """
    cut = grid(0, range(0, 70, 10), (20, 30, 40))
    weld = grid(1, range(0, 70, 10), (20, 30, 40))
    assert best(lots(1), [cut, weld]) == 10 == solved(lots(1))
    assert best(lots(None), [cut, weld]) == 30 == solved(lots(None))


def test_lots_after_a_batch_machine_wait_for_its_end() -> None:
    """The same order with cut on a batch machine: plain precedence, 30."""
    cut = grid(0, range(0, 70, 10), (20, 30, 40))
    weld = grid(1, range(0, 70, 10), (20, 30, 40))
    assert best(lots(1, oven=True), [cut, weld]) == 30 == solved(lots(1, oven=True))


def test_lots_on_calendars_with_breaks() -> None:
    """SAW breaks 06:20-06:40 and WELD 06:45-06:55 (minutes 20-40, 45-55).

    cut works [0, 50) around its break; its first lot is done at 10. weld
    (30 working minutes) must still work 10 of them after 50: from 25 it
    works 25-45 and 55-65, 10 minutes after 50, and ends at 65, tardy 35;
    from 24 it would work only 9 after 50. A plain precedence would start
    it at 55 (tardy 55), and a bound that ignored the break would end it
    at 60. The full model proves 35.
    """
    problem = lots(1, breaks=True)
    cut = grid(0, range(0, 70, 5), (30, 50))
    weld = grid(1, range(0, 70, 5), (30, 40, 50))
    assert best(problem, [cut, weld]) == 35 == solved(problem)
    # both sides of the pair may go free in one neighbourhood step
    assert freeable(problem, dispatch(problem), {0, 1}) == {0, 1}
