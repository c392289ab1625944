"""Properties of solve and dispatch with calendars, crews and materials.

Hypothesis draws small valid scenarios as plain dicts with every feature
this version schedules: weekly shifts (day, night shifts that end the next
day, whole days, odd times that fall into a daylight-saving gap or overlap)
in zones with DST around the changes of 2026, dated closures, machine speeds,
operations that may or may not be interrupted, crews with capacities and
their own calendars, materials with stock, receipts before and after
`start` and lead times, product options with `when`, `after` DAGs, minimum
waits, releases, shop-floor progress and, on one machine, sequence-dependent
changeovers between families. No maximum waits and no deadlines: then a
schedule exists unless a material runs short (no lead time) or an operation
fits in no working time, and both are worked out here independently, from
the scenario dict.

Below the properties: daylight-saving cases worked by hand, and regression
tests for the bugs these tests found (a calendar span too short for thin
calendar intersections, for one-per-shift packing and for running work).

The runs are derandomized and keep no example database, so CI sees the same
examples every time (Hypothesis derives them from the test's source, so an
edit to a test draws other examples).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mtosched import (
    InfeasibleError,
    SolveParams,
    build_problem,
    check,
    solve,
)
from mtosched.heuristic.dispatch import dispatch
from mtosched.scenario.fields import ObjectiveTerm
from tests.helpers import assert_checked, validated
from tests.oracles.test_brute_force import read_instance
from tests.oracles.test_brute_force_shopfloor import (
    WEEKDAYS,
    assert_compiled_like_contract,
    calendar_ids_of,
    longest_run,
    mode_minutes,
    routing_of,
    written,
)

TERMS = get_args(ObjectiveTerm)
ZONES = ("UTC", "Europe/London", "Europe/London", "America/New_York", "Asia/Kolkata")
#: Near the 2026 changes: London on 29 March and 25 October, New York on
#: 8 March and 1 November (a drawn offset of up to 12 hours is added).
STARTS = (
    "2026-03-28T18:00:00Z",
    "2026-10-24T18:00:00Z",
    "2026-03-07T20:00:00Z",
    "2026-10-31T20:00:00Z",
    "2026-11-30T06:00:00Z",
)
#: Shift times, some inside a DST gap (01:30 in London in March, 02:30 in New
#: York) or overlap (01:30 in October/November).
CLOCKS = (
    "00:00",
    "01:00",
    "01:30",
    "02:00",
    "02:30",
    "05:45",
    "06:00",
    "13:10",
    "14:00",
    "17:00",
    "22:00",
    "23:30",
)
PARAMS = SolveParams(time_limit=3, workers=1, seed=0)
#: Working time is judged over the first three weeks: every calendar drawn
#: is weekly and its closures end within nine days, so a calendar that does
#: not work then never works, and an uninterrupted operation that fits in no
#: period then never fits (give or take an hour of daylight saving).
WINDOW = 21 * 1440

PROPERTIES = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- scenarios ----------------------------------------------------------------


def instant(draw: st.DrawFn, start: datetime, minute: int, zone: str) -> str:
    """`minute` after start in UTC, with the zone's offset, or naive local."""
    return written(start + timedelta(minutes=minute), zone, draw(st.integers(0, 2)))


@st.composite
def shifts(draw: st.DrawFn) -> dict[str, Any]:
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, unique=True))
    kind = draw(st.sampled_from(["day", "night", "whole", "drawn", "drawn"]))
    begin, end = {
        "day": ("06:00", "14:00"),
        "night": ("22:00", "06:00"),
        "whole": ("00:00", "24:00"),
    }.get(kind, ("", ""))
    if kind == "drawn":
        begin = draw(st.sampled_from(CLOCKS))
        end = draw(st.sampled_from([*CLOCKS, "24:00"]))
    return {"days": days, "from": begin, "to": end}


@st.composite
def calendars(draw: st.DrawFn, k: int, start: datetime, zone: str) -> dict[str, Any]:
    calendar: dict[str, Any] = {
        "id": f"cal{k}",
        "shifts": draw(st.lists(shifts(), min_size=1, max_size=3)),
    }
    closures = []
    for _ in range(draw(st.integers(0, 2))):
        begin = draw(st.integers(-1440, 7 * 1440))
        length = draw(st.integers(1, 2 * 1440))
        closures.append(
            {
                "from": instant(draw, start, begin, zone),
                "to": instant(draw, start, begin + length, zone),
            }
        )
    if closures:
        calendar["closures"] = closures
    return calendar


