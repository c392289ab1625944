"""An independent verifier of schedules: no OR-Tools, no trust in the solver.

It re-derives feasibility from the compiled problem and recomputes every
objective term, so a modelling bug in the CP-SAT layer shows up as a
violation rather than as a plausible-looking plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import pairwise

from mtosched.problem.model import Problem
from mtosched.problem.parts import Mode, Placement
from mtosched.problem.solution import Solution
from mtosched.verify.batches import batch_name, batch_violations
from mtosched.verify.evaluate import Evaluation, evaluate
from mtosched.verify.lots import lot_violations, overlaps
from mtosched.verify.sequences import Changeover, Unit, changeovers, machine_units


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


def _stamp(problem: Problem, minute: int) -> str:
    return problem.instant(minute).strftime("%Y-%m-%d %H:%M")


def _task_violations(problem: Problem, solution: Solution) -> list[str]:
    found: list[str] = []
    for t, task in enumerate(problem.tasks):
        place = solution.placements[t]
        name = _name(problem, t)
        machine = problem.machines[place.machine].id
        if task.fixed is not None:
            if place != task.fixed:
                kind = "frozen" if task.frozen else "running"
                found.append(f"{name}: a {kind} operation was moved")
            if not task.frozen:
                continue
        else:
            mode = next((m for m in task.modes if m.machine == place.machine), None)
            if mode is None:
                found.append(f"{name}: machine {machine} is not eligible")
                continue
            if not problem.machines[place.machine].batches:
                # a batch's members are timed together, in `batch_violations`
                found.extend(
                    _duration_violations(problem, t, mode, place, name, machine)
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
                if overlaps(problem, solution, t, p):
                    # rule 21's two lot conditions replace end-before-start
                    found.extend(
                        lot_violations(problem, solution, t, p, partial(_name, problem))
                    )
                    continue
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


def _duration_violations(
    problem: Problem, t: int, mode: Mode, place: Placement, name: str, machine: str
) -> list[str]:
    """Working minutes, start and end on working time, uninterrupted fit."""
    task = problem.tasks[t]
    if mode.calendar is None:
        if place.end - place.start != mode.duration:
            return [
                f"{name}: runs {place.end - place.start} min on {machine}, "
                f"needs {mode.duration}"
            ]
        return []
    hours = problem.calendars[mode.calendar]
    found = []
    worked = hours.worked(place.start, place.end)
    if worked != mode.duration:
        found.append(
            f"{name}: gets {worked} working minutes on {machine}, needs {mode.duration}"
        )
    if not hours.is_working(place.start):
        found.append(f"{name}: starts in non-working time of {machine}")
    if place.end > place.start and not hours.is_working(place.end - 1):
        found.append(f"{name}: ends in non-working time of {machine}")
    if not task.interruptible and not hours.fitting_period(
        place.start, place.end - place.start
    ):
        found.append(f"{name}: may not be interrupted but spans non-working time")
    return found


def _resource_violations(problem: Problem, solution: Solution) -> list[str]:
    """The amount held at any minute never exceeds a resource's capacity."""
    found: list[str] = []
    for r, resource in enumerate(problem.resources):
        events: list[tuple[int, int, int]] = []
        for t, task in enumerate(problem.tasks):
            for used, amount in task.uses:
                if used == r:
                    place = solution.placements[t]
                    events.append((place.start, amount, t))
                    events.append((place.end, -amount, t))
        held = 0
        # releases before acquisitions at the same minute: [start, end) intervals
        for minute, change, t in sorted(events, key=lambda e: (e[0], e[1])):
            held += change
            if held > resource.capacity:
                found.append(
                    f"{resource.id}: {held} held at {_stamp(problem, minute)} "
                    f"(capacity {resource.capacity}), when {_name(problem, t)} starts"
                )
                break
    return found


