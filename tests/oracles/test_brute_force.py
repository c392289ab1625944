"""The solver's optima against an independent brute force on tiny instances.

Each instance is generated from a seed as a scenario dict: 2-3 machines (some
with a `speed`), 3-5 orders with 1-3 operations each, some operations on two
eligible machines with different durations, releases before and after
`start`, due dates, priorities, minimum waits, product options with `when`,
`after` DAGs, instants written with several offsets or naive in the scenario's
zone, a few operations already `done` or `running`. No maximum waits and no
deadlines: then every regular objective has an optimum among the semi-active
schedules, which the brute force enumerates completely.

The brute force reads the scenario dict itself (durations, routings, instants
in minutes) following the contract, without mtosched's compiler, dispatcher
or solver, so a mistake on either side shows up as a different optimum.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mtosched import Problem, Scenario, SolveParams, build_problem, check, solve
from mtosched.scenario.references import check_references

START = datetime.fromisoformat("2026-03-28T22:00:00+00:00")  # Europe/London
# moves to summer time at 2026-03-29 01:00 UTC, three hours after this start.
ZONES = ("UTC", "Europe/London", "America/New_York")
REGULAR_TERMS = (
    "weighted_tardiness",
    "max_lateness",
    "late_orders",
    "flow_time",
    "makespan",
)
SEEDS = range(20)
#: Semi-active schedules enumerated per instance at most (assignments x
#: per-machine sequences), so that one brute force stays well under a second.
MAX_COMBINATIONS = 12_000
PARAMS = SolveParams(time_limit=20, workers=1, seed=0)


# --- an independent reading of the contract ---------------------------------


@dataclass(frozen=True)
class BfTask:
    """One operation to place: eligible machines with their minutes."""

    order: int
    key: tuple[str, str]  # (order id, operation id)
    modes: dict[int, int]  # machine index -> minutes
    preds: tuple[int, ...]
    release: int
    min_wait: int
    max_wait: int | None = None
    fixed: tuple[int, int, int] | None = None  # machine, start, end


@dataclass(frozen=True)
class BfOrder:
    """An order in the objective: weight and instants in minutes from start."""

    id: str
    priority: int
    released: int
    due: int
    tasks: tuple[int, ...]


@dataclass(frozen=True)
class BfInstance:
    """Tasks and orders read from a scenario dict, minutes from `start`."""

    machines: tuple[str, ...]
    tasks: tuple[BfTask, ...]
    orders: tuple[BfOrder, ...]


def parse_instant(text: str, zone: str) -> datetime:
    """An ISO 8601 instant; a naive one is read in `zone` (fold=0, rule 2)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def minutes_of(text: str, zone: str, start: datetime) -> int:
    """Whole minutes from `start` to an instant, floored (rule 1)."""
    return math.floor((parse_instant(text, zone) - start).total_seconds() / 60)


def op_minutes(op: dict[str, Any], machine: dict[str, Any], quantity: int) -> int:
    """Contract rule 6, with exact fractions instead of decimals."""
    if isinstance(op["machines"], dict):
        processing = op["machines"][machine["id"]]
    else:
        work = op.get("minutes", 0) + op.get("minutes_per_unit", 0) * quantity
        speed = Fraction(str(machine.get("speed", 1)))
        processing = math.ceil(Fraction(work) / speed)
    return processing + op.get("setup_minutes", 0)


def exists(op: dict[str, Any], options: dict[str, str]) -> bool:
    """Whether the order's options match the operation's `when`."""
    for option, wanted in op.get("when", {}).items():
        allowed = [wanted] if isinstance(wanted, str) else wanted
        if options.get(option) not in allowed:
            return False
    return True


def direct_preds(routing: list[dict[str, Any]], k: int) -> list[str]:
    """`after`, or the previous operation in the list when it is absent."""
    if "after" in routing[k]:
        return list(routing[k]["after"])
    return [routing[k - 1]["id"]] if k > 0 else []


