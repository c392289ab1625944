"""Shared set-up for tests of the key search: a start and a schedule's terms."""

from __future__ import annotations

from collections.abc import Callable

from mtosched.heuristic.climb import Position, Ranker, schedule_maker
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.verify.evaluate import evaluate


def objective_values(problem: Problem, solution: Solution) -> tuple[int, ...]:
    """The problem's objective terms of `solution`, in order."""
    terms = evaluate(problem, solution).terms
    return tuple(terms[t] for t in problem.objective)


def due_date_start(
    problem: Problem,
) -> tuple[Callable[[list[float]], Solution], Ranker, Position]:
    """A climb's schedule maker, ranker and start with each order's due date as key."""
    make = schedule_maker(problem, "orders", None)
    keys = [float(order.due) for order in problem.orders]
    ranker = Ranker(problem)
    solution = make(keys)
    scored = ranker.rank(solution)
    assert scored is not None  # no bar: always ranked
    return make, ranker, Position(keys, scored, solution)
