"""A stage's goal: its term, with `stability` breaking ties when it comes next."""

from __future__ import annotations

from mtosched.cpsat.goals import Goal, goal_for
from mtosched.problem import build_problem
from mtosched.problem.parts import Baseline, PlannedSlot
from mtosched.problem.previous import PreviousPlan
from mtosched.scenario.loading import parse_scenario_text

SCENARIO = """{"timezone": "UTC", "start": "2026-11-30T06:00:00Z",
 "machines": [{"id": "M"}],
 "orders": [{"id": "A", "due": "2026-11-30T08:00:00Z",
             "routing": [{"id": "x", "machines": ["M"], "minutes": 30}]}]}"""


def test_ranking_is_lexicographic() -> None:
    goal = Goal("weighted_tardiness", "stability", scale=17)
    assert goal.key({"weighted_tardiness": 3, "stability": 16}) < goal.key(
        {"weighted_tardiness": 4, "stability": 0}
    )
    assert Goal("makespan").key({"makespan": 5}) == (5, 0)


def test_term_bound_undoes_the_scaling_soundly() -> None:
    goal = Goal("weighted_tardiness", "stability", scale=10)
    # term 3 with any tie 0..9 has an expression of 30..39
    assert goal.term_bound(30.0) == 3
    assert goal.term_bound(39.0) == 3
    assert goal.term_bound(31.0) == 3
    assert goal.term_bound(29.0) == 2
    assert Goal("flow_time").term_bound(41.99999999) == 42


def test_stability_breaks_ties_only_right_after_its_term() -> None:
    scenario = parse_scenario_text(SCENARIO, "s.json")
    plain = build_problem(scenario)
    assert goal_for(plain, "weighted_tardiness") == Goal("weighted_tardiness")
    plan = PreviousPlan("p", {}, add_stability=True)
    with_plan = build_problem(scenario, previous=plan)
    assert with_plan.objective == ("weighted_tardiness", "stability", "flow_time")
    # nothing planned: no stability to break ties with
    assert goal_for(with_plan, "weighted_tardiness").tie is None
    baseline = Baseline("p", {0: PlannedSlot(0, 10)}, {0: 8})
    from dataclasses import replace

    planned = replace(with_plan, baseline=baseline)
    assert goal_for(planned, "weighted_tardiness") == Goal(
        "weighted_tardiness", "stability", 9
    )
    assert goal_for(planned, "stability") == Goal("stability")
    assert goal_for(planned, "flow_time") == Goal("flow_time")
