"""Explain infeasibility in planner's terms: which orders, which constraints."""

from __future__ import annotations

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows, compute_windows
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.running import configured_solver, run_solver
from mtosched.params import SolveParams
from mtosched.problem.model import Problem


def _when(problem: Problem, minute: int) -> str:
    return problem.instant(minute).strftime("%Y-%m-%d %H:%M %Z")


def impossible_deadlines(problem: Problem, windows: Windows) -> list[str]:
    """Orders whose own routing cannot finish by the deadline, machines aside."""
    reasons = []
    for index, order in enumerate(problem.orders):
        floor = windows.order_floor[index]
        if order.deadline is not None and floor > order.deadline:
            reasons.append(
                f"order {order.id}: deadline {_when(problem, order.deadline)} cannot "
                f"be met: even with every machine free its remaining routing ends "
                f"{_when(problem, floor)} at the earliest "
                f"({floor - order.deadline} min too late)"
            )
    return reasons


def explain_infeasibility(
    problem: Problem, windows: Windows, params: SolveParams, *, time_limit: float
) -> list[str]:
    """Name the orders whose deadlines or maximum waits conflict, and frozen work.

    Solves a copy of the model with those constraints (and frozen placements)
    behind assumption literals and asks CP-SAT for a sufficient set of them
    (one worker and no objective, as assumptions require).
    """
    frozen = {
        t: task.fixed
        for t, task in enumerate(problem.tasks)
        if task.frozen and task.fixed is not None
    }
    if frozen:
        problem = problem.thawed()
        windows = compute_windows(problem)
    guarded = ScheduleModel(
        problem,
        windows,
        guard_deadlines=True,
        guard_placements=frozen,
        calendar_encoding=params.search.calendar_encoding,
    )
    keys = sorted(guarded.guards)
    guarded.model.add_assumptions([guarded.guards[key] for key in keys])
    solver = configured_solver(params, max(1.0, time_limit), workers=1)
    status = run_solver(solver, guarded.model, params)
    if status != cp_model.INFEASIBLE:
        also = " and frozen operations" if frozen else ""
        return [
            f"the deadlines, maximum waits{also} cannot all be met together "
            "(no smaller set was identified within the time limit)"
        ]
    core = set(solver.sufficient_assumptions_for_infeasibility())
    named = [key for key in keys if guarded.guards[key].index in core]
    if not named:
        return [_unguarded(problem, windows)]
    machines = _shared_machines(
        problem,
        {problem.tasks[i].order if kind == "frozen" else i for kind, i in named},
    )
    parts = []
    for kind, index in named:
        if kind == "frozen":
            task, place = problem.tasks[index], frozen[index]
            parts.append(
                f"frozen operation {problem.orders[task.order].id}/{task.operation} "
                f"(on {problem.machines[place.machine].id} from "
                f"{_when(problem, place.start)})"
            )
            continue
        order = problem.orders[index]
        if kind == "deadline":
            assert order.deadline is not None
            parts.append(f"{order.id} (deadline {_when(problem, order.deadline)})")
        else:
            parts.append(f"{order.id} (maximum wait between operations)")
    shared = f" on machines {', '.join(machines)}" if machines else ""
    return [
        "these constraints cannot all hold together" + shared + ": " + "; ".join(parts)
    ]


def _unguarded(problem: Problem, windows: Windows) -> str:
    """The reason when no deadline, maximum wait or frozen operation is needed.

    Names only what the scenario has: this said "running operations and
    maximum waits conflict" for a plan with neither (issue 16).
    """
    running = sum(1 for task in problem.tasks if task.running)
    waits = sum(1 for task in problem.tasks if task.max_wait is not None)
    present = [
        f"{count} {what}"
        for count, what in (
            (running, "running operation(s)"),
            (waits, "maximum wait(s)"),
        )
        if count
    ]
    limit = f"the planning horizon ({_when(problem, windows.horizon)})"
    if not present:
        return f"the routings cannot all be scheduled by {limit}"
    return (
        f"the routings cannot be scheduled at all: {' and '.join(present)} "
        f"conflict, or the work does not fit by {limit}"
    )


def _shared_machines(problem: Problem, orders: set[int]) -> list[str]:
    """Machines that at least two of the given orders can use."""
    users: dict[int, set[int]] = {}
    for order in orders:
        for t in problem.orders[order].tasks:
            for mode in problem.tasks[t].modes:
                users.setdefault(mode.machine, set()).add(order)
    shared = [m for m, who in users.items() if len(who) > 1 or len(orders) == 1]
    return [problem.machines[m].id for m in sorted(shared)]