@st.composite
def operations(
    draw: st.DrawFn,
    k: int,
    machines: list[str],
    resources: list[dict[str, Any]],
    materials: list[str],
    options: dict[str, list[str]],
    *,
    conditional: bool,
) -> dict[str, Any]:
    op: dict[str, Any] = {"id": f"o{k}"}
    eligible = draw(
        st.lists(st.sampled_from(machines), min_size=1, max_size=2, unique=True)
    )
    if draw(st.integers(0, 3)) == 0:
        op["machines"] = {m: draw(st.integers(1, 300)) for m in eligible}
    else:
        op["machines"] = eligible
        if draw(st.booleans()):
            op["minutes"] = draw(st.integers(1, 240))
        if "minutes" not in op or draw(st.booleans()):
            op["minutes_per_unit"] = draw(st.integers(1, 60))
    if draw(st.integers(0, 3)) == 0:
        op["setup_minutes"] = draw(st.integers(0, 30))
    if draw(st.integers(0, 2)) == 0:
        op["interruptible"] = False
    uses = {}
    for resource in resources:
        if draw(st.booleans()):
            uses[resource["id"]] = draw(st.integers(1, resource["capacity"]))
    if uses:
        op["uses"] = uses
    consumes = {}
    for material in materials:
        if draw(st.booleans()):
            consumes[material] = draw(st.integers(1, 3))
    if consumes:
        op["consumes"] = consumes
    if k > 0 and draw(st.integers(0, 2)) == 0:
        earlier = [f"o{j}" for j in range(k)]
        op["after"] = draw(st.lists(st.sampled_from(earlier), unique=True))
    if draw(st.integers(0, 2)) == 0:
        op["min_wait_minutes"] = draw(st.integers(0, 600))
    if conditional and options and draw(st.booleans()):
        option = draw(st.sampled_from(sorted(options)))
        values = draw(
            st.lists(st.sampled_from(options[option]), min_size=1, unique=True)
        )
        op["when"] = {option: values[0] if len(values) == 1 else values}
    return op


def exists(op: dict[str, Any], chosen: dict[str, str]) -> bool:
    for option, wanted in op.get("when", {}).items():
        if chosen.get(option) not in ([wanted] if isinstance(wanted, str) else wanted):
            return False
    return True


