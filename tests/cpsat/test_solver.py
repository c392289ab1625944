"""The CP-SAT layer: hints, staging, progress, infeasibility explanations."""

from __future__ import annotations

from typing import Any

import pytest
from ortools.sat.python import cp_model

from mtosched import (
    InfeasibleError,
    Scenario,
    SolveParams,
    SolveProgress,
    build_problem,
    load_scenario,
    solve,
)
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.model import ScheduleModel
from mtosched.heuristic.dispatch import dispatch
from mtosched.scenario.models import Objective
from mtosched.verify.evaluate import evaluate
from tests.helpers import INSTANCES, assert_checked

ONE_WORKER = SolveParams(time_limit=20, workers=1, seed=0)


def chain_plant(orders: list[dict[str, Any]], terms: list[str]) -> Scenario:
    """Two machines; each order: cut (M1) then weld (M2, must follow within 10 min)."""
    return Scenario.model_validate(
        {
            "start": "2026-11-30T06:00:00Z",
            "machines": [{"id": "M1"}, {"id": "M2"}],
            "products": [
                {
                    "id": "p",
                    "routing": [
                        {"id": "cut", "machines": ["M1"], "minutes": 60},
                        {
                            "id": "weld",
                            "machines": ["M2"],
                            "minutes": 60,
                            "max_wait_minutes": 10,
                        },
                    ],
                }
            ],
            "orders": orders,
            "objective": {"terms": terms},
        }
    )


@pytest.mark.parametrize(
    "term",
    ["weighted_tardiness", "flow_time", "makespan", "max_lateness", "late_orders"],
)
def test_dispatch_hint_is_complete_and_feasible(term: str) -> None:
    """Fixing every variable to the hint reproduces the dispatch objective."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    heuristic = dispatch(problem)
    sm = ScheduleModel(problem, compute_windows(problem))
    expression = sm.term(term)  # type: ignore[arg-type]
    sm.add_hint(heuristic)
    sm.model.minimize(expression)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(sm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert round(solver.objective_value) == evaluate(problem, heuristic).terms[term]


def test_lexicographic_second_stage_keeps_the_first_term() -> None:
    """Flow time is improved without giving back any weighted tardiness."""
    scenario = load_scenario(INSTANCES / "configurable-options.json")
    problem = build_problem(scenario)
    schedule = solve(problem, ONE_WORKER)
    assert_checked(problem, schedule)
    tardiness_only = solve(
        build_problem(
            scenario.model_copy(
                update={"objective": Objective(terms=["weighted_tardiness"])}
            )
        ),
        ONE_WORKER,
    )
    assert (
        schedule.objective["weighted_tardiness"]
        == tardiness_only.objective["weighted_tardiness"]
    )
    assert schedule.status == "optimal"


def test_progress_callback_reports_incumbents() -> None:
    """The callback sees stage names, objectives and elapsed seconds."""
    seen: list[SolveProgress] = []
    params = SolveParams(time_limit=10, workers=1, progress=seen.append)
    problem = build_problem(load_scenario(INSTANCES / "configurable-options.json"))
    solve(problem, params)
    assert seen
    stages = {"weighted_tardiness (dispatch)", "weighted_tardiness", "flow_time"}
    assert {p.stage for p in seen} <= stages
    assert seen[0].stage == "weighted_tardiness (dispatch)"
    assert all(p.elapsed >= 0 for p in seen)


def test_a_very_short_limit_still_returns_a_checked_schedule() -> None:
    """With almost no time the dispatch schedule (or better) comes back."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    schedule = solve(problem, SolveParams(time_limit=0.05, workers=1))
    assert_checked(problem, schedule)
    assert schedule.status in ("feasible", "optimal")


def test_max_waits_that_cannot_all_hold_are_named() -> None:
    """Two orders each need weld within 10 min of cut; both due hard at 2h10.

    Alone each takes 120 min; together the second cut ends at 120 and its
    weld cannot start before 180, so at least one deadline must break.
    """
    limit = "2026-11-30T08:10:00Z"
    orders = [
        {"id": "A", "product": "p", "due": limit, "deadline": limit},
        {"id": "B", "product": "p", "due": limit, "deadline": limit},
    ]
    problem = build_problem(chain_plant(orders, ["makespan"]))
    with pytest.raises(InfeasibleError) as caught:
        solve(problem, ONE_WORKER)
    text = " ".join(caught.value.reasons)
    assert "A" in text and "B" in text


def test_max_wait_is_respected_in_the_optimum() -> None:
    """Three chained orders: every weld starts within 10 min of its cut's end."""
    orders = [
        {"id": f"O{i}", "product": "p", "due": "2026-11-30T12:00:00Z"} for i in range(3)
    ]
    problem = build_problem(chain_plant(orders, ["makespan"]))
    schedule = solve(problem, ONE_WORKER)
    assert_checked(problem, schedule)
    # cut0 0-60, weld0 60-120 | cut1 60-120, weld1 120-180 | cut2 ... weld2 180-240
    assert schedule.objective["makespan"] == 240


def test_a_scenario_with_only_running_work_needs_no_search() -> None:
    """Everything is running: the plan is the floor as it is."""
    scenario = chain_plant(
        [
            {
                "id": "A",
                "product": "p",
                "due": "2026-11-30T08:00:00Z",
                "progress": {
                    "cut": {"state": "done"},
                    "weld": {
                        "state": "running",
                        "machine": "M2",
                        "started": "2026-11-30T05:30:00Z",
                    },
                },
            }
        ],
        ["weighted_tardiness"],
    )
    problem = build_problem(scenario)
    schedule = solve(problem, ONE_WORKER)
    assert_checked(problem, schedule)
    assert schedule.status == "optimal"
    assert schedule.operations[0].running
