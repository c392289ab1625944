"""Properties of solve, check, build_problem, merging and the schedule JSON.

Hypothesis draws small valid scenarios as plain dicts (as a planner's file
would hold them): 1-4 machines with speeds, configurable products with `when`
and `after` DAGs, inline routings, minimum and maximum waits, quantities,
object-form machine minutes, releases before and after `start`, priorities,
generous deadlines, shop-floor progress and random objective term lists.

The runs are derandomized and keep no example database, so CI sees the same
examples every time.
"""

from __future__ import annotations

import json
import math
import tempfile
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtosched import (
    InfeasibleError,
    InputError,
    NoScheduleFoundError,
    Problem,
    SolveParams,
    build_problem,
    check,
    load_scenario,
    read_schedule,
    solve,
)
from mtosched.export.json_writer import schedule_json
from mtosched.scenario.fields import ObjectiveTerm
from tests.helpers import validated
from tests.oracles.test_brute_force import assert_compiled_alike, read_instance

TERMS = get_args(ObjectiveTerm)
#: Terms that are never a constant in the CP-SAT model. Every drawn objective
#: contains one. An objective made only of terms that can be constants
#: (weighted tardiness with far due dates, changeovers, stability) once hit a
#: bug, now fixed; its regression test is in test_brute_force.py.
SEARCHED_TERMS = ("max_lateness", "late_orders", "earliness", "flow_time", "makespan")
ZONES = ("UTC", "Europe/London", "America/New_York")
START = "2026-03-28T22:00:00Z"  # three hours before London's clocks go forward
SPEEDS = (1, 1, 1.5, 0.8)
PARAMS = SolveParams(time_limit=2, workers=1, seed=0)

