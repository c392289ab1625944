"""Several dispatch rules, then a search over the orders' sort keys.

One greedy rule is easily misled (earliest due date ignores weights and
remaining work), and each run takes milliseconds, so a handful of rules are
tried and then a seeded hill climb over the orders' sort keys: each step
shifts the keys of a few orders, re-runs the rule and keeps the schedule
when it is no worse. On the training plants this climb is where most of
the improvement over the textbook schedule comes from (calendar plants,
where a CP-SAT model of the whole plant spends its time in presolve), so
it gets a large share of the time limit (`SearchParams.dispatch_share`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from mtosched.check import check
from mtosched.dispatch import (
    Guide,
    OrderKey,
    OutOfTime,
    dispatch,
    earliest_due_date,
)
from mtosched.evaluate import objective_terms, order_outcomes
from mtosched.problem.model import Problem
from mtosched.solution import Solution


@dataclass(frozen=True)
class DispatchResult:
    """The best dispatch schedule, whether it is feasible, and its rule.

    `tried` counts dispatch runs, `accepted` the search steps kept.
    """

    solution: Solution
    feasible: bool
    rule: str
    tried: int
    accepted: int = 0


def _rules(problem: Problem) -> list[tuple[str, OrderKey]]:
    """Deterministic rules: due date, slack, weighted slack, priority first.

    And due dates moved earlier by priority, in steps of the mean order's
    work: on overloaded plants, where many orders end late anyway, the
    order of the late ones by weight matters more than their due dates
    (on the training plants these start the key search 20-70 % lower than
    earliest due date; benchmarks/RESULTS.md).
    """
    work = [
        sum(problem.tasks[t].min_duration for t in order.tasks)
        for order in problem.orders
    ]
    orders = problem.orders
    due = earliest_due_date(problem)
    mean_work = sum(work) / max(1, len(work))

    def weighted(weight: float) -> OrderKey:
        return lambda j: due(j) - weight * mean_work * orders[j].priority

    # Best first on the training plants, so that a short limit, which runs
    # only the first few, gets the strongest; with equal priorities the
    # weighted rules give earliest due date's schedule (the classic sets).
    return [
        ("earliest due date", due),
        *(
            (f"due date less {weight:g} x mean work per priority", weighted(weight))
            for weight in _PRIORITY_WEIGHTS
        ),
        ("least slack", lambda j: due(j) - work[j]),
        ("weighted slack", lambda j: (due(j) - work[j]) / orders[j].priority),
        ("priority, then due date", lambda j: -orders[j].priority * 1e9 + due(j)),
    ]


#: Objective terms the climb pulls late orders forward for, and starts from
#: the best rule's keys for; for makespan it starts from earliest due date,
#: as the classic sets were tuned.
_DUE_DATE_TERMS = frozenset({"weighted_tardiness", "late_orders", "max_lateness"})
#: How far one priority level moves an order's due date forward in the
#: priority-weighted rules, in multiples of the mean order's work.
_PRIORITY_WEIGHTS = (2.0, 4.0, 1.0, 0.5)


def steps_for(problem: Problem, seconds: float, seconds_per_task: float) -> int:
    """How many steps of the key search fit in `seconds`.

    A count from the plant's size, not a clock, so that a seeded solve
    repeats exactly on any machine fast enough to finish the count in time.
    """
    return max(0, int(seconds / (seconds_per_task * max(1, len(problem.tasks)))))


#: Told each feasible schedule that beats the best so far: its rule and the
#: value of the first objective term (a progress line, a first-feasible time).
ImprovementCallback = Callable[[str, int], None]
#: Infeasible (0 or 1), then the objective terms in order: lower is better.
Rank = tuple[int, ...]
#: A schedule's rank and each order's weighted tardiness.
Scored = tuple[Rank, list[int]]


class _Incumbent:
    """The best schedule so far, ranked feasible first, then by the terms."""

    def __init__(
        self, problem: Problem, on_improvement: ImprovementCallback | None
    ) -> None:
        self.problem, self.on_improvement = problem, on_improvement
        self.best: tuple[Rank, Solution, str] | None = None
        self.tried = 0
        self.reported: int | None = None

    def rank(self, solution: Solution, bar: Rank | None = None) -> Scored | None:
        """Rank and per-order weighted tardiness; None when worse than `bar`.

        The feasibility check is costly, so a schedule whose terms already
        lose to a feasible `bar` is not checked.
        """
        self.tried += 1
        problem = self.problem
        outcomes = order_outcomes(problem, solution)
        terms = objective_terms(problem, solution, outcomes)
        values = tuple(terms[t] for t in problem.objective)
        if bar is not None and bar[0] == 0 and values > bar[1:]:
            return None
        feasible = check(problem, solution).ok
        rank = (int(not feasible), *values)
        if bar is not None and rank > bar:
            return None
        costs = [
            order.priority * outcome.tardiness
            for order, outcome in zip(problem.orders, outcomes, strict=True)
        ]
        return rank, costs

    def offer(self, name: str, solution: Solution, rank: Rank) -> None:
        """Keep `solution` when it beats the best so far (the first of equals)."""
        if self.best is not None and rank >= self.best[0]:
            return
        self.best = (rank, solution, name)
        # progress shows the first term: report only when it drops
        drops = self.reported is None or rank[1] < self.reported
        if rank[0] == 0 and drops and self.on_improvement is not None:
            self.reported = rank[1]
            self.on_improvement(name, rank[1])

    def consider(self, name: str, solution: Solution) -> Scored | None:
        """Rank `solution` against the best; keep it when better (None: worse)."""
        scored = self.rank(solution, self.best[0] if self.best else None)
        if scored is not None:
            self.offer(name, solution, scored[0])
        return scored


def best_dispatch(
    problem: Problem,
    *,
    seed: int,
    steps: int = 200,
    until: float | None = None,
    patience: int | None = None,
    stop: Callable[[], bool] | None = None,
    on_improvement: ImprovementCallback | None = None,
    step_share: float = 0.03,
    step_minutes: float = 1000.0,
    late_acceptance: int = 0,
) -> DispatchResult:
    """The best schedule of the rules and a seeded search over order keys.

    Ranked feasible first (deadlines, maximum waits), then by the objective
    terms in order. The search starts from the best rule and takes at most
    `steps` steps; it also ends at the monotonic time `until`, after
    `patience` steps in a row without a better schedule, or when `stop`
    says so. Each step shifts the sort keys of `step_share` of the orders
    (at least one) by up to `step_minutes` either way; every other step
    also pulls one late order, drawn by its cost, up to twice as far
    forward. The result is kept when it is no worse than the climb's
    position (a hill climb: on the 150-order plant it beats independent
    random keys by far) or, with `late_acceptance` L > 0, no worse than
    the position L steps ago (late acceptance hill climbing).
    When `stability` is an objective term, the climb runs inside last
    night's plan instead: the keys shift whole orders within the plan's
    order, and no task starts before its planned start.
    """
    rng = random.Random(seed)
    incumbent = _Incumbent(problem, on_improvement)
    n = len(problem.orders)
    due_date = earliest_due_date(problem)
    baseline = problem.baseline
    if baseline is not None:
        # the warm start: last night's plan as it stands, then compressed
        for name, keep in (("previous plan", True), ("previous sequence", False)):
            incumbent.consider(
                name,
                dispatch(problem, due_date, Guide(baseline.planned, keep_starts=keep)),
            )
    rules = _rules(problem)
    start_key: OrderKey = rules[0][1]
    due_dates = problem.objective[0] in _DUE_DATE_TERMS
    run_seconds = 0.0  # the last run's time: one that would end late is not begun
    for name, rule in rules:
        over = until is not None and time.monotonic() + run_seconds >= until
        if incumbent.best is not None and (over or (stop is not None and stop())):
            break  # out of time or stopped: the first schedule will do
        run_began = time.monotonic()
        try:
            # only the first run must finish: the rest give way to the limit
            solution = dispatch(problem, rule, until=until if incumbent.best else None)
        except OutOfTime:
            break
        incumbent.consider(name, solution)
        run_seconds = time.monotonic() - run_began
        if due_dates and incumbent.best is not None and incumbent.best[2] == name:
            start_key = rule  # the search starts from the best rule's keys
    make: Callable[[list[float]], Solution]
    if baseline is not None and "stability" in problem.objective:
        # Stability counts: search within last night's plan, each order's
        # tasks shifted together in the plan's order, none before its
        # planned start, so that what moves is what gains.
        slots = baseline.planned

        def make(keys: list[float]) -> Solution:
            guide = Guide(slots, keep_starts=True, shift=keys.__getitem__)
            return dispatch(problem, due_date, guide, until=until)

        keys = [0.0] * n
    else:

        def make(keys: list[float]) -> Solution:
            return dispatch(problem, keys.__getitem__, until=until)

        keys = [start_key(j) for j in range(n)]
    # the climb's own position: in a plan it may rank below the best rule
    out_of_time = until is not None and time.monotonic() + run_seconds >= until
    here: Scored | None = None
    if n and steps and not out_of_time:
        try:
            here = incumbent.rank(make(keys))
        except OutOfTime:
            here = None
    moved = max(1, round(step_share * n))
    accepted = idle = 0
    history: list[Rank] = [here[0]] * late_acceptance if here is not None else []
    lowest = here[0] if here is not None else ()
    for step in range(steps if here is not None else 0):
        if until is not None and time.monotonic() + run_seconds >= until:
            break
        if stop is not None and stop():
            break
        if patience is not None and idle >= patience:
            break
        assert here is not None
        trial = list(keys)
        for j in rng.sample(range(n), min(moved, n)):
            trial[j] += rng.uniform(-step_minutes, step_minutes)
        costs = here[1]
        late = [j for j, cost in enumerate(costs) if cost > 0]
        if late and step % 2 and due_dates:
            j = rng.choices(late, weights=[costs[j] for j in late])[0]
            trial[j] -= rng.uniform(0, 2 * step_minutes)
        run_began = time.monotonic()
        try:
            solution = make(trial)
        except OutOfTime:
            break
        bar = here[0]
        if history:
            bar = max(bar, history[step % late_acceptance])
        scored = incumbent.rank(solution, bar)
        run_seconds = time.monotonic() - run_began
        if scored is None:
            idle += 1
            if history:
                history[step % late_acceptance] = here[0]
            continue
        # patience counts steps since the climb's best, which its position
        # leaves behind only under late acceptance
        idle = 0 if scored[0] < lowest else idle + 1
        lowest = min(lowest, scored[0])
        keys, here = trial, scored
        if history:
            history[step % late_acceptance] = here[0]
        accepted += 1
        incumbent.offer("searched order keys", solution, scored[0])
    best = incumbent.best
    assert best is not None
    rank, solution, name = best
    return DispatchResult(solution, rank[0] == 0, name, incumbent.tried, accepted)
