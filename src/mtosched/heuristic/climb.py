"""The hill climb over order keys: one stream of steps.

A step shifts the sort keys of a few orders, re-runs the list schedule and
keeps the keys when the schedule is no worse. One stream is pure Python and
holds one core; with more workers a team of processes runs several
(`team.py`).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from mtosched.heuristic.blockers import BlockerIndex, jump_a_blocker
from mtosched.heuristic.dispatch import (
    Guide,
    OutOfTime,
    dispatch,
    earliest_due_date,
    latest_starts,
)
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.verify.check import deadlines_and_waits_hold
from mtosched.verify.evaluate import order_outcomes, term_values

#: Infeasible (0 or 1), then the objective terms in order: lower is better.
Rank = tuple[int, ...]
#: A schedule's rank and each order's weighted tardiness.
Scored = tuple[Rank, list[int]]
#: What the keys order: the orders themselves, or shifts within last
#: night's plan (when stability counts).
KeyMode = Literal["orders", "plan"]


@dataclass(frozen=True)
class ClimbSettings:
    """How a step moves the keys and how a team shares the work.

    A step moves `step_share` of the orders (at least one, at most
    `step_orders_max` when that is not 0) by up to `step_minutes` either
    way; with `pull_late`, every other step also pulls one late order,
    drawn by its cost, up to twice as far forward.
    With `step_minutes_max`, each step draws its reach log-uniformly
    between the two (the best reach differs tenfold between plants);
    `step_reach` > 0 asks the portfolio to give a team's helpers such
    reaches, from the plant's own lateness scale to `step_reach` times it
    (`portfolio.lateness_scale`), while the parent keeps `step_minutes`.
    In `blocker_share` of the pulls the late order goes just ahead of an
    order that held a machine it waited for (`blockers.py`), or, in
    `blocker_push` of those, that order just behind it. Within last
    night's plan, `restore_share` of the other steps put one shifted order
    back where the plan has it (key 0) instead. With `kick_share` > 0 a
    climb that has gone `patience` steps without a better position does not
    end: the best position so far is kicked (`kicked`) and climbed from
    again, until the steps or the time run out (iterated local search).
    A team synchronises every `epoch_steps` steps, and is only started when
    the climb has at least `team_min_seconds` (starting a helper costs
    about a second).
    """

    step_share: float = 0.03
    step_orders_max: int = 0
    step_minutes: float = 1000.0
    step_minutes_max: float | None = None
    step_reach: float = 0.0
    pull_late: bool = True
    blocker_share: float = 1.0
    blocker_push: float = 0.0
    restore_share: float = 0.5
    kick_share: float = 0.0
    epoch_steps: int = 25
    team_min_seconds: float = 10.0


class Ranker:
    """Ranks schedules: feasible first, then the objective terms in order."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.tried = 0

    def rank(self, solution: Solution, bar: Rank | None = None) -> Scored | None:
        """Rank and per-order weighted tardiness; None when worse than `bar`.

        Feasibility here is the list schedule's: deadlines and maximum
        waits, the rules it does not keep by construction. A schedule that
        loses to a feasible `bar` on its terms is not even screened; the
        full check is the keeper's (`portfolio._Incumbent`).
        """
        self.tried += 1
        problem = self.problem
        outcomes = order_outcomes(problem, solution)
        values = term_values(problem, solution, outcomes, problem.objective)
        if bar is not None and bar[0] == 0 and values > bar[1:]:
            return None
        feasible = deadlines_and_waits_hold(problem, solution)
        rank = (int(not feasible), *values)
        if bar is not None and rank > bar:
            return None
        costs = [
            order.priority * outcome.tardiness
            for order, outcome in zip(problem.orders, outcomes, strict=True)
        ]
        return rank, costs


def schedule_maker(
    problem: Problem, mode: KeyMode, until: float | None
) -> Callable[[list[float]], Solution]:
    """The list schedule for a list of order keys, in the climb's mode.

    "plan": each order's tasks shifted together in last night's plan, none
    before its planned start unless its order's key is negative (pulled
    forward that far), so that what moves is what gains.
    """
    if mode == "plan":
        assert problem.baseline is not None
        slots = problem.baseline.planned
        due_date = earliest_due_date(problem)

        def in_plan(keys: list[float]) -> Solution:
            guide = Guide(slots, keep_starts=True, shift=keys.__getitem__)
            return dispatch(problem, due_date, guide, until=until)

        return in_plan

    def by_keys(keys: list[float]) -> Solution:
        return dispatch(problem, keys.__getitem__, until=until)

    return by_keys