PROPERTIES = settings(
    max_examples=35,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- scenarios ----------------------------------------------------------------


def instant(minute: int) -> str:
    """START plus `minute` minutes, as a UTC instant."""
    moment = datetime.fromisoformat(START) + timedelta(minutes=minute)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def operations(
    draw: st.DrawFn,
    k: int,
    machines: list[str],
    options: dict[str, list[str]],
    *,
    max_waits: bool,
    conditional: bool,
) -> dict[str, Any]:
    """Operation `o{k}` of a routing; `when` only on its declared options."""
    op: dict[str, Any] = {"id": f"o{k}"}
    eligible = draw(
        st.lists(st.sampled_from(machines), min_size=1, max_size=3, unique=True)
    )
    if draw(st.booleans()) and draw(st.booleans()):  # object form, 1 in 4
        op["machines"] = {m: draw(st.integers(1, 60)) for m in eligible}
    else:
        op["machines"] = eligible
        kind = draw(st.sampled_from(["minutes", "per_unit", "both"]))
        if kind != "per_unit":
            op["minutes"] = draw(st.integers(1, 45))
        if kind != "minutes":
            op["minutes_per_unit"] = draw(st.integers(1, 15))
    if draw(st.integers(0, 3)) == 0:
        op["setup_minutes"] = draw(st.integers(0, 15))
    if k > 0 and draw(st.integers(0, 2)) == 0:  # a DAG; [] means no predecessor
        earlier = [f"o{j}" for j in range(k)]
        op["after"] = draw(st.lists(st.sampled_from(earlier), unique=True))
    if draw(st.integers(0, 2)) == 0:
        op["min_wait_minutes"] = draw(st.integers(0, 60))
    if max_waits and draw(st.integers(0, 3)) == 0:
        low = op.get("min_wait_minutes", 0)
        op["max_wait_minutes"] = low + draw(st.integers(0, 90))
    if conditional and options and draw(st.booleans()):
        option = draw(st.sampled_from(sorted(options)))
        values = draw(
            st.lists(st.sampled_from(options[option]), min_size=1, unique=True)
        )
        op["when"] = {option: values[0] if len(values) == 1 else values}
    if options and draw(st.integers(0, 4)) == 0:
        op["family_option"] = draw(st.sampled_from(sorted(options)))
    elif draw(st.integers(0, 4)) == 0:
        op["family"] = draw(st.sampled_from(["black", "white"]))
    return op


@st.composite
def routings(
    draw: st.DrawFn,
    machines: list[str],
    options: dict[str, list[str]],
    *,
    max_waits: bool,
) -> list[dict[str, Any]]:
    """1-4 operations; one of them unconditional, so no order is left empty."""
    length = draw(st.integers(1, 4))
    always = draw(st.integers(0, length - 1))
    return [
        draw(
            operations(
                k, machines, options, max_waits=max_waits, conditional=k != always
            )
        )
        for k in range(length)
    ]


def exists(op: dict[str, Any], chosen: dict[str, str]) -> bool:
    for option, wanted in op.get("when", {}).items():
        if chosen.get(option) not in ([wanted] if isinstance(wanted, str) else wanted):
            return False
    return True


def upper_minutes(op: dict[str, Any], quantity: int) -> int:
    """At least the operation's longest duration on any machine (rule 6)."""
    if isinstance(op["machines"], dict):
        processing = max(op["machines"].values())
    else:
        work = op.get("minutes", 0) + op.get("minutes_per_unit", 0) * quantity
        processing = math.ceil(Fraction(work) / Fraction("0.8"))  # slowest speed
    return processing + op.get("setup_minutes", 0)


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    max_orders: int = 6,
    max_waits: bool = True,
    deadlines: bool = True,
    progress: bool = True,
    batches: bool = False,
) -> dict[str, Any]:
    """A valid scenario dict (the generator's validity is asserted on use).

    With `batches` (format 1.1), some machines are batch machines, large
    enough for every order (rule 19), and some operations without waits and
    off batch machines take transfer lots of 1 to 3 units (rule 21).
    """
    zone = draw(st.sampled_from(ZONES))
    machine_ids = [f"M{i + 1}" for i in range(draw(st.integers(1, 4)))]
    machines: list[dict[str, Any]] = []
    for m in machine_ids:
        machine: dict[str, Any] = {"id": m}
        speed = draw(st.sampled_from(SPEEDS))
        if speed != 1 or draw(st.booleans()):
            machine["speed"] = speed
        if draw(st.booleans()):
            machine["work_center"] = "WC-" + m
        if batches and draw(st.integers(0, 2)) == 0:
            if draw(st.booleans()):
                machine["batch"] = {"capacity": draw(st.integers(5, 9))}
            else:
                machine["batch"] = {
                    "capacity": draw(st.integers(1, 4)),
                    "size": "operations",
                }
        machines.append(machine)

    products = []
    for p in range(draw(st.integers(0, 2))):
        options: dict[str, list[str]] = {}
        for name in draw(st.lists(st.sampled_from(["paint", "size"]), unique=True)):
            options[name] = draw(
                st.lists(
                    st.sampled_from(["a", "b", "c"]),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
        product: dict[str, Any] = {
            "id": f"P{p}",
            "routing": draw(routings(machine_ids, options, max_waits=max_waits)),
        }
        if options or draw(st.booleans()):
            product["options"] = options
        products.append(product)

    orders: list[dict[str, Any]] = []
    running_on: set[str] = set()
    work = 0  # an upper bound of all processing and waiting, for deadlines
    latest_release = 0
    dues: list[int] = []
    for j in range(draw(st.integers(1, max_orders))):
        order: dict[str, Any] = {"id": f"SO-{j + 1}"}
        if products and draw(st.booleans()):
            product = draw(st.sampled_from(products))
            order["product"] = product["id"]
            chosen = {
                name: draw(st.sampled_from(values))
                for name, values in product.get("options", {}).items()
            }
            if chosen or draw(st.booleans()):
                order["options"] = chosen
            routing = product["routing"]
        else:
            # An inline routing: its `when` may only name the order's own
            # choice, so every operation exists.
            chosen = {"finish": draw(st.sampled_from(["raw", "oiled"]))}
            if draw(st.booleans()):
                order["options"] = chosen
            routing = draw(
                routings(
                    machine_ids,
                    {"finish": [chosen["finish"]]} if "options" in order else {},
                    max_waits=max_waits,
                )
            )
            order["routing"] = routing
        quantity = draw(st.integers(1, 5))
        if quantity > 1 or draw(st.booleans()):
            order["quantity"] = quantity
        released = 0
        if draw(st.booleans()):
            released = draw(st.integers(-300, 300))
            order["released"] = instant(released)
        dues.append(max(released, 0) + draw(st.integers(0, 600)))
        order["due"] = instant(dues[-1])
        if draw(st.booleans()):
            order["priority"] = draw(st.integers(1, 5))
        status = draw(st.sampled_from(["confirmed"] * 6 + ["tentative", "cancelled"]))
        if status != "confirmed" or draw(st.booleans()):
            order["status"] = status
        live = [op for op in routing if exists(op, chosen)]
        if progress and draw(st.integers(0, 3)) == 0:
            n_done = draw(st.integers(0, len(live)))
            entries: dict[str, Any] = {
                op["id"]: {"state": "done"} for op in live[:n_done]
            }
            if n_done < len(live) and draw(st.booleans()):
                op = live[n_done]
                machine = draw(st.sampled_from(sorted(op["machines"])))
                if machine not in running_on:
                    running_on.add(machine)
                    started = draw(st.integers(-120, 0))
                    entries[op["id"]] = {
                        "state": "running",
                        "machine": machine,
                        "started": instant(started),
                    }
            if entries:
                order["progress"] = entries
        work += sum(upper_minutes(op, quantity) + 60 for op in live)
        work += sum(op.get("min_wait_minutes", 0) for op in live)
        latest_release = max(latest_release, released)
        orders.append(order)

    if deadlines:
        # Generous: every operation back to back after the latest release, and
        # not before the due date (a deadline before it is pinned separately,
        # see test_deadline_with_a_slower_eligible_machine).
        generous = latest_release + work
        for order, due in zip(orders, dues, strict=True):
            if draw(st.integers(0, 2)) == 0:
                at = max(generous, due) + draw(st.integers(0, 120))
                order["deadline"] = instant(at)

    if batches:
        batch_machines = {m["id"] for m in machines if "batch" in m}
        routings_drawn = [p["routing"] for p in products]
        routings_drawn += [o["routing"] for o in orders if "routing" in o]
        for routing in routings_drawn:
            for op in routing:
                waits = "min_wait_minutes" in op or "max_wait_minutes" in op
                on_batch = bool(set(op["machines"]) & batch_machines)
                free = not waits and not on_batch and "transfer_quantity" not in op
                if free and draw(st.integers(0, 1)) == 0:
                    op["transfer_quantity"] = draw(st.integers(1, 3))

    scenario: dict[str, Any] = {
        "name": "drawn",
        "timezone": zone,
        "start": START,
        "machines": machines,
        "products": products,
        "orders": orders,
    }
    if draw(st.integers(0, 4)) > 0:
        first = draw(st.sampled_from(SEARCHED_TERMS))
        others = draw(st.lists(st.sampled_from(TERMS), max_size=3, unique=True))
        terms = [t for t in others if t != first]
        terms.insert(draw(st.integers(0, len(terms))), first)
        scenario["objective"] = {"terms": terms}
    return scenario


def has_max_waits(data: dict[str, Any]) -> bool:
    routings_ = [p["routing"] for p in data["products"]]
    routings_ += [o["routing"] for o in data["orders"] if "routing" in o]
    return any("max_wait_minutes" in op for r in routings_ for op in r)


def same_problem(a: Problem, b: Problem) -> None:
    assert a.machines == b.machines
    assert a.orders == b.orders
    assert a.tasks == b.tasks
    assert a.task_index == b.task_index
    assert (a.start, a.timezone, a.objective) == (b.start, b.timezone, b.objective)


# --- (a) every schedule passes the independent check ---------------------------


@PROPERTIES
@given(scenarios())
def test_solve_gives_checked_schedules(data: dict[str, Any]) -> None:
    solved_and_checked(data)


@PROPERTIES
@given(scenarios(batches=True))
def test_batches_and_transfer_lots_give_checked_schedules(
    data: dict[str, Any],
) -> None:
    """Format 1.1 drawn: the list schedule, its key search and the
    neighbourhood steps return schedules the independent checker accepts."""
    solved_and_checked(data)


def solved_and_checked(data: dict[str, Any]) -> None:
    """Solve a drawn scenario; the schedule passes the independent check."""
    problem = build_problem(validated(data))
    assert_compiled_alike(problem, read_instance(data))
    try:
        schedule = solve(problem, PARAMS)
    except (InfeasibleError, NoScheduleFoundError):
        # Deadlines are generous (all work back to back fits before them), so
        # only maximum waits can make a drawn scenario infeasible.
        assert has_max_waits(data)
        return
    report = check(problem, schedule)
    assert report.ok, report.violations
    assert report.evaluation is not None
    assert list(schedule.objective) == list(problem.objective)
    for term, value in schedule.objective.items():
        assert value == report.evaluation.terms[term], term
    assert schedule.status in ("optimal", "feasible")
    for term, bound in schedule.bound.items():
        assert bound <= schedule.objective[term], term
    if schedule.status == "optimal":
        assert schedule.bound == schedule.objective
    assert len(schedule.orders) == len(problem.orders)
    assert len(schedule.operations) == len(problem.tasks)


# --- (b) dumping and re-reading a scenario compiles to the same problem ---------


@PROPERTIES
@given(scenarios())
def test_scenario_dump_round_trips(data: dict[str, Any]) -> None:
    scenario = validated(data)
    dumped = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    again = validated(json.loads(json.dumps(dumped)))
    assert again == scenario
    same_problem(build_problem(again), build_problem(scenario))


# --- (c) the order of merged files does not matter ------------------------------


@PROPERTIES
@given(scenarios(max_orders=3, max_waits=False, progress=False))
def test_merge_order_does_not_matter(data: dict[str, Any]) -> None:
    validated(data)
    master = {k: data[k] for k in ("name", "timezone", "machines", "products")}
    night = {k: v for k, v in data.items() if k not in master}
    with tempfile.TemporaryDirectory() as tmp:
        plant = Path(tmp, "plant.json")
        orders = Path(tmp, "orders.json")
        plant.write_text(json.dumps(master), encoding="utf-8")
        orders.write_text(json.dumps(night), encoding="utf-8")
        forward = build_problem(load_scenario(plant, orders))
        backward = build_problem(load_scenario(orders, plant))
    same_problem(forward, backward)
    same_problem(forward, build_problem(validated(data)))
    first = solve(forward, PARAMS)
    second = solve(backward, PARAMS)
    assert first.status == second.status == "optimal"
    assert first.objective == second.objective


# --- (d) the schedule JSON reads back and passes the check ----------------------


@PROPERTIES
@given(scenarios(max_waits=False))
def test_schedule_json_round_trips(data: dict[str, Any]) -> None:
    problem = build_problem(validated(data))
    schedule = solve(problem, PARAMS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "plan.json")
        path.write_text(schedule_json(schedule), encoding="utf-8")
        again = read_schedule(path)
    report = check(problem, again)
    assert report.ok, report.violations
    assert again.objective == schedule.objective
    assert again.orders == schedule.orders
    assert again.operations == schedule.operations
    assert again.kpis == schedule.kpis


# --- regressions: bugs these tests found, fixed ---------------------------------------------------------------


class KnownBugError(Exception):
    """A regression of a fixed bug (kept distinct from other failures)."""


def solve_or_known_bug(problem: Problem) -> Any:
    """Solve; the check failure inside `solve` is the known bug."""
    try:
        return solve(problem, PARAMS)
    except RuntimeError as exc:
        if "fails the independent check" in str(exc):
            raise KnownBugError(str(exc)) from exc
        raise


DEADLINE_BUG = (
    "FIXED BUG: deadlines are enforced only through start-time domains computed with "
    "each task's shortest duration (bounds.Windows.latest_start), and the "
    "non-guarded model posts no completion <= deadline constraint; a task "
    "placed on a slower eligible machine can end after its deadline, so solve "
    "raises RuntimeError ('fails the independent check') instead of returning "
    "a schedule or raising InfeasibleError"
)


def test_deadline_with_a_slower_eligible_machine() -> None:
    """Earliness pulls A towards its due date, past its earlier deadline.

    A runs 60 min on M1 or 30 min on M2; deadline 06:00 + 90 min, due + 120.
    Best: complete at the deadline (on either machine), earliness 30.
    """
    data = {
        "start": "2026-11-30T06:00:00Z",
        "machines": [{"id": "M1"}, {"id": "M2"}],
        "orders": [
            {
                "id": "A",
                "routing": [{"id": "op", "machines": {"M1": 60, "M2": 30}}],
                "due": "2026-11-30T08:00:00Z",
                "deadline": "2026-11-30T07:30:00Z",
            }
        ],
        "objective": {"terms": ["earliness"]},
    }
    problem = build_problem(validated(data))
    schedule = solve_or_known_bug(problem)
    assert check(problem, schedule).ok
    assert schedule.status == "optimal"
    assert schedule.objective == {"earliness": 30}


def test_infeasible_deadlines_with_a_slower_eligible_machine() -> None:
    """A and B cannot both meet their deadlines: the answer is InfeasibleError.

    A: 30 min on M1, deadline +30. B: 30 min on M1 or 60 min on M2, deadline
    +59. B on M2 ends at 60; on M1 after A at 60; before A it pushes A to 60.
    """
    data = {
        "start": "2026-11-30T06:00:00Z",
        "machines": [{"id": "M1"}, {"id": "M2"}],
        "orders": [
            {
                "id": "A",
                "routing": [{"id": "op", "machines": ["M1"], "minutes": 30}],
                "due": "2026-11-30T06:30:00Z",
                "deadline": "2026-11-30T06:30:00Z",
            },
            {
                "id": "B",
                "routing": [{"id": "op", "machines": {"M1": 30, "M2": 60}}],
                "due": "2026-11-30T06:59:00Z",
                "deadline": "2026-11-30T06:59:00Z",
            },
        ],
    }
    problem = build_problem(validated(data))
    with pytest.raises(InfeasibleError):
        solve_or_known_bug(problem)


def test_two_running_operations_on_one_machine() -> None:
    data = {
        "start": "2026-11-30T06:00:00Z",
        "machines": [{"id": "M1"}],
        "orders": [
            {
                "id": oid,
                "routing": [{"id": "op", "machines": ["M1"], "minutes": 60}],
                "due": "2026-11-30T08:00:00Z",
                "progress": {
                    "op": {
                        "state": "running",
                        "machine": "M1",
                        "started": "2026-11-30T05:30:00Z",
                    }
                },
            }
            for oid in ("A", "B")
        ],
    }
    try:
        problem = build_problem(validated(data))
    except InputError:
        return  # refused as contradictory input: fine
    with pytest.raises((InputError, InfeasibleError)):
        solve_or_known_bug(problem)