def read_instance(data: dict[str, Any]) -> BfInstance:
    """Compile a scenario dict by the contract's rules 6-8, 11, 12 and 14.

    Maximum waits are read too (for the property tests' cross-check); the
    brute force itself is only run on instances without them.
    """
    zone = data.get("timezone", "UTC")
    start = parse_instant(data["start"], zone).replace(second=0, microsecond=0)
    machines = data["machines"]
    machine_index = {m["id"]: i for i, m in enumerate(machines)}
    products = {p["id"]: p for p in data.get("products", [])}
    tasks: list[BfTask] = []
    orders: list[BfOrder] = []
    for order in data["orders"]:
        if order.get("status", "confirmed") != "confirmed":
            continue
        routing = (
            products[order["product"]]["routing"]
            if "product" in order
            else (order["routing"])
        )
        options = order.get("options", {})
        quantity = order.get("quantity", 1)
        progress = order.get("progress", {})
        position = {op["id"]: k for k, op in enumerate(routing)}
        live = {op["id"] for op in routing if exists(op, options)}
        done = {k for k, v in progress.items() if v["state"] == "done"}
        remaining = [op for op in routing if op["id"] in live and op["id"] not in done]
        if not remaining:
            continue  # rule 12
        released = (
            minutes_of(order["released"], zone, start) if "released" in order else 0
        )
        local = {op["id"]: len(tasks) + n for n, op in enumerate(remaining)}
        first = len(tasks)
        for op in remaining:
            # Rule 7: a predecessor that does not exist is replaced by its own.
            preds: list[str] = []
            stack = direct_preds(routing, position[op["id"]])
            seen: set[str] = set()
            while stack:
                p = stack.pop()
                if p in seen:
                    continue
                seen.add(p)
                if p in live:
                    preds.append(p)
                else:
                    stack.extend(direct_preds(routing, position[p]))
            preds = [p for p in preds if p not in done]  # rule 8
            modes = {
                machine_index[m]: op_minutes(op, machines[machine_index[m]], quantity)
                for m in op["machines"]
            }
            fixed = None
            entry = progress.get(op["id"])
            if entry is not None and entry["state"] == "running":
                m = machine_index[entry["machine"]]
                started = minutes_of(entry["started"], zone, start)
                fixed = (m, started, max(started + modes[m], 1))  # rule 11
                preds = []
            tasks.append(
                BfTask(
                    order=len(orders),
                    key=(order["id"], op["id"]),
                    modes=modes,
                    preds=tuple(sorted(local[p] for p in preds)),
                    release=max(0, released),
                    min_wait=op.get("min_wait_minutes", 0) if preds else 0,
                    max_wait=op.get("max_wait_minutes") if preds else None,
                    fixed=fixed,
                )
            )
        orders.append(
            BfOrder(
                id=order["id"],
                priority=order.get("priority", 1),
                released=released,
                due=minutes_of(order["due"], zone, start),
                tasks=tuple(range(first, len(tasks))),
            )
        )
    return BfInstance(tuple(m["id"] for m in machines), tuple(tasks), tuple(orders))


# --- the brute force ---------------------------------------------------------


def free_tasks(inst: BfInstance) -> list[int]:
    return [t for t, task in enumerate(inst.tasks) if task.fixed is None]


def count_combinations(inst: BfInstance) -> int:
    """Assignments times the sequences of each machine's operations."""
    free = free_tasks(inst)
    total = 0
    for assignment in itertools.product(*(inst.tasks[t].modes for t in free)):
        loads = [assignment.count(m) for m in range(len(inst.machines))]
        total += math.prod(math.factorial(n) for n in loads)
    return total


def semi_active(
    inst: BfInstance, machine_of: dict[int, int], sequences: list[tuple[int, ...]]
) -> list[int] | None:
    """Ends of the earliest schedule for these sequences; None on a deadlock."""
    n_machines = len(inst.machines)
    end: list[int | None] = [None] * len(inst.tasks)
    available = [0] * n_machines
    for t, task in enumerate(inst.tasks):
        if task.fixed is not None:
            m, _, fixed_end = task.fixed
            end[t] = fixed_end
            # A running operation ends after minute 0 and everything else starts
            # at 0 or later, so it comes first on its machine.
            available[m] = max(available[m], fixed_end)
    position = [0] * n_machines
    left = sum(len(s) for s in sequences)
    while left:
        moved = False
        for m in range(n_machines):
            sequence = sequences[m]
            while position[m] < len(sequence):
                t = sequence[position[m]]
                task = inst.tasks[t]
                pred_ends = [end[p] for p in task.preds]
                if any(e is None for e in pred_ends):
                    break
                begin = max(
                    task.release,
                    available[m],
                    *(e + task.min_wait for e in pred_ends if e is not None),
                )
                finish = begin + task.modes[machine_of[t]]
                end[t] = finish
                available[m] = finish
                position[m] += 1
                left -= 1
                moved = True
        if not moved:
            return None
    assert all(e is not None for e in end)
    return [e for e in end if e is not None]