def task_bases(problem: Problem, mode: KeyMode) -> list[float] | None:
    """Per task, what its order's key is added to for its dispatch sort key.

    None where keys rank whole orders; within last night's plan, the
    task's planned start (new work: its latest start, as `Guide` ranks it).
    """
    if mode == "orders":
        return None
    assert problem.baseline is not None
    slots = problem.baseline.planned
    latest = latest_starts(problem)
    return [
        float(slots[t].start if t in slots else latest[t])
        for t in range(len(problem.tasks))
    ]


@dataclass
class Position:
    """Where a climb stands: its keys, their schedule's score and schedule."""

    keys: list[float]
    scored: Scored
    solution: Solution


@dataclass
class Stream:
    """What one stretch of a climb did."""

    position: Position
    steps: int = 0
    accepted: int = 0
    #: steps in a row without a better position, at the end
    idle: int = 0
    #: the time or a stop ended it, not the step count
    cut: bool = False


def climb(
    make: Callable[[list[float]], Solution],
    ranker: Ranker,
    start: Position,
    rng: random.Random,
    steps: int,
    settings: ClimbSettings,
    *,
    until: float | None,
    stop: Callable[[], bool] | None = None,
    patience: int | None = None,
    idle: int = 0,
    run_seconds: float = 0.0,
    on_accept: Callable[[Position], None] | None = None,
    task_base: list[float] | None = None,
) -> Stream:
    """Climb up to `steps` steps from `start`; keep what is no worse.

    It ends early at the monotonic time `until` (a run that would end past
    it is not begun, judging by the last one's time), when `stop` says so,
    or after `patience` steps in a row without a better position (counting
    on from `idle`). `on_accept` hears every position taken. `task_base`
    is `task_bases` for the mode `make` schedules in.
    """
    n = len(start.keys)
    moved = max(1, round(settings.step_share * n))
    if settings.step_orders_max:
        moved = min(moved, settings.step_orders_max)
    here = start
    stream = Stream(here, idle=idle)
    index: BlockerIndex | None = None
    for step in range(steps):
        if until is not None and time.monotonic() + run_seconds >= until:
            stream.cut = True
            break
        if stop is not None and stop():
            stream.cut = True
            break
        if patience is not None and stream.idle >= patience:
            break
        trial = list(here.keys)
        reach = settings.step_minutes
        if settings.step_minutes_max is not None:
            reach = math.exp(
                rng.uniform(math.log(reach), math.log(settings.step_minutes_max))
            )
        restorable = task_base is not None and step % 2 == 0
        shifted = [j for j, key in enumerate(trial) if key] if restorable else []
        if shifted and rng.random() < settings.restore_share:
            trial[rng.choice(shifted)] = 0.0  # back to its place in the plan
        else:
            for j in rng.sample(range(n), min(moved, n)):
                trial[j] += rng.uniform(-reach, reach)
        costs = here.scored[1]
        late = [j for j, cost in enumerate(costs) if cost > 0]
        if late and step % 2 and settings.pull_late:
            j = rng.choices(late, weights=[costs[j] for j in late])[0]
            jumped = False
            if settings.blocker_share and rng.random() < settings.blocker_share:
                if index is None or index.solution is not here.solution:
                    index = BlockerIndex(ranker.problem, here.solution)
                jumped = jump_a_blocker(
                    trial, j, index, rng, settings.blocker_push, task_base
                )
            if not jumped:
                trial[j] -= rng.uniform(0, 2 * reach)
        run_began = time.monotonic()
        try:
            solution = make(trial)
        except OutOfTime:
            stream.cut = True
            break
        stream.steps += 1
        scored = ranker.rank(solution, here.scored[0])
        run_seconds = time.monotonic() - run_began
        if scored is None:
            stream.idle += 1
            continue
        stream.idle = 0 if scored[0] < here.scored[0] else stream.idle + 1
        here = Position(trial, scored, solution)
        stream.position = here
        stream.accepted += 1
        if on_accept is not None:
            on_accept(here)
    return stream


def kicked(
    make: Callable[[list[float]], Solution],
    ranker: Ranker,
    best: Position,
    rng: random.Random,
    settings: ClimbSettings,
) -> Position | None:
    """`best` with `kick_share` of the orders' keys moved at once, as a new start.

    A hill climb that keeps only what is no worse settles in a local
    optimum; a larger random move than any step makes (several times the
    orders of a step, up to twice its reach) lets the next climb reach
    another. None when the schedule ran out of time.
    """
    n = len(best.keys)
    reach = settings.step_minutes_max or settings.step_minutes
    trial = list(best.keys)
    for j in rng.sample(range(n), max(1, min(n, round(settings.kick_share * n)))):
        trial[j] += rng.uniform(-2 * reach, 2 * reach)
    try:
        solution = make(trial)
    except OutOfTime:
        return None
    scored = ranker.rank(solution)
    assert scored is not None  # no bar: always ranked
    return Position(trial, scored, solution)
