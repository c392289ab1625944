"""Batches in the CP-SAT model: the incumbent is a schedule of every step's model.

Neighbourhood search hints each step with the incumbent and accepts only
what the checker passes. On drawn batch plants (format 1.1: batch machines
by quantity and by operations, transfer lots elsewhere), whatever share of
the dispatch schedule a step frees, the hint fixed as it is must be
feasible in the step's model (lead, join and batch-end variables included),
and the step's optimum must be no worse than the incumbent and pass the
checker.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from mtosched import build_problem, check
from mtosched.cpsat.batch_rules import unmodelled
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.neighbourhoods import freeable
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.verify.evaluate import evaluate
from tests.cpsat.test_neighbourhood_model import dispatched
from tests.oracles.test_brute_force_batches import plant
from tests.oracles.test_properties import PROPERTIES, scenarios, validated

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@st.composite
def ovens(draw: st.DrawFn) -> dict[str, Any]:
    """A plant where loads form: one or two ovens, a bench before them.

    Bakes of two recipes (or none), stiff or not, some holding a crew, on
    ovens with or without a break in their hours and a recipe changeover;
    sometimes a bake is running since before the start.
    """
    machines: list[dict[str, Any]] = []
    for m in range(draw(st.integers(1, 2))):
        oven: dict[str, Any] = {"id": f"OVEN-{m}"}
        if draw(st.booleans()):
            oven["batch"] = {"capacity": draw(st.integers(2, 6))}
        else:
            size = {"capacity": draw(st.integers(2, 3)), "size": "operations"}
            oven["batch"] = size
        if draw(st.booleans()):
            oven["calendar"] = "hours"
        if draw(st.booleans()):
            oven["changeovers"] = "recipe"
            oven["initial_family"] = draw(st.sampled_from(["a", "b"]))
        machines.append(oven)
    machines.append({"id": "BENCH"})
    orders = []
    for j in range(draw(st.integers(2, 7))):
        bake: dict[str, Any] = {
            "id": "bake",
            "machines": draw(
                st.lists(st.sampled_from([m["id"] for m in machines[:-1]]),
                         min_size=1, unique=True)),
            "minutes": draw(st.sampled_from([30, 45, 60, 90])),
        }  # fmt: skip
        matrix = any("changeovers" in m for m in machines)
        recipe = draw(st.sampled_from(["a", "a", "b"] + ([] if matrix else [None])))
        if recipe is not None:
            bake["family"] = recipe
        if draw(st.integers(0, 3)) == 0:
            bake["interruptible"] = False
        if draw(st.integers(0, 3)) == 0:
            bake["uses"] = {"crew": 1}
        routing = [bake]
        if draw(st.booleans()):
            routing.insert(0, {"id": "prep", "machines": ["BENCH"], "minutes": 20})
        order: dict[str, Any] = {
            "id": f"O{j}",
            "routing": routing,
            "quantity": draw(st.integers(1, 2)),
            "due": instant(draw(st.integers(0, 300))),
            "priority": draw(st.integers(1, 3)),
        }
        if j == 0 and len(routing) == 1 and draw(st.booleans()):
            order["progress"] = {"bake": {"state": "running",
                "machine": bake["machines"][0], "started": instant(-20)}}  # fmt: skip
        orders.append(order)
    terms = draw(st.sampled_from([
        ["weighted_tardiness", "flow_time"], ["makespan"], ["flow_time"],
        ["changeover_minutes", "weighted_tardiness"], ["late_orders"]]))  # fmt: skip
    return {
        "timezone": "UTC",
        "start": START,
        "calendars": [{"id": "hours", "shifts": [
            {"days": DAYS, "from": "06:00", "to": "08:00"},
            {"days": DAYS, "from": "08:30", "to": "18:00"}]}],
        "changeovers": [{"id": "recipe", "default_minutes": 25}],
        "resources": [{"id": "crew", "capacity": 1}],
        "machines": machines,
        "orders": orders,
        "objective": {"terms": terms},
    }  # fmt: skip


def instant(minute: int) -> str:
    """START plus `minute` minutes (START is 06:00 UTC)."""
    hours, minutes = divmod(6 * 60 + minute, 60)
    days, hours = divmod(hours, 24)
    return f"2026-12-{7 + days:02d}T{hours:02d}:{minutes:02d}:00Z"


START = "2026-12-07T06:00:00Z"


def solver_for(seconds: float, *, fixed_hint: bool = False) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.fix_variables_to_their_hinted_value = fixed_hint
    return solver


@settings(PROPERTIES, max_examples=40)
@given(scenarios(batches=True, max_orders=6), st.integers(0, 10**6))
def test_a_step_holds_its_incumbent_and_never_loses(
    data: dict[str, Any], seed: int
) -> None:
    """Free a random share (through `freeable`); the hint is a schedule of the step."""
    assert_step_holds(data, seed)


@settings(PROPERTIES, max_examples=200)
@given(ovens(), st.integers(0, 10**6))
def test_a_step_on_ovens_holds_its_incumbent_and_never_loses(
    data: dict[str, Any], seed: int
) -> None:
    """The same on plants where loads form: recipes, breaks, stiff bakes, crews."""
    assert_step_holds(data, seed)


def assert_step_holds(data: dict[str, Any], seed: int) -> None:
    """Whatever share a step frees, its model holds the incumbent and checks."""
    problem, incumbent = dispatched(data)
    rng = random.Random(seed)
    share = rng.choice([0.3, 0.6, 1.0])
    chosen = {t for t in problem.free_tasks if rng.random() < share}
    free = freeable(problem, incumbent, chosen)
    pinned = {t: incumbent.placements[t] for t in problem.free_tasks if t not in free}
    windows = compute_windows(problem, incumbent)
    term = problem.objective[0]
    loads: dict[tuple[int, int], list[int]] = {}
    for t, place in enumerate(incumbent.placements):
        if problem.machines[place.machine].batches:
            loads.setdefault((place.machine, place.start), []).append(t)
    for members in loads.values():
        if len(members) > 1 and free & set(members):
            whole = set(members) <= free
            event("a load freed whole" if whole else "a load freed in part")

    hinted = ScheduleModel(problem, windows, pinned=pinned)
    hinted.add_hint(incumbent)
    solver = solver_for(20, fixed_hint=True)
    status = solver.solve(hinted.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), solver.status_name(status)

    step = ScheduleModel(problem, windows, pinned=pinned)
    step.model.minimize(step.term(term))
    step.add_hint(incumbent)
    solver = solver_for(20)
    assert solver.solve(step.model) == cp_model.OPTIMAL
    found = step.extract(solver)
    report = check(problem, found)
    assert report.ok, report.violations
    value = evaluate(problem, found).terms[term]
    assert value == round(solver.objective_value)
    assert value <= evaluate(problem, incumbent).terms[term]


def bakes(*minutes: int, **more: Any) -> list[dict[str, Any]]:
    """One order per bake of so many minutes; `more` goes on each operation."""
    return [
        {"id": f"O{k}", "due": "2026-12-07T08:00:00Z",
         "routing": [{"id": "bake", "machines": ["OVEN"], "minutes": n, **more}]}
        for k, n in enumerate(minutes)
    ]  # fmt: skip


def test_part_of_a_batch_goes_free_with_a_longest_member_pinned() -> None:
    """Bakes of 60 (O0), 90 (O1) and 60 (O2) min share one load.

    Freeing O1 alone would leave a pinned load that ends 30 min after its
    longest member: O1 stays. O0 and O2 may go, O1 keeps the load's end.
    Freed whole, the load can be formed again.
    """
    problem = plant(bakes(60, 90, 60), capacity=3)
    load = Solution((Placement(0, 0, 90),) * 3)
    assert check(problem, load).ok
    assert freeable(problem, load, {1}) == set()
    assert freeable(problem, load, {0, 1}) == {0}
    assert freeable(problem, load, {0, 2}) == {0, 2}
    assert freeable(problem, load, {0, 1, 2}) == {0, 1, 2}


def test_different_working_times_leave_the_full_model_unbuilt() -> None:
    """A crew with its own calendar gives one bake another working time.

    The model never batches such work (rule 18 would, in the intersection
    of the calendars), so its optimum would claim too much: `unmodelled`
    says so, and the full model is not built. The same bakes without the
    crew are modelled exactly.
    """
    assert unmodelled(plant(bakes(60, 60))) is None
    orders = bakes(60) + bakes(60, uses={"crew": 1})[:1]
    orders[1]["id"] = "O1"
    data: dict[str, Any] = {
        "timezone": "UTC",
        "start": "2026-12-07T06:00:00Z",
        "machines": [{"id": "OVEN", "batch": {"capacity": 2}}],
        "calendars": [{"id": "day", "shifts": [
            {"days": ["mon", "tue", "wed", "thu", "fri"],
             "from": "06:00", "to": "14:00"}]}],
        "resources": [{"id": "crew", "capacity": 1, "calendar": "day"}],
        "orders": orders,
    }  # fmt: skip
    problem = build_problem(validated(data))
    assert unmodelled(problem) == "batch members with different working times on OVEN"