def term_values(inst: BfInstance, end: list[int]) -> dict[str, int]:
    """The regular objective terms of a schedule (contract rule 14)."""
    completion = [max(end[t] for t in order.tasks) for order in inst.orders]
    lateness = [c - o.due for c, o in zip(completion, inst.orders, strict=True)]
    return {
        "weighted_tardiness": sum(
            o.priority * max(0, late)
            for o, late in zip(inst.orders, lateness, strict=True)
        ),
        "max_lateness": max(lateness),
        "late_orders": sum(
            o.priority
            for o, late in zip(inst.orders, lateness, strict=True)
            if late > 0
        ),
        "flow_time": sum(
            c - o.released for c, o in zip(completion, inst.orders, strict=True)
        ),
        "makespan": max(end),
    }


@dataclass(frozen=True)
class Optima:
    """Per-term optima and the lexicographic optimum found by enumeration."""

    single: dict[str, int]
    wt_then_flow: tuple[int, int]
    schedules: int  # semi-active schedules evaluated (deadlocks excluded)


def brute_force(inst: BfInstance) -> Optima:
    """Enumerate every assignment and every sequence on every machine."""
    free = free_tasks(inst)
    best: dict[str, int] = {}
    best_lex: tuple[int, int] | None = None
    evaluated = 0
    for assignment in itertools.product(*(inst.tasks[t].modes for t in free)):
        machine_of = dict(zip(free, assignment, strict=True))
        on_machine = [
            [t for t in free if machine_of[t] == m] for m in range(len(inst.machines))
        ]
        for sequences in itertools.product(
            *(itertools.permutations(ts) for ts in on_machine)
        ):
            end = semi_active(inst, machine_of, list(sequences))
            if end is None:
                continue
            evaluated += 1
            values = term_values(inst, end)
            for term, value in values.items():
                if term not in best or value < best[term]:
                    best[term] = value
            lex = (values["weighted_tardiness"], values["flow_time"])
            if best_lex is None or lex < best_lex:
                best_lex = lex
    assert best_lex is not None, "no semi-active schedule: the generator is wrong"
    return Optima(best, best_lex, evaluated)


# --- instances ---------------------------------------------------------------


def instant(rng: random.Random, minute: int, zone: str) -> str:
    """An instant `minute` minutes after START, written in one of many ways."""
    moment = START + timedelta(minutes=minute)
    style = rng.randrange(4)
    if style == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 1:  # a fixed offset: the same instant
        return moment.astimezone(ZoneInfo("Asia/Kolkata")).isoformat()
    if style == 2:  # with seconds, floored to the minute
        return (moment + timedelta(seconds=rng.randrange(60))).isoformat()
    # naive: wall-clock time in the scenario's zone
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat()


def random_operation(
    rng: random.Random, op_id: str, machines: list[str]
) -> dict[str, Any]:
    eligible = rng.sample(machines, 2 if rng.random() < 0.45 else 1)
    op: dict[str, Any] = {"id": op_id}
    if rng.random() < 0.35:
        op["machines"] = {m: rng.randint(5, 60) for m in eligible}
    else:
        op["machines"] = eligible
        if rng.random() < 0.7:
            op["minutes"] = rng.randint(5, 40)
        if "minutes" not in op or rng.random() < 0.4:
            op["minutes_per_unit"] = rng.randint(2, 15)
    if rng.random() < 0.25:
        op["setup_minutes"] = rng.randint(1, 15)
    if rng.random() < 0.3:
        op["min_wait_minutes"] = rng.randint(0, 40)
    return op


def random_routing(
    rng: random.Random, length: int, machines: list[str]
) -> list[dict[str, Any]]:
    routing = []
    for k in range(length):
        op = random_operation(rng, f"op{k}", machines)
        if k > 0 and rng.random() < 0.4:  # a DAG instead of a chain
            earlier = [f"op{j}" for j in range(k)]
            op["after"] = rng.sample(earlier, rng.randint(0, len(earlier)))
        routing.append(op)
    return routing


