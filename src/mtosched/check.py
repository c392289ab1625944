"""An independent verifier of schedules: no OR-Tools, no trust in the solver.

It re-derives feasibility from the compiled problem and recomputes every
objective term, so a modelling bug in the CP-SAT layer shows up as a
violation rather than as a plausible-looking plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from mtosched.evaluate import Evaluation, evaluate
from mtosched.problem.model import Problem
from mtosched.solution import Solution


@dataclass(frozen=True)
class CheckReport:
    """The verdict on one solution: violations (empty when valid) and values."""

    violations: tuple[str, ...]
    evaluation: Evaluation | None

    @property
    def ok(self) -> bool:
        """True when the solution satisfies every hard constraint."""
        return not self.violations


def _name(problem: Problem, t: int) -> str:
    task = problem.tasks[t]
    return f"{problem.orders[task.order].id}/{task.operation}"


def _task_violations(problem: Problem, solution: Solution) -> list[str]:
    found: list[str] = []
    for t, task in enumerate(problem.tasks):
        place = solution.placements[t]
        name = _name(problem, t)
        machine = problem.machines[place.machine].id
        if task.fixed is not None:
            if place != task.fixed:
                found.append(f"{name}: a running operation was moved")
            continue
        duration = task.duration_on(place.machine)
        if duration is None:
            found.append(f"{name}: machine {machine} is not eligible")
            continue
        if place.end - place.start != duration:
            found.append(
                f"{name}: runs {place.end - place.start} min on {machine}, "
                f"needs {duration}"
            )
        if place.start < 0:
            found.append(f"{name}: starts {-place.start} min before the planning start")
        if place.start < task.release:
            found.append(
                f"{name}: starts {task.release - place.start} min before its release"
            )
        if task.predecessors:
            latest = max(solution.placements[p].end for p in task.predecessors)
            for p in task.predecessors:
                earliest = solution.placements[p].end + task.min_wait
                if place.start < earliest:
                    found.append(
                        f"{name}: starts {earliest - place.start} min too early after "
                        f"{_name(problem, p)}"
                    )
            if task.max_wait is not None and place.start > latest + task.max_wait:
                found.append(
                    f"{name}: waits {place.start - latest} min after its latest "
                    f"predecessor, at most {task.max_wait} allowed"
                )
    return found


def _machine_violations(problem: Problem, solution: Solution) -> list[str]:
    found: list[str] = []
    by_machine: dict[int, list[int]] = {}
    for t, place in enumerate(solution.placements):
        by_machine.setdefault(place.machine, []).append(t)
    for machine, tasks in sorted(by_machine.items()):
        tasks.sort(key=lambda t: (solution.placements[t].start, t))
        for a, b in pairwise(tasks):
            if solution.placements[b].start < solution.placements[a].end:
                found.append(
                    f"{problem.machines[machine].id}: {_name(problem, a)} and "
                    f"{_name(problem, b)} overlap"
                )
    return found


def _deadline_violations(problem: Problem, solution: Solution) -> list[str]:
    found: list[str] = []
    for index, order in enumerate(problem.orders):
        completion = solution.completion(problem, index)
        if order.deadline is not None and completion > order.deadline:
            found.append(
                f"{order.id}: completes {completion - order.deadline} min after "
                "its deadline"
            )
    return found


def check(problem: Problem, solution: Solution) -> CheckReport:
    """Verify every hard constraint and recompute every objective term."""
    if len(solution.placements) != len(problem.tasks):
        raise ValueError("the solution does not place every task of the problem")
    violations = [
        *_task_violations(problem, solution),
        *_machine_violations(problem, solution),
        *_deadline_violations(problem, solution),
    ]
    return CheckReport(tuple(violations), evaluate(problem, solution))
