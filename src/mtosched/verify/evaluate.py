"""Objective terms and KPIs recomputed from placements alone.

Used by the checker, the heuristic and the schedule output, so that every
number a user sees comes from the schedule itself, never from solver
internals (a helper variable that is not minimized can float anywhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import get_args

from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.verify.sequences import Changeover, Unit, changeovers, machine_units


@dataclass(frozen=True, slots=True)
class OrderOutcome:
    """Completion and lateness of one order, in minutes from start."""

    completion: int
    lateness: int

    @property
    def tardiness(self) -> int:
        """Lateness past the due date; 0 when on time."""
        return max(0, self.lateness)


@dataclass(frozen=True)
class Evaluation:
    """Every objective term and KPI of a solution."""

    outcomes: tuple[OrderOutcome, ...]
    terms: dict[ObjectiveTerm, int]
    utilization: dict[str, float] = field(default_factory=dict)


def order_outcomes(problem: Problem, solution: Solution) -> tuple[OrderOutcome, ...]:
    """Completion and lateness per order of the problem."""
    outcomes = []
    for index, order in enumerate(problem.orders):
        completion = solution.completion(problem, index)
        outcomes.append(OrderOutcome(completion, completion - order.due))
    return tuple(outcomes)


def objective_terms(
    problem: Problem,
    solution: Solution,
    outcomes: tuple[OrderOutcome, ...],
    changes: list[Changeover] | None = None,
) -> dict[ObjectiveTerm, int]:
    """All objective terms (contract rule 14), whether requested or not.

    `changes` are the solution's changeovers, when the caller has them.
    """
    if changes is None:
        changes = changeovers(problem, solution)
    return {
        term: term_value(problem, solution, outcomes, term, changes)
        for term in _ALL_TERMS
    }


def term_values(
    problem: Problem,
    solution: Solution,
    outcomes: tuple[OrderOutcome, ...],
    terms: Sequence[ObjectiveTerm],
) -> tuple[int, ...]:
    """The given terms only, in order.

    The searches rank thousands of schedules by the requested terms; the
    changeover sum alone took a seventh of a key-search step when every
    term was computed (benchmarks/RESULTS.md).
    """
    return tuple(term_value(problem, solution, outcomes, t) for t in terms)


def term_value(
    problem: Problem,
    solution: Solution,
    outcomes: tuple[OrderOutcome, ...],
    term: ObjectiveTerm,
    changes: list[Changeover] | None = None,
) -> int:
    """One objective term of a solution (contract rule 14)."""
    pairs = zip(problem.orders, outcomes, strict=True)
    if term == "weighted_tardiness":
        return sum(o.priority * r.tardiness for o, r in pairs)
    if term == "max_lateness":
        return max((r.lateness for r in outcomes), default=0)
    if term == "late_orders":
        return sum(o.priority for o, r in pairs if r.lateness > 0)
    if term == "earliness":
        return sum(o.priority * max(0, -r.lateness) for o, r in pairs)
    if term == "flow_time":
        return sum(r.completion - o.released for o, r in pairs)
    if term == "makespan":
        return max((p.end for p in solution.placements), default=0)
    if term == "changeover_minutes":
        if changes is None:
            changes = changeovers(problem, solution)
        return sum(c.minutes for c in changes)
    if term == "stability":
        return stability(problem, solution)
    raise ValueError(f"unknown objective term {term!r}")


#: Every term, in the order of the contract's table.
_ALL_TERMS: tuple[ObjectiveTerm, ...] = get_args(ObjectiveTerm)


def moved_tasks(problem: Problem, solution: Solution) -> list[int]:
    """Tasks placed away from the previous plan (none without one)."""
    baseline = problem.baseline
    if baseline is None:
        return []
    return [
        t
        for t in baseline.planned
        if baseline.moved(
            t, solution.placements[t].machine, solution.placements[t].start
        )
    ]


def stability(problem: Problem, solution: Solution) -> int:
    """Σ weight of the tasks moved against the previous plan."""
    baseline = problem.baseline
    if baseline is None:
        return 0
    return sum(baseline.weights[t] for t in moved_tasks(problem, solution))


def machine_utilization(
    problem: Problem,
    solution: Solution,
    units: dict[int, list[Unit]] | None = None,
    changes: list[Changeover] | None = None,
) -> dict[str, float]:
    """Busy share of each machine's working time up to the last end (rule 15).

    Busy means processing plus changeover working minutes after start. A
    batch is busy once, not once per member (rule 18). `units` and
    `changes` are the solution's, when the caller has them already.
    """
    horizon = max((p.end for p in solution.placements), default=0)
    busy = [0] * len(problem.machines)
    if units is None:
        units = machine_units(problem, solution)
    if changes is None:
        changes = changeovers(problem, solution, units)
    for index, sequence in units.items():
        for unit in sequence:
            busy[index] += _worked(problem, index, max(unit.start, 0), unit.end)
    for changeover in changes:
        busy[solution.placements[changeover.task].machine] += changeover.minutes
    result = {}
    for m, machine in enumerate(problem.machines):
        available = _worked(problem, m, 0, horizon)
        result[machine.id] = round(busy[m] / available, 4) if available > 0 else 0.0
    return result


def _worked(problem: Problem, machine: int, start: int, end: int) -> int:
    calendar = problem.machines[machine].calendar
    if calendar is None:
        return max(0, end - start)
    return problem.calendars[calendar].worked(start, end)


def evaluate(
    problem: Problem,
    solution: Solution,
    *,
    units: dict[int, list[Unit]] | None = None,
    changes: list[Changeover] | None = None,
) -> Evaluation:
    """Recompute every objective term and KPI of a solution.

    `units` and `changes` save the checker working them out twice (it
    runs inside the key search, so time matters).
    """
    outcomes = order_outcomes(problem, solution)
    if units is None:
        units = machine_units(problem, solution)
    if changes is None:
        changes = changeovers(problem, solution, units)
    return Evaluation(
        outcomes=outcomes,
        terms=objective_terms(problem, solution, outcomes, changes),
        utilization=machine_utilization(problem, solution, units, changes),
    )