def generate(seed: int) -> dict[str, Any]:
    """A tiny scenario dict, deterministic in `seed`."""
    rng = random.Random(seed)
    zone = rng.choice(ZONES)
    machine_ids = [f"M{i + 1}" for i in range(rng.randint(2, 3))]
    machines: list[dict[str, Any]] = []
    for m in machine_ids:
        machine: dict[str, Any] = {"id": m}
        speed = rng.choice([1, 1, 1.5, 0.8])
        if speed != 1:
            machine["speed"] = speed
        machines.append(machine)
    product_routing = [
        random_operation(rng, "cut", machine_ids),
        {**random_operation(rng, "bend", machine_ids), "when": {"shape": "bent"}},
        {
            **random_operation(rng, "coat", machine_ids),
            "when": {"finish": ["painted", "powder"]},
        },
    ]
    product = {
        "id": "bracket",
        "options": {"shape": ["flat", "bent"], "finish": ["raw", "painted", "powder"]},
        "routing": product_routing,
    }
    orders = []
    running_on: set[str] = set()
    for j in range(rng.randint(3, 5)):
        order: dict[str, Any] = {"id": f"SO-{j + 1}"}
        if rng.random() < 0.5:
            order["product"] = "bracket"
            order["options"] = {
                "shape": rng.choice(["flat", "bent"]),
                "finish": rng.choice(["raw", "painted", "powder"]),
            }
            routing = product_routing
        else:
            routing = random_routing(rng, rng.randint(1, 3), machine_ids)
            order["routing"] = routing
        if rng.random() < 0.5:
            order["quantity"] = rng.randint(1, 3)
        released = 0
        if rng.random() < 0.7:
            released = rng.randint(-120, 150)
            order["released"] = instant(rng, released, zone)
        order["due"] = instant(rng, max(released, 0) + rng.randint(0, 200), zone)
        if rng.random() < 0.6:
            order["priority"] = rng.randint(1, 3)
        first = routing[0]
        if rng.random() < 0.15:
            order["progress"] = {first["id"]: {"state": "done"}}
        elif rng.random() < 0.15 and first["machines"]:
            machine = next(iter(first["machines"]))
            options = order.get("options", {})
            if machine not in running_on and exists(first, options):
                running_on.add(machine)
                started = rng.randint(-50, 0)
                order["progress"] = {
                    first["id"]: {
                        "state": "running",
                        "machine": machine,
                        "started": instant(rng, started, zone),
                    }
                }
                if released > started:  # released before it started running
                    released = started
                    order["released"] = instant(rng, released, zone)
        orders.append(order)
    return {
        "name": f"brute-{seed}",
        "timezone": zone,
        "start": START.isoformat(),
        "machines": machines,
        "products": [product],
        "orders": orders,
    }


@cache
def instance(seed: int) -> tuple[dict[str, Any], BfInstance, Optima]:
    """The first instance from `seed` whose brute force is small enough."""
    for attempt in range(100):
        data = generate(seed * 1000 + attempt)
        inst = read_instance(data)
        if count_combinations(inst) <= MAX_COMBINATIONS and len(inst.tasks) >= 3:
            return data, inst, brute_force(inst)
    raise AssertionError(f"seed {seed}: no instance small enough")


def scenario_with(data: dict[str, Any], terms: list[str]) -> Scenario:
    scenario = Scenario.model_validate({**data, "objective": {"terms": terms}})
    issues = check_references(scenario)
    assert not issues, [str(i) for i in issues]
    return scenario


def solve_checked(scenario: Scenario) -> dict[str, int]:
    problem = build_problem(scenario)
    schedule = solve(problem, PARAMS)
    report = check(problem, schedule)
    assert report.ok, report.violations
    assert schedule.status == "optimal", schedule.summary()
    return dict(schedule.objective)


# --- one instance worked by hand ---------------------------------------------

#: Two orders, one machine: A (30 min, due 30, priority 1) and B (40 min,
#: due 40, priority 2). Only two sequences exist:
#:   A, B: C_A = 30, C_B = 70 -> tardiness 0 + 2 x 30 = 60 (EDD order),
#:         lateness 0 and 30, flow 30 + 70 = 100, late weight 2;
#:   B, A: C_B = 40, C_A = 70 -> tardiness 0 + 1 x 40 = 40,
#:         lateness 0 and 40, flow 40 + 70 = 110, late weight 1.
#: So the weight makes B first best for tardiness (40, not EDD's 60), while
#: EDD is best for max lateness (30) and SPT for flow time (100); the
#: makespan is 70 either way. Lexicographically (tardiness, flow) = (40, 110).
TWO_ORDERS_ONE_MACHINE: dict[str, Any] = {
    "name": "two-orders-one-machine",
    "start": "2026-11-30T06:00:00Z",
    "machines": [{"id": "M1"}],
    "orders": [
        {
            "id": "A",
            "routing": [{"id": "op", "machines": ["M1"], "minutes": 30}],
            "due": "2026-11-30T06:30:00Z",
        },
        {
            "id": "B",
            "routing": [{"id": "op", "machines": ["M1"], "minutes": 40}],
            "due": "2026-11-30T06:40:00Z",
            "priority": 2,
        },
    ],
}
HAND_OPTIMA = {
    "weighted_tardiness": 40,
    "max_lateness": 30,
    "late_orders": 1,
    "flow_time": 100,
    "makespan": 70,
}


