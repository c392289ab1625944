"""The dispatch portfolio: several rules, the best kept, repeatable."""

from __future__ import annotations

from mtosched import SolveParams, build_problem, load_scenario, solve
from mtosched.api import check as check_schedule
from mtosched.check import check
from mtosched.dispatch import dispatch
from mtosched.evaluate import evaluate
from mtosched.params import SolveProgress
from mtosched.portfolio import best_dispatch
from support import INSTANCES


def score(problem, solution):  # type: ignore[no-untyped-def]
    terms = evaluate(problem, solution).terms
    return tuple(terms[t] for t in problem.objective)


def test_best_dispatch_is_no_worse_than_earliest_due_date() -> None:
    """On the demo plant the portfolio beats plain EDD, and stays feasible."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    best = best_dispatch(problem, seed=0)
    assert best.feasible and check(problem, best.solution).ok
    assert score(problem, best.solution) <= score(problem, dispatch(problem))
    assert best.tried >= 4


def test_a_seed_repeats_the_same_schedule() -> None:
    """Randomized variants are a fixed count from a seed: runs repeat."""
    problem = build_problem(load_scenario(INSTANCES / "shopfloor-small.json"))
    first = best_dispatch(problem, seed=3)
    again = best_dispatch(problem, seed=3)
    assert first.solution == again.solution and first.rule == again.rule


def test_each_improvement_is_reported_and_the_last_is_the_result() -> None:
    """Progress sees every better feasible schedule, ending at the one kept."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    reported: list[tuple[str, int]] = []
    best = best_dispatch(
        problem,
        seed=0,
        on_improvement=lambda rule, value: reported.append((rule, value)),
    )
    values = [value for _, value in reported]
    assert len(values) >= 2, "the search improves on the first rule here"
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
    term = problem.objective[0]
    assert values[-1] == evaluate(problem, best.solution).terms[term]
    assert reported[-1][0] == best.rule


def test_solve_reports_the_dispatch_schedule_before_cp_sat() -> None:
    """The first progress report with a value is the portfolio's schedule."""
    problem = build_problem(load_scenario(INSTANCES / "bespoke-cars.json"))
    seen: list[SolveProgress] = []
    schedule = solve(
        problem, SolveParams(time_limit=3, workers=1, progress=seen.append)
    )
    assert check_schedule(problem, schedule).ok
    valued = [p for p in seen if p.objective is not None]
    assert valued and valued[0].stage == f"{problem.objective[0]} (dispatch)"
    assert valued[0].elapsed < 3
