"""How the key search ranks a schedule: requested terms, screened rules, full check.

The search ranks thousands of list schedules, so it computes only the
objective's terms and screens only the two rules the list schedule does not
keep by construction (deadlines, maximum waits); a schedule it would keep
as the best must still pass the whole checker.
"""

from __future__ import annotations

from typing import get_args

from mtosched import build_problem, load_scenario
from mtosched.heuristic.climb import Ranker
from mtosched.heuristic.dispatch import dispatch
from mtosched.heuristic.portfolio import _Incumbent, lateness_scale
from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.scenario.models import Scenario
from mtosched.verify.check import check, deadlines_and_waits_hold
from mtosched.verify.evaluate import objective_terms, order_outcomes, term_values
from tests.helpers import INSTANCES, at, op, order, plant


def two_step_plant(**second: object) -> Problem:
    """O1: cut on M1 (60), then weld on M2 (60); O2: a 30 minute job on M1."""
    return build_problem(
        Scenario.model_validate(
            plant(
                [
                    order("O1", 600, {**op(60), "id": "cut"},
                          {**op(60, "M2"), "id": "weld", **second}),
                    order("O2", 600, {**op(30), "id": "job"}, deadline=at(100)),
                ]
            )
        )
    )  # fmt: skip


def test_term_values_equal_every_term_of_the_full_evaluation() -> None:
    problem = build_problem(load_scenario(INSTANCES / "shopfloor-small.json"))
    solution = dispatch(problem)
    outcomes = order_outcomes(problem, solution)
    every = objective_terms(problem, solution, outcomes)
    terms: tuple[ObjectiveTerm, ...] = get_args(ObjectiveTerm)
    assert term_values(problem, solution, outcomes, terms) == tuple(
        every[t] for t in terms
    )
    assert set(every) == set(terms)


def test_a_missed_deadline_or_a_long_wait_fails_the_screen() -> None:
    problem = two_step_plant(max_wait_minutes=10)
    cut, weld = problem.task_index[("O1", "cut")], problem.task_index[("O1", "weld")]
    job = problem.task_index[("O2", "job")]

    def solution(weld_start: int, job_start: int) -> Solution:
        places = [Placement(0, 0, 0)] * len(problem.tasks)
        places[cut] = Placement(0, 0, 60)
        places[weld] = Placement(1, weld_start, weld_start + 60)
        places[job] = Placement(0, job_start, job_start + 30)
        return Solution(tuple(places))

    good = solution(70, 60)
    assert deadlines_and_waits_hold(problem, good) and check(problem, good).ok
    waited = solution(71, 60)  # 11 minutes after the cut, 10 allowed
    assert not deadlines_and_waits_hold(problem, waited)
    assert not check(problem, waited).ok
    late = solution(70, 71)  # O2 ends at 101, its deadline is 100
    assert not deadlines_and_waits_hold(problem, late)
    assert Ranker(problem).rank(late) is not None
    assert Ranker(problem).rank(late)[0][0] == 1  # type: ignore[index]


def test_a_schedule_that_passes_the_screen_but_not_the_checker_is_not_kept() -> None:
    problem = two_step_plant()
    cut, weld = problem.task_index[("O1", "cut")], problem.task_index[("O1", "weld")]
    job = problem.task_index[("O2", "job")]
    places = [Placement(0, 0, 0)] * len(problem.tasks)
    places[cut] = Placement(0, 0, 60)
    places[weld] = Placement(1, 60, 120)
    places[job] = Placement(0, 30, 60)  # overlaps the cut on M1
    overlapping = Solution(tuple(places))
    assert deadlines_and_waits_hold(problem, overlapping)
    assert not check(problem, overlapping).ok
    incumbent = _Incumbent(problem, None)
    scored = incumbent.ranker.rank(overlapping)
    assert scored is not None and scored[0][0] == 0  # the screen passes it
    incumbent.offer("overlapping", overlapping, scored[0])
    assert incumbent.best is not None and incumbent.best[0][0] == 1
    # a checked schedule, even a worse one, then takes its place
    fine = dispatch(problem)
    assert check(problem, fine).ok
    incumbent.consider("list schedule", fine)
    assert incumbent.best[1] == fine and incumbent.best[0][0] == 0


def test_the_lateness_scale_is_the_mean_minutes_late_of_the_late_orders() -> None:
    problem = build_problem(
        Scenario.model_validate(
            plant(
                [
                    order("A", 60, op(100)),  # ends 100: 40 late
                    order("B", 500, op(100)),  # ends 200: on time
                    order("C", 100, op(100)),  # ends 300: 200 late
                ],
                machines=["M1"],
            )
        )
    )
    index = {o.id: j for j, o in enumerate(problem.orders)}
    places = [Placement(0, 0, 0)] * len(problem.tasks)
    for oid, start in (("A", 0), ("B", 100), ("C", 200)):
        places[problem.orders[index[oid]].tasks[0]] = Placement(0, start, start + 100)
    solution = Solution(tuple(places))
    assert check(problem, solution).ok
    assert lateness_scale(problem, solution) == 120.0
    on_time = build_problem(
        Scenario.model_validate(plant([order("A", 600, op(100))], machines=["M1"]))
    )
    assert lateness_scale(on_time, dispatch(on_time)) == 0.0
