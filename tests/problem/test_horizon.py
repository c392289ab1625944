"""The horizon grows with the work, and every infeasibility reason is true.

Issue 16: once a plan needed more than about 790k minutes after `start`
(half of the three-year calendar span), the run exited 3 saying "running
operations and maximum waits conflict" for scenarios that had neither.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from mtosched import (
    InfeasibleError,
    InputError,
    Scenario,
    SolveParams,
    build_problem,
    load_scenario,
    solve,
)
from mtosched.problem.horizon import MAX_PLAN_MINUTES
from mtosched.scenario.loading import parse_scenario_text
from tests.helpers import DATA, assert_checked, plant, run_cli

RELIABILITY = DATA / "reliability"
PARAMS = SolveParams(time_limit=5, workers=1, seed=0)


@pytest.mark.parametrize(
    ("name", "completion"),
    [
        # one 1,000,000-minute operation from start: 694 d 10 h 40 min later
        ("false-infeasible-long-operation.json", "2028-10-24T10:40:00+00:00"),
        # released 2026-12-01 with start 2025-01-01: 699 days, then 60 minutes
        ("false-infeasible-release-far-after-start.json", "2026-12-01T01:00:00+00:00"),
    ],
)
def test_far_reaching_plans_get_a_schedule(name: str, completion: str) -> None:
    """A far release or a very long operation is scheduled, not 'infeasible'."""
    problem = build_problem(load_scenario(RELIABILITY / name))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert schedule.status == "optimal"
    assert schedule.orders[0].completion.isoformat() == completion


@pytest.mark.cli
def test_far_reaching_plan_through_the_cli(tmp_path: Path) -> None:
    """The command line says the same: exit 0 and a schedule file."""
    plan = tmp_path / "plan.json"
    result = run_cli(
        "schedule",
        RELIABILITY / "false-infeasible-release-far-after-start.json",
        "--time-limit",
        "3",
        "--workers",
        "1",
        "-q",
        "-o",
        plan,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(plan.read_text())["status"] == "optimal"


def one_machine(**order: Any) -> dict[str, Any]:
    return {
        "start": "2026-11-30T00:00:00Z",
        "machines": [{"id": "M1"}],
        "products": [
            {
                "id": "p",
                "routing": [
                    {"id": "a", "machines": ["M1"], "minutes": 50_000_000},
                    {"id": "b", "machines": ["M1"], "minutes": 50_000_000},
                ],
            }
        ],
        "orders": [
            {"id": "O1", "product": "p", "due": "2026-12-02T00:00:00Z", **order}
        ],
    }


def test_an_order_beyond_two_centuries_is_an_input_error() -> None:
    """100M minutes of routing plus a 20-year-late release pass the limit."""
    data = one_machine(released="2046-11-30T00:00:00Z")
    with pytest.raises(InputError) as caught:
        build_problem(parse_scenario_text(json.dumps(data), "far.json"))
    [issue] = caught.value.issues
    assert (issue.file, issue.path) == ("far.json", "orders[0]")
    need = 100_000_000 + 7305 * 1440  # twenty years of days from 2026 to 2046
    assert issue.message == (
        f"order 'O1' cannot end before {need} minutes after the planning start, "
        f"even alone: the furthest a plan may reach is {MAX_PLAN_MINUTES} "
        "minutes (two centuries)"
    )


def test_just_within_two_centuries_is_accepted() -> None:
    """The same routing released at start fits: the limit is not the check."""
    problem = build_problem(parse_scenario_text(json.dumps(one_machine()), "f.json"))
    assert problem.horizon >= 100_000_000


# --- every reason is true of the scenario -----------------------------------

START = "2026-11-30T06:00:00Z"


#: Product `p` runs 600 min on M1, then 600 min on M2; `cured` may not wait.
PRODUCTS = [
    {
        "id": "p",
        "routing": [
            {"id": "cut", "machines": ["M1"], "minutes": 600},
            {"id": "weld", "machines": ["M2"], "minutes": 600},
        ],
    },
    {
        "id": "cured",
        "routing": [
            {"id": "cut", "machines": ["M1"], "minutes": 600},
            {
                "id": "weld",
                "machines": ["M2"],
                "minutes": 600,
                "max_wait_minutes": 0,
            },
        ],
    },
]
CREW = [{"id": "crew", "capacity": 1}]


def order(oid: str, **extra: Any) -> dict[str, Any]:
    return {"id": oid, "product": "p", "due": "2026-12-01T06:00:00Z", **extra}


CREWED = [{"id": "cut", "machines": ["M1", "M2"], "minutes": 600, "uses": {"crew": 1}}]

INFEASIBLE = {
    "deadline alone": plant(
        [order("A", deadline="2026-11-30T20:00:00Z")], products=PRODUCTS, resources=CREW
    ),
    # each alone ends 2026-12-01 02:00; together one must wait 600 min on M1
    "two deadlines on one machine": plant(
        [
            order("A", deadline="2026-12-01T02:00:00Z"),
            order("B", deadline="2026-12-01T02:00:00Z"),
        ],
        products=PRODUCTS,
        resources=CREW,
    ),
    "deadlines and a no-wait": plant(
        [
            order("A", deadline="2026-12-01T12:00:00Z"),
            order("B", deadline="2026-12-01T12:00:00Z"),
            order("C", product="cured", deadline="2026-12-01T12:00:00Z"),
        ],
        products=PRODUCTS,
        resources=CREW,
    ),
    "crew shortage": plant(
        [order("A")],
        products=[
            {
                "id": "p",
                "routing": [
                    {
                        "id": "cut",
                        "machines": ["M1"],
                        "minutes": 60,
                        "uses": {"crew": 2},
                    }
                ],
            }
        ],
        resources=CREW,
    ),
}

ORDER_NAMES = re.compile(r"\border (\S+?)[,:]|(\b[A-Z]\w*) \((deadline|maximum wait)")


def claims(reason: str, scenario: Scenario) -> list[str]:
    """What `reason` says that the scenario contradicts (empty: all true)."""
    wrong = []
    orders = {o.id: o for o in scenario.orders}
    waits = {
        o.id
        for o in scenario.orders
        for p in scenario.products
        if p.id == o.product
        and any(op.max_wait_minutes is not None for op in p.routing)
    }
    for match in ORDER_NAMES.finditer(reason):
        oid = match[1] or match[2]
        if oid not in orders:
            wrong.append(f"names order {oid}, which does not exist")
        elif match[3] == "deadline" and orders[oid].deadline is None:
            wrong.append(f"names a deadline of {oid}, which has none")
        elif match[3] == "maximum wait" and oid not in waits:
            wrong.append(f"names a maximum wait of {oid}, which has none")
    running = any(
        p.state == "running" for o in scenario.orders for p in o.progress.values()
    )
    if "running operation" in reason and not running:
        wrong.append("names running operations; there are none")
    if "maximum wait" in reason and not waits:
        wrong.append("names maximum waits; there are none")
    if "frozen" in reason:
        wrong.append("names frozen operations without a previous plan")
    if "deadline" in reason and all(o.deadline is None for o in scenario.orders):
        wrong.append("names deadlines; there are none")
    return wrong


@pytest.mark.parametrize("case", sorted(INFEASIBLE))
def test_every_infeasibility_reason_is_true_of_the_scenario(case: str) -> None:
    """Each reason names only orders, deadlines and waits the input has."""
    scenario = parse_scenario_text(json.dumps(INFEASIBLE[case]), f"{case}.json")
    with pytest.raises(InfeasibleError) as caught:
        solve(build_problem(scenario), PARAMS)
    assert caught.value.reasons
    for reason in caught.value.reasons:
        assert claims(reason, scenario) == [], reason


def test_the_claims_checker_catches_the_old_false_reason() -> None:
    """The reason issue 16 saw is flagged on a scenario without waits."""
    scenario = load_scenario(RELIABILITY / "false-infeasible-long-operation.json")
    old = (
        "the routings cannot be scheduled at all: running operations and "
        "maximum waits conflict"
    )
    assert claims(old, scenario) == [
        "names running operations; there are none",
        "names maximum waits; there are none",
    ]


def test_running_work_over_a_resource_capacity_is_an_input_error() -> None:
    """Found by the reasons test: the solver returned a schedule that failed
    the independent check (exit 70). Two operations reported running at once
    on two machines with one crew is bad data, like two on one machine."""
    running = {"state": "running", "started": START}
    data = plant(
        [
            order(oid, progress={"cut": {**running, "machine": m}})
            for oid, m in (("A", "M1"), ("B", "M2"))
        ],
        products=[{"id": "p", "routing": CREWED}],
        resources=CREW,
    )
    with pytest.raises(InputError) as caught:
        build_problem(parse_scenario_text(json.dumps(data), "floor.json"))
    assert [str(i) for i in caught.value.issues] == [
        "floor.json: orders[1].progress.cut: running work holds 2 of resource "
        "crew at once, whose capacity is 1"
    ]


def test_earliest_finishes_follow_after_that_names_a_later_operation() -> None:
    """Task 0 comes after task 2, which comes after task 1 (released at 100).

    1 ends at 100 + 10 = 110; 2 waits 5 and runs 20: 135; 0 runs 30: 165.
    Task 3 is running on the floor: its bound is its fixed end, 40.
    """
    from mtosched.problem.horizon import earliest_finishes
    from mtosched.problem.parts import Mode, Placement, Task

    tasks = [
        Task(0, "pack", (Mode(0, 30),), (2,), 100),
        Task(0, "cut", (Mode(0, 10), Mode(1, 15)), (), 100),
        Task(0, "weld", (Mode(1, 20),), (1,), 100, min_wait=5),
        Task(1, "paint", (Mode(1, 60),), (), 0, fixed=Placement(1, -20, 40)),
    ]
    assert earliest_finishes(tasks) == [165, 110, 135, 40]
