"""The dispatch portfolio: several rules, the best kept, repeatable."""

from __future__ import annotations

from mtosched import build_problem, load_scenario
from mtosched.check import check
from mtosched.dispatch import dispatch
from mtosched.evaluate import evaluate
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