@st.composite
def scenarios(draw: st.DrawFn, *, max_orders: int = 4) -> dict[str, Any]:
    """A valid scenario dict (its validity is asserted on use)."""
    zone = draw(st.sampled_from(ZONES))
    base = datetime.fromisoformat(draw(st.sampled_from(STARTS)))
    start = base + timedelta(minutes=draw(st.integers(0, 720)))
    cals = [draw(calendars(k, start, zone)) for k in range(draw(st.integers(1, 3)))]
    calendar_ids = [c["id"] for c in cals]
    machine_ids = [f"M{i + 1}" for i in range(draw(st.integers(1, 3)))]
    machines = []
    for m in machine_ids:
        machine: dict[str, Any] = {"id": m}
        if draw(st.integers(0, 3)) > 0:
            machine["calendar"] = draw(st.sampled_from(calendar_ids))
        speed = draw(st.sampled_from([1, 1, 1, 1.5, 0.8]))
        if speed != 1:
            machine["speed"] = speed
        machines.append(machine)
    resources = []
    for r in range(draw(st.integers(0, 2))):
        resource: dict[str, Any] = {
            "id": f"crew{r}",
            "capacity": draw(st.integers(1, 3)),
        }
        if draw(st.booleans()):
            resource["calendar"] = draw(st.sampled_from(calendar_ids))
        resources.append(resource)
    materials = []
    for k in range(draw(st.integers(0, 2))):
        material: dict[str, Any] = {"id": f"mat{k}", "on_hand": draw(st.integers(0, 6))}
        receipts = [
            {
                "at": instant(draw, start, draw(st.integers(-600, 4 * 1440)), zone),
                "quantity": draw(st.integers(1, 6)),
            }
            for _ in range(draw(st.integers(0, 2)))
        ]
        if receipts:
            material["receipts"] = receipts
        if draw(st.integers(0, 2)) > 0:
            material["lead_time_minutes"] = draw(st.integers(0, 3 * 1440))
        materials.append(material)
    material_ids = [m["id"] for m in materials]

    products = []
    options: dict[str, list[str]] = {}
    if draw(st.booleans()):
        options = {"finish": ["raw", "painted"]}
        length = draw(st.integers(1, 3))
        always = draw(st.integers(0, length - 1))
        products.append(
            {
                "id": "P",
                "options": options,
                "routing": [
                    draw(
                        operations(
                            k,
                            machine_ids,
                            resources,
                            material_ids,
                            options,
                            conditional=k != always,
                        )
                    )
                    for k in range(length)
                ],
            }
        )

    orders: list[dict[str, Any]] = []
    running = False
    for j in range(draw(st.integers(2, max_orders))):
        order: dict[str, Any] = {"id": f"SO-{j + 1}"}
        chosen: dict[str, str] = {}
        if products and draw(st.booleans()):
            order["product"] = "P"
            chosen = {"finish": draw(st.sampled_from(options["finish"]))}
            order["options"] = chosen
            routing = products[0]["routing"]
        else:
            routing = [
                draw(
                    operations(
                        k, machine_ids, resources, material_ids, {}, conditional=False
                    )
                )
                for k in range(draw(st.integers(1, 3)))
            ]
            order["routing"] = routing
        quantity = draw(st.integers(1, 3))
        if quantity > 1:
            order["quantity"] = quantity
        released = 0
        if draw(st.booleans()):
            released = draw(st.integers(-600, 1440))
            order["released"] = instant(draw, start, released, zone)
        order["due"] = instant(
            draw, start, max(released, 0) + draw(st.integers(0, 3 * 1440)), zone
        )
        if draw(st.booleans()):
            order["priority"] = draw(st.integers(1, 4))
        if draw(st.integers(0, 7)) == 7:
            order["status"] = draw(st.sampled_from(["tentative", "cancelled"]))
        live = [op for op in routing if exists(op, chosen)]
        if draw(st.integers(0, 3)) == 0:
            n_done = draw(st.integers(0, len(live)))
            entries: dict[str, Any] = {
                op["id"]: {"state": "done"} for op in live[:n_done]
            }
            if n_done < len(live) and not running and draw(st.booleans()):
                op = live[n_done]
                started = draw(st.integers(-900, 0))
                entries[op["id"]] = {
                    "state": "running",
                    "machine": draw(st.sampled_from(sorted(op["machines"]))),
                    "started": instant(draw, start, started, zone),
                }
                running = True
                if released > started:
                    order["released"] = instant(draw, start, started, zone)
            if entries:
                order["progress"] = entries
        orders.append(order)

    scenario: dict[str, Any] = {
        "name": "drawn",
        "timezone": zone,
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "calendars": cals,
        "machines": machines,
        "resources": resources,
        "materials": materials,
        "products": products,
        "orders": orders,
    }
    if draw(st.integers(0, 3)) > 0:
        terms = draw(
            st.lists(st.sampled_from(TERMS), min_size=1, max_size=3, unique=True)
        )
        scenario["objective"] = {"terms": terms}
    if draw(st.booleans()):
        add_changeovers(draw, scenario)
    return scenario


def add_changeovers(draw: st.DrawFn, scenario: dict[str, Any]) -> None:
    """A changeover matrix on the first machine; every operation it can run gets a family."""
    families = ["a", "b", "c"]
    matrix: dict[str, Any] = {
        "id": "mx",
        "default_minutes": draw(st.integers(1, 120)),
        "same_minutes": draw(st.sampled_from([0, 0, 5])),
    }
    if draw(st.booleans()):
        matrix["pairs"] = [
            {"from": "a", "to": "b", "minutes": draw(st.integers(0, 240))}
        ]
    scenario["changeovers"] = [matrix]
    machine = scenario["machines"][0]
    machine["changeovers"] = "mx"
    if draw(st.booleans()):
        machine["initial_family"] = draw(st.sampled_from(families))
    routings = [p["routing"] for p in scenario["products"]] + [
        o["routing"] for o in scenario["orders"] if "routing" in o
    ]
    for routing in routings:
        for op in routing:
            if machine["id"] in op["machines"]:
                op["family"] = draw(st.sampled_from(families))