def _material_violations(problem: Problem, solution: Solution) -> list[str]:
    """Consumption so far never exceeds stock plus arrivals so far (rule 13)."""
    found: list[str] = []
    for k, material in enumerate(problem.materials):
        events: list[tuple[int, int, int]] = [(at, 0, q) for at, q in material.supply]
        demand = 0
        for t, task in enumerate(problem.tasks):
            # running work has nothing here: it took its material (rule 11)
            for used, quantity in task.consumes:
                if used == k:
                    events.append((solution.placements[t].start, 1, -quantity))
                    demand += quantity
        if material.lead_time is not None:
            events.append((material.lead_time, 0, demand))
        level = 0
        # receipts (kind 0) count before consumptions (kind 1) at the same minute
        for minute, _, change in sorted(events):
            level += change
            if level < 0:
                found.append(
                    f"{material.id}: short by {-level} at {_stamp(problem, minute)}"
                )
                break
    return found


def _changeover_violations(
    problem: Problem, solution: Solution, changes: list[Changeover]
) -> list[str]:
    """Enough machine working time between neighbours for each changeover."""
    found = []
    for change in changes:
        place = solution.placements[change.task]
        gap = problem.changeover_gap(place.machine, change.after, place.start)
        if gap < change.minutes:
            before = (
                _name(problem, change.previous)
                if change.previous is not None
                else "the initial set-up"
            )
            who = _name(problem, change.task)
            if change.members:
                who = f"the batch of {who} ({len(change.members)} members)"
            found.append(
                f"{who}: {change.minutes} min changeover "
                f"after {before} needs machine time, only {gap} min left"
            )
    return found


def _machine_violations(problem: Problem, units: dict[int, list[Unit]]) -> list[str]:
    """One task, or one batch, at a time on each machine (rule 18)."""
    found: list[str] = []
    for machine, sequence in sorted(units.items()):
        numbered = list(enumerate(sequence, start=1))
        for (ka, a), (kb, b) in pairwise(numbered):
            if b.start < a.end:
                found.append(
                    f"{problem.machines[machine].id}: {_unit(problem, a, ka)} and "
                    f"{_unit(problem, b, kb)} overlap"
                )
    return found


def _unit(problem: Problem, unit: Unit, k: int) -> str:
    if problem.machines[unit.machine].batches:
        return f"batch {batch_name(problem, unit.machine, k)}"
    return _name(problem, unit.lead)


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


def deadlines_and_waits_hold(problem: Problem, solution: Solution) -> bool:
    """True when every deadline and maximum wait holds.

    The two hard rules the list schedule does not guarantee by construction
    (heuristic/dispatch.py): the key search screens its thousands of
    schedules with this and runs the full `check` only on a schedule it
    would keep as its best.
    """
    placements = solution.placements
    for index, order in enumerate(problem.orders):
        if order.deadline is not None and (
            solution.completion(problem, index) > order.deadline
        ):
            return False
    for t in problem.waits_capped:
        task = problem.tasks[t]
        assert task.max_wait is not None
        latest = max(placements[p].end for p in task.predecessors)
        if placements[t].start > latest + task.max_wait:
            return False
    return True


def check(problem: Problem, solution: Solution) -> CheckReport:
    """Verify every hard constraint and recompute every objective term."""
    if len(solution.placements) != len(problem.tasks):
        raise ValueError("the solution does not place every task of the problem")
    # batches are the units of machine sequences: worked out once, shared
    units = machine_units(problem, solution)
    changes = changeovers(problem, solution, units)
    violations = [
        *_task_violations(problem, solution),
        *_machine_violations(problem, units),
        *_deadline_violations(problem, solution),
        *_resource_violations(problem, solution),
        *_material_violations(problem, solution),
        *_changeover_violations(problem, solution, changes),
        *batch_violations(problem, solution, partial(_name, problem), units),
    ]
    evaluation = evaluate(problem, solution, units=units, changes=changes)
    return CheckReport(tuple(violations), evaluation)