def test_hand_worked_instance_brute_force() -> None:
    """The brute force itself agrees with the hand computation."""
    optima = brute_force(read_instance(TWO_ORDERS_ONE_MACHINE))
    assert optima.single == HAND_OPTIMA
    assert optima.wt_then_flow == (40, 110)
    assert optima.schedules == 2


@pytest.mark.parametrize("term", REGULAR_TERMS)
def test_hand_worked_instance_solver(term: str) -> None:
    scenario = scenario_with(TWO_ORDERS_ONE_MACHINE, [term])
    assert solve_checked(scenario) == {term: HAND_OPTIMA[term]}


def test_hand_worked_instance_lexicographic() -> None:
    scenario = scenario_with(
        TWO_ORDERS_ONE_MACHINE, ["weighted_tardiness", "flow_time"]
    )
    assert solve_checked(scenario) == {"weighted_tardiness": 40, "flow_time": 110}


# --- generated instances -----------------------------------------------------


def key_of(problem: Problem, t: int) -> tuple[str, str]:
    task = problem.tasks[t]
    return (problem.orders[task.order].id, task.operation)


def assert_compiled_alike(problem: Problem, inst: BfInstance) -> None:
    """mtosched's compiled problem equals the independent reading."""
    assert [m.id for m in problem.machines] == list(inst.machines)
    assert [o.id for o in problem.orders] == [o.id for o in inst.orders]
    for order, mine in zip(problem.orders, inst.orders, strict=True):
        got = (order.priority, order.released, order.due)
        assert got == (mine.priority, mine.released, mine.due), order.id
    assert len(problem.tasks) == len(inst.tasks)
    index = {task.key: t for t, task in enumerate(inst.tasks)}
    for t, task in enumerate(problem.tasks):
        key = key_of(problem, t)
        mine = inst.tasks[index[key]]
        assert t == problem.task_index[key]
        assert {mode.machine: mode.duration for mode in task.modes} == mine.modes, key
        preds = tuple(sorted(index[key_of(problem, p)] for p in task.predecessors))
        assert preds == mine.preds, key
        assert task.release == mine.release, key
        assert (task.min_wait, task.max_wait) == (mine.min_wait, mine.max_wait), key
        fixed = None
        if task.fixed is not None:
            fixed = (task.fixed.machine, task.fixed.start, task.fixed.end)
        assert fixed == mine.fixed, key


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_instance_compiles_alike(seed: int) -> None:
    """The instance is valid and mtosched reads it as the brute force does."""
    data, inst, optima = instance(seed)
    assert optima.schedules > 0
    assert_compiled_alike(build_problem(scenario_with(data, ["makespan"])), inst)


@pytest.mark.parametrize("term", REGULAR_TERMS)
@pytest.mark.parametrize("seed", SEEDS)
def test_single_term_optimum(seed: int, term: str) -> None:
    data, _, optima = instance(seed)
    objective = solve_checked(scenario_with(data, [term]))
    assert objective == {term: optima.single[term]}


@pytest.mark.parametrize("seed", SEEDS)
def test_lexicographic_tardiness_then_flow(seed: int) -> None:
    data, _, optima = instance(seed)
    objective = solve_checked(scenario_with(data, ["weighted_tardiness", "flow_time"]))
    tardiness, flow = optima.wt_then_flow
    assert objective == {"weighted_tardiness": tardiness, "flow_time": flow}


# --- regressions: bugs these tests found, fixed ---------------------------------------------------------------


class KnownBugError(Exception):
    """A regression of a fixed bug (kept distinct from other failures)."""


#: One 30-minute operation that may run on M1 (30 min) or M2 (90 min), due a
#: day after start: it cannot be late, so the brute force's optimum is 0.
NEVER_LATE: dict[str, Any] = {
    "start": "2026-11-30T06:00:00Z",
    "machines": [{"id": "M1"}, {"id": "M2"}],
    "orders": [
        {
            "id": "A",
            "routing": [{"id": "op", "machines": {"M1": 30, "M2": 90}}],
            "due": "2026-12-01T06:00:00Z",
        }
    ],
}


@pytest.mark.parametrize("term", ["weighted_tardiness", "changeover_minutes"])
def test_objective_that_is_constant_in_the_model(term: str) -> None:
    optima = brute_force(read_instance(NEVER_LATE))
    assert optima.single["weighted_tardiness"] == 0
    problem = build_problem(scenario_with(NEVER_LATE, [term]))
    try:
        schedule = solve(problem, PARAMS)
    except AssertionError as exc:  # only the solver's own assertion
        raise KnownBugError(repr(exc)) from exc
    assert check(problem, schedule).ok
    assert schedule.status == "optimal"
    assert schedule.objective == {term: 0}