# --- what cannot be scheduled, read from the dict --------------------------------


def free_operations(
    data: dict[str, Any],
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(order, operation) pairs to schedule: confirmed, existing, not in progress."""
    pairs = []
    for order in data["orders"]:
        if order.get("status", "confirmed") != "confirmed":
            continue
        progress = order.get("progress", {})
        for op in routing_of(data, order):
            if exists(op, order.get("options", {})) and op["id"] not in progress:
                pairs.append((order, op))
    return pairs


@dataclass
class Expected:
    """What the scenario dict says cannot be scheduled.

    `shortages`: material -> orders that need it, when stock and receipts
    fall short and there is no lead time. `surely` / `maybe`: operations
    (order, operation) that surely / perhaps fit in no working time on any
    eligible machine; `fitting`: the others.
    """

    shortages: dict[str, set[str]] = field(default_factory=dict)
    surely: set[tuple[str, str]] = field(default_factory=set)
    maybe: set[tuple[str, str]] = field(default_factory=set)
    fitting: set[tuple[str, str]] = field(default_factory=set)


def expected_impossible(data: dict[str, Any]) -> Expected:
    """Shortages, and operations that fit in no working time.

    An interruptible operation fits as soon as its calendars ever work
    together: it pauses over the breaks and ends, in the worst case drawn,
    some months later (rule 4; nothing in the contract bounds the plan's
    length). An uninterrupted one surely fits nowhere when it is more than an
    hour longer than the longest working period of the window (a
    daylight-saving night later in the plan may add that hour), and surely
    fits when it is not longer than that period.
    """
    inst = read_instance(data)
    durations = {task.key: task.modes for task in inst.tasks}
    machine_ids = [m["id"] for m in data["machines"]]
    expected = Expected()
    for material in data.get("materials", []):
        if material.get("lead_time_minutes") is not None:
            continue
        supply = material.get("on_hand", 0) + sum(
            r["quantity"] for r in material.get("receipts", [])
        )
        needed: dict[str, int] = {}
        for order, op in free_operations(data):
            quantity = op.get("consumes", {}).get(material["id"], 0)
            if quantity:
                needed[order["id"]] = needed.get(order["id"], 0) + quantity * order.get(
                    "quantity", 1
                )
        if sum(needed.values()) > supply:
            expected.shortages[material["id"]] = set(needed)
    for order, op in free_operations(data):
        key = (order["id"], op["id"])
        verdicts = []
        for machine, minutes in durations[key].items():
            ids = calendar_ids_of(data, op, machine_ids[machine])
            if not ids:
                verdicts.append("fits")
                continue
            marks = mode_minutes(data, ids, 0, WINDOW)
            if op.get("interruptible", True):
                verdicts.append("fits" if any(marks) else "never")
            else:
                longest = longest_run(marks)
                verdicts.append(
                    "fits"
                    if minutes <= longest
                    else "never"
                    if minutes > longest + 60
                    else "maybe"
                )
        if "fits" in verdicts:
            expected.fitting.add(key)
        elif "maybe" in verdicts:
            expected.maybe.add(key)
        else:
            expected.surely.add(key)
    return expected


def assert_reasons(reasons: list[str], expected: Expected) -> None:
    """Every expected cause is named, and nothing else is blamed."""
    text = "\n".join(reasons)
    for material, orders in expected.shortages.items():
        named = [r for r in reasons if r.startswith(f"material {material}:")]
        assert named, (material, text)
        for order in orders:
            assert order in named[0], (material, order, text)
    for order, op in expected.surely:
        assert any(
            f"order {order}, operation {op}:" in r and "fit in no working time" in r
            for r in reasons
        ), (order, op, text)
    for reason in reasons:
        if reason.startswith("material "):
            material = reason.split(":")[0].removeprefix("material ")
            assert material in expected.shortages, text
            continue
        assert "fit in no working time" in reason, reason
        if any(
            f"order {order}, operation {op}:" in reason
            for order, op in expected.surely | expected.maybe
        ):
            continue
        raise AssertionError(f"blames an operation that fits: {reason}")


# --- solve and dispatch give checked schedules -------------------------------------


@PROPERTIES
@given(scenarios())
def test_solve_gives_checked_schedules(data: dict[str, Any]) -> None:
    scenario = validated(data)
    expected = expected_impossible(data)
    try:
        problem = build_problem(scenario)
        assert_compiled_like_contract(problem, data)
        schedule = solve(problem, PARAMS)
    except InfeasibleError as exc:
        assert_reasons(exc.reasons, expected)
        event("infeasible: " + ", ".join(sorted({r.split()[0] for r in exc.reasons})))
        return
    assert not expected.shortages, f"{sorted(expected.shortages)} ran short"
    assert not expected.surely, f"{sorted(expected.surely)} fit in no working time"
    assert_checked(problem, schedule)
    assert list(schedule.objective) == list(problem.objective)
    assert schedule.status in ("optimal", "feasible")
    for term, bound in schedule.bound.items():
        assert bound <= schedule.objective[term], term
    if schedule.status == "optimal":
        assert schedule.bound == schedule.objective
    assert len(schedule.operations) == len(problem.tasks)
    event(f"scheduled: {schedule.status}")
    event(f"tasks: {len(problem.free_tasks)}")
    if any(t.fixed is not None for t in problem.tasks):
        event("scheduled with running work")
    if any(t.consumes for t in problem.tasks):
        event("scheduled with materials")
    if any(t.uses for t in problem.tasks):
        event("scheduled with crews")
    if any(not t.interruptible for t in problem.tasks):
        event("scheduled with uninterrupted work")


@settings(PROPERTIES, max_examples=60)
@given(scenarios())
def test_dispatch_gives_checked_schedules(data: dict[str, Any]) -> None:
    try:
        problem = build_problem(validated(data))
    except InfeasibleError:
        return  # judged in test_solve_gives_checked_schedules
    solution = dispatch(problem)
    report = check(problem, solution)
    assert report.ok, report.violations


# --- daylight saving, worked by hand -------------------------------------------------


def one_operation(
    start: str, shifts_: list[dict[str, Any]], minutes: int, *, interruptible: bool
) -> dict[str, Any]:
    """One order, one operation on M1, whose calendar has these shifts."""
    return {
        "name": "dst",
        "timezone": "Europe/London",
        "start": start,
        "calendars": [{"id": "cal", "shifts": shifts_}],
        "machines": [{"id": "M1", "calendar": "cal"}],
        "orders": [
            {
                "id": "A",
                "routing": [
                    {
                        "id": "op",
                        "machines": ["M1"],
                        "minutes": minutes,
                        "interruptible": interruptible,
                    }
                ],
                "due": start,
            }
        ],
        "objective": {"terms": ["makespan"]},
    }


EVERY_NIGHT = [{"days": list(WEEKDAYS), "from": "22:00", "to": "06:00"}]
SUNDAY_SMALL_HOURS = [{"days": ["sun"], "from": "01:30", "to": "03:00"}]
DST_CASES = {
    # Saturday 24 October 22:00 BST (21:00Z) to Sunday 06:00 GMT: 9 hours, the
    # only night that holds 540 uninterrupted minutes.
    "autumn night holds nine hours": (
        one_operation("2026-10-24T12:00:00Z", EVERY_NIGHT, 540, interruptible=False),
        "2026-10-24T21:00:00+00:00",
        "2026-10-25T06:00:00+00:00",
    ),
    # Saturday 28 March 22:00 GMT to Sunday 06:00 BST (05:00Z) is 7 hours:
    # 480 minutes wait for Sunday 22:00 BST (21:00Z).
    "spring night holds seven hours": (
        one_operation("2026-03-28T12:00:00Z", EVERY_NIGHT, 480, interruptible=False),
        "2026-03-29T21:00:00+00:00",
        "2026-03-30T05:00:00+00:00",
    ),
    # 01:30 does not exist on 29 March: read with the offset before the change
    # (01:30Z = 02:30 BST), so that Sunday works 01:30Z-02:00Z only; 60 min of
    # interruptible work end 30 min into the next Sunday (00:30Z + 30).
    "spring gap": (
        one_operation(
            "2026-03-28T12:00:00Z", SUNDAY_SMALL_HOURS, 60, interruptible=True
        ),
        "2026-03-29T01:30:00+00:00",
        "2026-04-05T01:00:00+00:00",
    ),
    # 01:30 occurs twice on 25 October: the first time (BST, 00:30Z) counts,
    # and 03:00 is GMT (03:00Z): 150 minutes, the only Sunday that long.
    "autumn overlap": (
        one_operation(
            "2026-10-24T12:00:00Z", SUNDAY_SMALL_HOURS, 150, interruptible=False
        ),
        "2026-10-25T00:30:00+00:00",
        "2026-10-25T03:00:00+00:00",
    ),
}


@pytest.mark.parametrize("case", sorted(DST_CASES))
def test_daylight_saving_by_hand(case: str) -> None:
    data, start, end = DST_CASES[case]
    problem = build_problem(validated(data))
    assert_compiled_like_contract(problem, data)
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert schedule.status == "optimal"
    (op,) = schedule.operations
    # in UTC: aware datetimes in an ambiguous hour never compare equal across zones
    assert (op.start.astimezone(UTC), op.end.astimezone(UTC)) == (
        datetime.fromisoformat(start),
        datetime.fromisoformat(end),
    )
    report = check(problem, dispatch(problem))
    assert report.ok, report.violations


# --- known bugs: a machine and a crew whose calendars barely overlap ------------------

MON_FRI = ["mon", "tue", "wed", "thu", "fri"]
THIN_BUG = (
    "FIXED: the calendar span (problem/timing.py calendar_span) is sized with the "
    "slowest single calendar's weekly minutes, not with the intersection of a "
    "machine's and its crew's calendars that an operation actually works in. "
    "Here M1 works 06:00-14:00 and the crew 13:00-20:00 on weekdays: together "
    "one hour a day, but the span ends 14 + ceil(work x 7 / 2100) days after "
    "the latest due date, so "
    "longer work is reported as fitting in no working time (InfeasibleError) "
    "or, when each operation fits alone, dispatch cannot place the last one "
    "and solve crashes with RuntimeError (CLI exit 70)"
)


def thin_overlap(minutes: list[int]) -> dict[str, Any]:
    """Operations on M1 with the crew: 13:00-14:00 UTC on weekdays only."""
    return {
        "name": "thin",
        "start": "2026-11-30T06:00:00Z",  # a Monday
        "calendars": [
            {
                "id": "day",
                "shifts": [{"days": MON_FRI, "from": "06:00", "to": "14:00"}],
            },
            {
                "id": "late",
                "shifts": [{"days": MON_FRI, "from": "13:00", "to": "20:00"}],
            },
        ],
        "machines": [{"id": "M1", "calendar": "day"}],
        "resources": [{"id": "crew", "capacity": 1, "calendar": "late"}],
        "orders": [
            {
                "id": f"SO-{k + 1}",
                "routing": [
                    {"id": "op", "machines": ["M1"], "minutes": m, "uses": {"crew": 1}}
                ],
                "due": "2026-12-01T06:00:00Z",
            }
            for k, m in enumerate(minutes)
        ],
        "objective": {"terms": ["makespan"]},
    }


def test_thin_overlap_within_the_span() -> None:
    """600 minutes fit in the modelled span: 10 weekdays x 1 hour."""
    data = thin_overlap([600])
    problem = build_problem(validated(data))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert schedule.operations[0].end == datetime.fromisoformat("2026-12-11T14:00Z")


def test_long_work_on_a_thin_overlap() -> None:
    """900 min = 15 weekdays of one hour: the end is Friday 18 December 14:00."""
    data = thin_overlap([900])
    assert expected_impossible(data).fitting == {("SO-1", "op")}
    problem = build_problem(validated(data))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert schedule.operations[0].end == datetime.fromisoformat("2026-12-18T14:00Z")


def test_two_operations_on_a_thin_overlap() -> None:
    """Each 480 min fits alone; both need 16 weekdays, ending Monday 21st."""
    data = thin_overlap([480, 480])
    problem = build_problem(validated(data))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert schedule.objective == {"makespan": 21 * 1440 + 8 * 60}


PACKING_BUG = (
    "FIXED: the calendar span (problem/timing.py calendar_span) assumes work packs "
    "into the calendar's weekly minutes without gaps; uninterrupted operations "
    "that fit only one per working period need more. Here M1 works Saturdays "
    "06:00-14:00 (480 min a week) and each of 7 orders needs 300 uninterrupted "
    "minutes: one per Saturday, 7 weeks, but the span ends after 14 + "
    "ceil(2100 x 7 / 480) = 45 days, so dispatch cannot place the 7th and solve "
    "crashes with RuntimeError (CLI exit 70)"
)


def test_uninterrupted_work_one_per_week() -> None:
    """Saturdays 5 December to 16 January; the last ends 16 January 11:00."""
    data = {
        "name": "saturdays",
        "start": "2026-11-30T06:00:00Z",
        "calendars": [
            {"id": "sat", "shifts": [{"days": ["sat"], "from": "06:00", "to": "14:00"}]}
        ],
        "machines": [{"id": "M1", "calendar": "sat"}],
        "orders": [
            {
                "id": f"SO-{k + 1}",
                "routing": [
                    {
                        "id": "op",
                        "machines": ["M1"],
                        "minutes": 300,
                        "interruptible": False,
                    }
                ],
                "due": "2026-11-30T06:00:00Z",
            }
            for k in range(7)
        ],
        "objective": {"terms": ["makespan"]},
    }
    problem = build_problem(validated(data))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    last = datetime.fromisoformat("2027-01-16T11:00:00Z")
    assert schedule.objective == {
        "makespan": int((last - problem.start).total_seconds() // 60)
    }


RUNNING_BUG = (
    "FIXED: problem/timing.py calendar_span leaves running work out of the work it "
    "sizes the span with (`if t.fixed is None`). Running work that needs more "
    "working time than the span holds is then cut: `_running` reads "
    "`finish(...) is None` as rule 11's 'already over' and ends it one working "
    "minute after start (a silently wrong schedule), and work that must follow it "
    "on the machine cannot be placed (dispatch RuntimeError, CLI exit 70). Here M1 "
    "works Mondays 00:00-01:00 UTC; the span ends 15 days after start"
)


def mondays(running_minutes: int, *, then: bool) -> dict[str, Any]:
    """Work running on M1 since start, and perhaps a 1-minute order after it."""
    orders: list[dict[str, Any]] = [
        {
            "id": "RUN",
            "routing": [{"id": "op", "machines": ["M1"], "minutes": running_minutes}],
            "due": "2026-03-28T18:00:00Z",
            "progress": {
                "op": {
                    "state": "running",
                    "machine": "M1",
                    "started": "2026-03-28T18:00:00Z",
                }
            },
        }
    ]
    if then:
        orders.append(
            {
                "id": "NEXT",
                "routing": [{"id": "op", "machines": ["M1"], "minutes": 1}],
                "due": "2026-03-28T18:00:00Z",
            }
        )
    return {
        "name": "mondays",
        "timezone": "UTC",
        "start": "2026-03-28T18:00:00Z",  # a Saturday
        "calendars": [
            {"id": "mon", "shifts": [{"days": ["mon"], "from": "00:00", "to": "01:00"}]}
        ],
        "machines": [{"id": "M1", "calendar": "mon"}],
        "orders": orders,
        "objective": {"terms": ["makespan"]},
    }


def ends(schedule: Any) -> dict[str, datetime]:
    return {op.order: op.end.astimezone(UTC) for op in schedule.operations}


def test_running_work_within_the_span() -> None:
    """120 min: Mondays 30 March and 6 April, 00:00-01:00."""
    problem = build_problem(validated(mondays(120, then=False)))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert ends(schedule) == {"RUN": datetime.fromisoformat("2026-04-06T01:00Z")}


def test_running_work_past_the_span() -> None:
    """180 min: three Mondays, the last 13 April; reported to end 30 March 00:01."""
    problem = build_problem(validated(mondays(180, then=False)))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert ends(schedule) == {"RUN": datetime.fromisoformat("2026-04-13T01:00Z")}


def test_work_after_running_work_past_the_span() -> None:
    """The running work ends 6 April 01:00; the next order runs 13 April 00:00."""
    problem = build_problem(validated(mondays(120, then=True)))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert ends(schedule) == {
        "RUN": datetime.fromisoformat("2026-04-06T01:00Z"),
        "NEXT": datetime.fromisoformat("2026-04-13T00:01Z"),
    }
