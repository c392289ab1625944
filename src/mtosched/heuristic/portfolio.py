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
from dataclasses import dataclass, replace

from mtosched.heuristic.climb import (
    ClimbSettings,
    KeyMode,
    Position,
    Rank,
    Ranker,
    Scored,
    schedule_maker,
    task_bases,
)
from mtosched.heuristic.dispatch import (
    Guide,
    OrderKey,
    OutOfTime,
    dispatch,
    earliest_due_date,
)
from mtosched.heuristic.streams import stream_climb, team_climb
from mtosched.heuristic.team import Team
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.verify.check import check
from mtosched.verify.evaluate import order_outcomes


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


def lateness_scale(problem: Problem, solution: Solution) -> float:
    """The mean minutes late of the late orders in `solution` (0: none late).

    How far the key search moves an order: to overtake the orders that
    make one late it must move about that far. On the training plants the
    best fixed reach ranged from 1,000 minutes (all-300-dst) to 10,000
    (all-150-christmas); reaching from this scale to nine times it (under
    earliest due date) matched or beat the best fixed reach on each
    (benchmarks/RESULTS.md).
    """
    late = [r.tardiness for r in order_outcomes(problem, solution) if r.tardiness]
    return sum(late) / len(late) if late else 0.0


def steps_for(problem: Problem, seconds: float, seconds_per_task: float) -> int:
    """How many steps of the key search fit in `seconds`.

    A count from the plant's size, not a clock, so that a seeded solve
    repeats exactly on any machine fast enough to finish the count in time.
    """
    return max(0, int(seconds / (seconds_per_task * max(1, len(problem.tasks)))))


#: Told each feasible schedule that beats the best so far: its rule and the
#: value of the first objective term (a progress line, a first-feasible time).
ImprovementCallback = Callable[[str, int], None]


class _Incumbent:
    """The best schedule so far, ranked feasible first, then by the terms."""

    def __init__(
        self, problem: Problem, on_improvement: ImprovementCallback | None
    ) -> None:
        self.ranker = Ranker(problem)
        self.on_improvement = on_improvement
        self.best: tuple[Rank, Solution, str] | None = None
        self.reported: int | None = None

    def offer(self, name: str, solution: Solution, rank: Rank) -> None:
        """Keep `solution` when it beats the best so far (the first of equals).

        Rankings screen only deadlines and maximum waits (`Ranker`); a
        schedule about to be kept as feasible passes the full check first.
        """
        if self.best is not None and rank >= self.best[0]:
            return
        if rank[0] == 0 and not check(self.ranker.problem, solution).ok:
            rank = (1, *rank[1:])
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
        scored = self.ranker.rank(solution, self.best[0] if self.best else None)
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
    settings: ClimbSettings | None = None,
    workers: int = 1,
) -> DispatchResult:
    """The best schedule of the rules and a seeded search over order keys.

    Ranked feasible first (deadlines, maximum waits), then by the objective
    terms in order. The search starts from the best rule and takes at most
    `steps` steps; it also ends at the monotonic time `until`, after
    `patience` steps in a row without a better schedule, or when `stop`
    says so. Each step shifts a few orders' sort keys (`settings`) and keeps
    the result when it is no worse (a hill climb: on the 150-order plant it
    beats independent random keys by far). With `workers` > 1 and enough
    time, helper processes climb too, in epochs (team.py).
    When `stability` is an objective term, the climb runs inside last
    night's plan instead: the keys shift whole orders within the plan's
    order, and no task starts before its planned start unless its order is
    pulled forward (a negative key); late orders jump their blockers there
    too, and some steps put a shifted order back where the plan has it.
    """
    due_dates = problem.objective[0] in _DUE_DATE_TERMS
    settings = settings or ClimbSettings()
    if not due_dates:
        settings = replace(settings, pull_late=False)
    team: Team | None = None
    budget = until - time.monotonic() if until is not None else 0.0
    if (
        workers > 1
        and due_dates
        and steps >= 2 * settings.epoch_steps
        and budget >= settings.team_min_seconds
        and len(problem.orders) > 1
    ):
        # started first: the helpers import and unpickle during the rules
        team = Team(problem, workers - 1)
    try:
        return _best_dispatch(
            problem, seed, steps, until, patience, stop, on_improvement, settings, team
        )
    finally:
        if team is not None:
            team.close()


def _best_dispatch(
    problem: Problem,
    seed: int,
    steps: int,
    until: float | None,
    patience: int | None,
    stop: Callable[[], bool] | None,
    on_improvement: ImprovementCallback | None,
    settings: ClimbSettings,
    team: Team | None,
) -> DispatchResult:
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
    scale = 0.0
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
        if name == rules[0][0]:
            scale = lateness_scale(problem, solution)
        run_seconds = time.monotonic() - run_began
        best_so_far = incumbent.best[2] if incumbent.best is not None else None
        if settings.pull_late and best_so_far == name:
            start_key = rule  # the search starts from the best rule's keys
    mode: KeyMode = (
        "plan"
        if baseline is not None and "stability" in problem.objective
        else "orders"
    )
    # the helpers' steps reach from the plant's lateness scale to
    # `step_reach` times it, the parent's keep the fixed reach: which pays
    # differs between plants, and every epoch goes on from the better
    wide: ClimbSettings | None = None
    if mode == "orders" and settings.pull_late and settings.step_reach > 0 < scale:
        wide = replace(
            settings, step_minutes=scale, step_minutes_max=settings.step_reach * scale
        )
    make = schedule_maker(problem, mode, until)
    task_base = task_bases(problem, mode)
    keys = [0.0] * n if mode == "plan" else [start_key(j) for j in range(n)]
    # the climb's own position: in a plan it may rank below the best rule
    out_of_time = until is not None and time.monotonic() + run_seconds >= until
    here: Position | None = None
    if n and steps and not out_of_time:
        try:
            solution = make(keys)
            scored = incumbent.ranker.rank(solution)
            assert scored is not None  # no bar: always ranked
            here = Position(keys, scored, solution)
        except OutOfTime:
            here = None

    def offer(position: Position) -> None:
        incumbent.offer("searched order keys", position.solution, position.scored[0])

    if mode == "plan":
        settings = replace(settings, kick_share=0.0)  # restarts undo the plan
    accepted = 0
    if here is not None and team is None:
        accepted = stream_climb(
            make, incumbent.ranker, here, random.Random(seed), steps, settings,
            until=until, stop=stop, patience=patience, run_seconds=run_seconds,
            on_accept=offer, task_base=task_base,
        )  # fmt: skip
    elif here is not None and team is not None:
        accepted = team_climb(
            team, make, incumbent.ranker, here, seed, steps, settings,
            until=until, stop=stop, patience=patience, run_seconds=run_seconds,
            keep=offer, mode=mode, wide=wide, task_base=task_base,
        )  # fmt: skip
    best = incumbent.best
    assert best is not None
    rank, solution, name = best
    return DispatchResult(
        solution, rank[0] == 0, name, incumbent.ranker.tried, accepted
    )
