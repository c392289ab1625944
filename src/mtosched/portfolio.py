"""Several dispatch rules, and the best of their schedules.

One greedy rule is easily misled (earliest due date ignores weights and
remaining work), and each run takes milliseconds, so a handful of rules and
then a seeded search over the orders' sort keys are tried, and the best by
the objective is kept. It hints the solver and is the fallback; on large
plants, where CP-SAT needs most of its time for presolve, it is where most
of the improvement comes from, so it gets a share of the time limit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
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


#: Share of the time limit the due-date search may use, the cost assumed per
#: dispatch run and task (seconds, with its check; measured about 0.8e-4 on
#: the 654-operation plant), and the most steps it takes.
SEARCH_SHARE, _SECONDS_PER_TASK, _MOST_STEPS = 0.15, 1e-4, 200


def variants_for(problem: Problem, time_limit: float) -> int:
    """How many steps of the due-date search fit in its share of the time.

    A count from the problem's size and the time limit, not a clock, so
    that a seeded solve repeats exactly on any machine.
    """
    cost = _SECONDS_PER_TASK * max(1, len(problem.tasks))
    return max(0, min(_MOST_STEPS, int(SEARCH_SHARE * time_limit / cost)))


#: A step of the due-date search: this share of the orders (at least one)
#: moves by up to this many minutes either way. Few orders per step climb
#: best (benchmarks/RESULTS.md: 3 % beat 5, 10 and 20 %).
_STEP_SHARE, _STEP_MINUTES = 0.03, 1000.0


#: Told each feasible schedule that beats the best so far: its rule and the
#: value of the first objective term (a progress line, a first-feasible time).
ImprovementCallback = Callable[[str, int], None]


def best_dispatch(
    problem: Problem,
    *,
    seed: int,
    time_limit: float = 10.0,
    on_improvement: ImprovementCallback | None = None,
) -> DispatchResult:
    """The best schedule of the rules and a seeded search over due-date keys.

    Ranked feasible first (deadlines, maximum waits), then by the objective
    terms in order. The search starts from earliest due date and keeps a
    step when it is no worse: each step shifts the sort keys of a few orders
    by up to about 17 hours either way (a hill climb; on the 150-order plant
    it beats independent random keys by far, see benchmarks/RESULTS.md).
    """
    rng = random.Random(seed)
    best: tuple[tuple[int, ...], Solution, bool, str] | None = None
    tried = 0

    def consider(
        name: str, urgency: OrderKey, guide: Guide | None = None
    ) -> tuple[int, ...]:
        nonlocal best, tried
        solution = dispatch(problem, urgency, guide)
        tried += 1
        feasible = check(problem, solution).ok
        terms = evaluate(problem, solution).terms
        score = (int(not feasible), *(terms[t] for t in problem.objective))
        if best is None or score < best[0]:
            best = (score, solution, feasible, name)
            if feasible and on_improvement is not None:
                on_improvement(name, terms[problem.objective[0]])
        return score

    if problem.baseline is not None:
        # the warm start: last night's plan as it stands, then compressed
        slots = problem.baseline.planned
        due_date = earliest_due_date(problem)
        consider("previous plan", due_date, Guide(slots, keep_starts=True))
        consider("previous sequence", due_date, Guide(slots, keep_starts=False))
    scores = {name: consider(name, rule) for name, rule in _rules(problem)}
    noise = [0.0] * len(problem.orders)  # due date + 0: earliest due date
    kept = scores["earliest due date"]
    moved = max(1, round(_STEP_SHARE * len(noise)))
    for _ in range(variants_for(problem, time_limit) if noise else 0):
        step = list(noise)
        for j in rng.sample(range(len(noise)), min(moved, len(noise))):
            step[j] += rng.uniform(-_STEP_MINUTES, _STEP_MINUTES)
        score = consider("searched due-date keys", _noisy(problem, step))
        if score <= kept:
            noise, kept = step, score
    assert best is not None
    return DispatchResult(best[1], best[2], best[3], tried)
