"""Several dispatch rules, and the best of their schedules.

One greedy rule is easily misled (earliest due date ignores weights and
remaining work), and each run takes milliseconds, so a handful of rules and
randomized variants are tried and the best by the objective is kept. It
hints the solver and is the fallback, so it is worth a fraction of a second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from mtosched.check import check
from mtosched.dispatch import Guide, OrderKey, dispatch, earliest_due_date
from mtosched.evaluate import evaluate
from mtosched.problem.model import Problem
from mtosched.solution import Solution


@dataclass(frozen=True)
class DispatchResult:
    """The best dispatch schedule, whether it is feasible, and its rule."""

    solution: Solution
    feasible: bool
    rule: str
    tried: int


def _rules(problem: Problem) -> list[tuple[str, OrderKey]]:
    """Deterministic rules: due date, slack, weighted slack, priority first."""
    work = [
        sum(problem.tasks[t].min_duration for t in order.tasks)
        for order in problem.orders
    ]
    orders = problem.orders
    return [
        ("earliest due date", earliest_due_date(problem)),
        ("least slack", lambda j: float(orders[j].due - work[j])),
        ("weighted slack", lambda j: (orders[j].due - work[j]) / orders[j].priority),
        (
            "priority, then due date",
            lambda j: -orders[j].priority * 1e9 + orders[j].due,
        ),
    ]


def _noisy(problem: Problem, noise: list[float]) -> OrderKey:
    def key(j: int) -> float:
        return problem.orders[j].due + noise[j]

    return key


def variants_for(problem: Problem) -> int:
    """How many randomized variants: more for small plants, none for huge ones.

    A count, not a time budget, so that a seeded solve repeats exactly.
    """
    return max(0, min(30, 20_000 // max(1, len(problem.tasks))))


def best_dispatch(problem: Problem, *, seed: int) -> DispatchResult:
    """The best schedule of the rules and randomized due-date variants.

    Ranked feasible first (deadlines, maximum waits), then by the objective
    terms in order. Randomized variants perturb due dates by up to a day.
    """
    rng = random.Random(seed)
    best: tuple[tuple[int, ...], Solution, bool, str] | None = None
    tried = 0

    def consider(name: str, urgency: OrderKey, guide: Guide | None = None) -> None:
        nonlocal best, tried
        solution = dispatch(problem, urgency, guide)
        tried += 1
        feasible = check(problem, solution).ok
        terms = evaluate(problem, solution).terms
        score = (int(not feasible), *(terms[t] for t in problem.objective))
        if best is None or score < best[0]:
            best = (score, solution, feasible, name)

    if problem.baseline is not None:
        # the warm start: last night's plan as it stands, then compressed
        slots = problem.baseline.planned
        due_date = earliest_due_date(problem)
        consider("previous plan", due_date, Guide(slots, keep_starts=True))
        consider("previous sequence", due_date, Guide(slots, keep_starts=False))
    for name, rule in _rules(problem):
        consider(name, rule)
    orders = problem.orders
    for _ in range(variants_for(problem)):
        noise = [rng.uniform(0, 1440) for _ in orders]
        consider("randomized due date", _noisy(problem, noise))
    assert best is not None
    return DispatchResult(best[1], best[2], best[3], tried)
