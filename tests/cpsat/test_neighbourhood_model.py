"""A neighbourhood's model is exact: pinned work as constants loses no schedule.

Neighbourhood search pins most tasks as constants, narrows the free tasks'
windows to the gaps between pinned work and drops changeover arcs that no
schedule can use. Each of those must be sound: on random shop-floor plants
(calendars, crews, materials, changeovers, running work), the optimum of the
neighbourhood model equals the optimum of the full model with the same
tasks fixed by constraints, and its schedule passes the checker.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from mtosched import InfeasibleError, build_problem, check
from mtosched.cpsat.bounds import compute_windows, narrowed
from mtosched.cpsat.model import ScheduleModel
from mtosched.heuristic.dispatch import dispatch
from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.verify.evaluate import evaluate
from tests.oracles.test_properties_shopfloor import PROPERTIES, scenarios, validated


def optimum(sm: ScheduleModel, objective: Any) -> tuple[int, cp_model.CpSolver]:
    sm.model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 20
    status = solver.solve(sm.model)
    assert status == cp_model.OPTIMAL, solver.status_name(status)
    return round(solver.objective_value), solver


def pin_some(problem: Problem, incumbent: Solution, seed: int) -> dict[int, Placement]:
    rng = random.Random(seed)
    share = rng.choice([0.3, 0.6, 0.9])
    return {
        t: incumbent.placements[t] for t in problem.free_tasks if rng.random() < share
    }


@settings(PROPERTIES, max_examples=80)
@given(scenarios(max_orders=8), st.integers(0, 10**6))
def test_neighbourhood_optimum_equals_full_model_with_tasks_fixed(
    data: dict[str, Any], seed: int
) -> None:
    assert_neighbourhood_exact(data, seed)


def dispatched(data: dict[str, Any]) -> tuple[Problem, Solution]:
    """The drawn plant and its checked list schedule, the search's incumbent.

    A plant without one is not drawn (assumed away): there is nothing to
    search around (shortages, no working time).
    """
    try:
        problem = build_problem(validated(data))
        incumbent = dispatch(problem)
    except (InfeasibleError, RuntimeError):
        assume(False)
        raise AssertionError("unreachable: assume(False) raises") from None
    assume(check(problem, incumbent).ok)
    return problem, incumbent


def assert_neighbourhood_exact(data: dict[str, Any], seed: int) -> None:
    """Pin a random share of the dispatch schedule; both models agree."""
    problem, incumbent = dispatched(data)
    windows = compute_windows(problem, incumbent)
    pinned = pin_some(problem, incumbent, seed)
    term = problem.objective[0]

    neighbourhood = ScheduleModel(problem, windows, pinned=pinned)
    neighbourhood.add_hint(incumbent)
    value, solver = optimum(neighbourhood, neighbourhood.term(term))
    found = neighbourhood.extract(solver)
    report = check(problem, found)
    assert report.ok, report.violations
    assert evaluate(problem, found).terms[term] == value
    assert value <= evaluate(problem, incumbent).terms[term]
    for t, place in pinned.items():
        assert found.placements[t] == place

    reference = ScheduleModel(problem, windows)
    for t, place in pinned.items():
        task_vars = reference.vars[t]
        reference.model.add(task_vars.start == place.start)
        if task_vars.presence:
            reference.model.add(task_vars.presence[place.machine] == 1)
    expected, _ = optimum(reference, reference.term(term))
    assert value == expected
    event(f"pinned {len(pinned)} of {len(problem.free_tasks)}")
    machines = [
        m for m, info in enumerate(problem.machines) if info.changeovers is not None
    ]
    on_matrix = [t for t in pinned if pinned[t].machine in machines]
    if len(on_matrix) >= 2:
        event("two or more pinned on a changeover machine")


def test_narrowed_windows_lie_between_pinned_work() -> None:
    """A free middle step starts after its pinned predecessor, ends before its successor.

    One order: cut (60 min) -> weld (30) -> paint (45), each on its own
    machine, around the clock. Pinned cut at [100, 160) and paint at
    [400, 445): weld may start at 160 at the earliest and must end by 400.
    """
    scenario = validated(
        {
            "start": "2026-11-30T06:00:00Z",
            "machines": [{"id": "C"}, {"id": "W"}, {"id": "P"}],
            "products": [
                {
                    "id": "p",
                    "routing": [
                        {"id": "cut", "machines": ["C"], "minutes": 60},
                        {"id": "weld", "machines": ["W"], "minutes": 30},
                        {"id": "paint", "machines": ["P"], "minutes": 45},
                    ],
                }
            ],
            "orders": [
                {
                    "id": "A",
                    "product": "p",
                    "released": "2026-11-30T06:00:00Z",
                    "due": "2026-12-01T06:00:00Z",
                }
            ],
        }
    )
    problem = build_problem(scenario)
    cut, weld, paint = (
        problem.task_index[("A", op)] for op in ("cut", "weld", "paint")
    )
    # a day's horizon (the problem's own is the 135 minutes of work)
    windows = replace(compute_windows(problem), horizon=1440)
    assert windows.head[weld] == 60
    pinned = {
        cut: Placement(problem.tasks[cut].modes[0].machine, 100, 160),
        paint: Placement(problem.tasks[paint].modes[0].machine, 400, 445),
    }
    inner = narrowed(problem, windows, pinned)
    assert inner.head[weld] == 160
    assert inner.end_cap(weld) == 400
    assert windows.end_cap(weld) == 1440 - 45


@st.composite
def changeover_shops(draw: st.DrawFn) -> dict[str, Any]:
    """Many orders through one or two changeover machines, maybe on shifts.

    The random shop floors above rarely put several tasks on their one
    changeover machine; these put every order there, so a neighbourhood
    pins several tasks between which free ones must fit.
    """
    families = ["red", "white", "black"]
    machines: list[dict[str, Any]] = [
        {"id": "PAINT-1", "changeovers": "colours"},
        {"id": "PAINT-2"},
        {"id": "PACK"},
    ]
    if draw(st.booleans()):
        machines[1]["changeovers"] = "colours"
    if draw(st.booleans()):
        machines[0]["initial_family"] = draw(st.sampled_from(families))
    scenario: dict[str, Any] = {
        "start": "2026-11-30T06:00:00Z",
        "machines": machines,
        "changeovers": [
            {
                "id": "colours",
                "default_minutes": draw(st.integers(5, 90)),
                "same_minutes": 0,
                "pairs": [{"from": "black", "to": "white", "minutes": 120}],
            }
        ],
        "orders": [],
        "objective": {
            "terms": [
                draw(
                    st.sampled_from(
                        [
                            "weighted_tardiness",
                            "makespan",
                            "changeover_minutes",
                            "flow_time",
                        ]
                    )
                )
            ]
        },
    }
    if draw(st.booleans()):
        scenario["calendars"] = [
            {
                "id": "day",
                "shifts": [
                    {
                        "days": ["mon", "tue", "wed", "thu", "fri"],
                        "from": "06:00",
                        "to": "14:00",
                    }
                ],
            }
        ]
        machines[0]["calendar"] = "day"
    for k in range(draw(st.integers(3, 9))):
        paint = draw(st.sampled_from([["PAINT-1"], ["PAINT-1", "PAINT-2"]]))
        routing = [
            {
                "id": "paint",
                "machines": paint,
                "minutes": draw(st.integers(10, 120)),
                "family": draw(st.sampled_from(families)),
            },
            {"id": "pack", "machines": ["PACK"], "minutes": draw(st.integers(5, 30))},
        ]
        release = draw(st.integers(0, 600))
        scenario["orders"].append(
            {
                "id": f"O{k}",
                "routing": routing,
                "released": written_minute(release),
                "due": written_minute(release + draw(st.integers(60, 900))),
                "priority": draw(st.integers(1, 5)),
            }
        )
    return scenario


def written_minute(minute: int) -> str:
    hours, minutes = divmod(360 + minute, 60)
    days, hours = divmod(hours, 24)
    return f"2026-{11 if days == 0 else 12}-{30 if days == 0 else days:02d}T{hours:02d}:{minutes:02d}:00Z"


@settings(PROPERTIES, max_examples=60)
@given(changeover_shops(), st.integers(0, 10**6))
def test_pruned_changeover_arcs_lose_no_schedule(
    data: dict[str, Any], seed: int
) -> None:
    assert_neighbourhood_exact(data, seed)
