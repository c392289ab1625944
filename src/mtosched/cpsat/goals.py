"""What one lexicographic stage minimizes: its term, maybe with a tie-breaker.

A term followed by `stability` is minimized together with it, as
term * (largest stability + 1) + stability. That is exactly the
lexicographic order of the two, in one search: on a plant too large for the
first term to be proved optimal, every schedule the search finds is as
close to last night's plan as it can be for its lateness, instead of
whatever the first term's search happened to reach.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.sat.python import cp_model

from mtosched.cpsat.model import ScheduleModel
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.verify.evaluate import order_outcomes, term_values


@dataclass(frozen=True)
class Goal:
    """A stage's term, and the term that breaks its ties (`scale` > its maximum)."""

    term: ObjectiveTerm
    tie: ObjectiveTerm | None = None
    scale: int = 1

    def expression(self, sm: ScheduleModel) -> cp_model.LinearExprT:
        """The stage's objective in `sm` (an int when it is constant)."""
        main = sm.term(self.term)
        if self.tie is None:
            return main
        tie = sm.term(self.tie)
        if isinstance(main, int) and isinstance(tie, int):
            return self.scale * main + tie
        return cp_model.LinearExpr.weighted_sum([main, tie], [self.scale, 1])

    def key(self, terms: dict[ObjectiveTerm, int]) -> tuple[int, int]:
        """Evaluated terms as the goal ranks them."""
        return (terms[self.term], terms[self.tie] if self.tie is not None else 0)

    def rank(self, problem: Problem, solution: Solution) -> tuple[int, int]:
        """A schedule as the goal ranks it (the terms alone: no utilization)."""
        outcomes = order_outcomes(problem, solution)
        terms = (self.term,) if self.tie is None else (self.term, self.tie)
        values = term_values(problem, solution, outcomes, terms)
        return (values[0], values[1] if self.tie is not None else 0)

    def floor(self, bound: int | None) -> int | None:
        """The lowest value the term can take: the proved `bound` if known.

        Without one every term but the maximum lateness stops at zero; the
        maximum lateness goes below it when every order is early.
        """
        if bound is not None:
            return bound
        return None if self.term == "max_lateness" else 0

    def term_bound(self, bound: float) -> int:
        """A lower bound on the term, from a proved bound on the expression."""
        if self.tie is None:
            return _ceil(bound)
        # expression = scale * term + tie with 0 <= tie < scale
        return _ceil((bound - (self.scale - 1)) / self.scale)


def _ceil(value: float) -> int:
    return math.ceil(value - 1e-6)  # CP-SAT's bound is a float of an integer


def goal_for(problem: Problem, term: ObjectiveTerm) -> Goal:
    """The goal of `term`'s stage: with `stability` as tie-breaker when it is next."""
    terms = problem.objective
    position = terms.index(term)
    follows = terms[position + 1] if position + 1 < len(terms) else None
    baseline = problem.baseline
    if follows != "stability" or baseline is None or not baseline.weights:
        return Goal(term)
    return Goal(term, "stability", sum(baseline.weights.values()) + 1)
