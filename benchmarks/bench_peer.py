"""The peer: the same instance modelled in PyJobShop, and its schedule checked.

The instance reaches the peer as a *shop*: a plain JSON-ready dict made from
mtosched's compiled `Problem` (`shop_from_problem`), so that both solvers see
exactly the same jobs, durations and due dates (zero-minute operations
already dropped, plant speeds and quantities already applied):

    {"name", "objective": "makespan" | "weighted_tardiness",
     "machines": [id, ...],
     "jobs": [{"id", "weight", "release", "due"}, ...],
     "tasks": [{"name", "job", "modes": [[machine, minutes], ...]}, ...],
     "precedences": [[before, after, min_wait], ...],
     "max_waits": [[before, after, max_wait], ...]}

`solve_shop` builds the PyJobShop model through its documented API
(https://pyjobshop.org/stable/api/pyjobshop.html: `Model.add_machine`,
`add_job`, `add_task`, `add_mode`, `add_end_before_start`,
`add_start_before_end`, `set_objective`, `solve`, and `Result`; the flexible
job shop example is the pattern) and runs in the runner's child process.
`check_shop` verifies the schedule it returns without trusting it and
recomputes the objective.

Only what PyJobShop models the same way is translated: machines working
around the clock, no crews, materials, changeovers, deadlines, or work
already running. A maximum wait is translated after a single predecessor
(start - max_wait <= the predecessor's end: `add_start_before_end` with a
negative delay); mtosched counts it from the latest of several
predecessors, a maximum PyJobShop's constraints cannot express. Anything
else raises `NotModelled` with the reason, and the runner leaves the peer
columns empty.
"""

from __future__ import annotations

import importlib
import itertools
import math
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only for types: the peer's child process imports this module and should
    # not pay for mtosched in its peak memory.
    from mtosched import Problem

Shop = dict[str, Any]

#: mtosched's term -> the keyword of PyJobShop's `Model.set_objective`. Its
#: total tardiness is Σ weight_j · max(0, C_j - d_j) (documented on
#: `pyjobshop.Objective`), which is mtosched's weighted tardiness with the
#: order priority as the job weight.
PEER_OBJECTIVE = {
    "makespan": "weight_makespan",
    "weighted_tardiness": "weight_total_tardiness",
}


class NotModelled(Exception):
    """The instance has something the peer model would not mean the same way."""


def shop_from_problem(problem: Problem) -> Shop:
    """The compiled problem as a shop for the peer (see the module docstring)."""
    term = problem.objective[0]
    if term not in PEER_OBJECTIVE:
        raise NotModelled(f"objective {term} has no PyJobShop counterpart here")
    reasons = {
        "shift calendars": any(
            m.calendar is not None for t in problem.tasks for m in t.modes
        ),
        "crews or tools": bool(problem.resources),
        "materials": bool(problem.materials),
        "changeovers": bool(problem.changeovers),
        "running or frozen work": any(t.fixed is not None for t in problem.tasks),
        "maximum waits after several predecessors": any(
            t.max_wait is not None and len(t.predecessors) > 1 for t in problem.tasks
        ),
        "deadlines": any(o.deadline is not None for o in problem.orders),
    }
    found = [reason for reason, present in reasons.items() if present]
    if found:
        raise NotModelled("not translated: " + ", ".join(found))
    return {
        "name": problem.name or "",
        "objective": term,
        "machines": [m.id for m in problem.machines],
        "jobs": [
            {
                "id": o.id,
                "weight": o.priority,
                "release": max(0, o.released),
                "due": o.due,
            }
            for o in problem.orders
        ],
        "tasks": [
            {
                "name": f"{problem.orders[t.order].id}/{t.operation}",
                "job": t.order,
                "modes": [[m.machine, m.duration] for m in t.modes],
            }
            for t in problem.tasks
        ],
        "precedences": [
            [before, after, t.min_wait]
            for after, t in enumerate(problem.tasks)
            for before in t.predecessors
        ],
        "max_waits": [
            [t.predecessors[0], after, t.max_wait]
            for after, t in enumerate(problem.tasks)
            if t.max_wait is not None and t.predecessors
        ],
    }


def check_shop(shop: Shop, placements: list[list[int]]) -> tuple[int | None, list[str]]:
    """Recompute a shop schedule's objective and list what it violates.

    `placements` holds [machine, start, end] per task, in task order. The
    schedule is feasible when every task runs on one of its machines for
    that machine's minutes, not before its job's release, after its
    predecessors (plus the minimum wait, within the maximum wait), and no
    two tasks overlap on a machine. The objective is recomputed from the
    placements alone.
    """
    tasks = shop["tasks"]
    if len(placements) != len(tasks):
        return None, [f"{len(placements)} placements for {len(tasks)} tasks"]
    problems: list[str] = []
    for task, (machine, start, end) in zip(tasks, placements, strict=True):
        minutes = dict((m, d) for m, d in task["modes"]).get(machine)
        if minutes is None:
            problems.append(f"{task['name']}: machine {machine} is not eligible")
        elif end - start != minutes:
            problems.append(f"{task['name']}: runs {end - start} min, needs {minutes}")
        if start < shop["jobs"][task["job"]]["release"]:
            problems.append(f"{task['name']}: starts before its release")
    for before, after, wait in shop["precedences"]:
        if placements[before][2] + wait > placements[after][1]:
            problems.append(
                f"{tasks[after]['name']}: starts before {tasks[before]['name']} "
                f"ends (+{wait} min)"
            )
    for before, after, wait in shop.get("max_waits", []):
        if placements[after][1] > placements[before][2] + wait:
            problems.append(
                f"{tasks[after]['name']}: waits more than {wait} min after "
                f"{tasks[before]['name']}"
            )
    by_machine: dict[int, list[tuple[int, int, int]]] = {}
    for index, (machine, start, end) in enumerate(placements):
        by_machine.setdefault(machine, []).append((start, end, index))
    for machine, runs in by_machine.items():
        runs.sort()
        for (_, end, first), (start, _, second) in itertools.pairwise(runs):
            if start < end:
                problems.append(
                    f"machine {machine}: {tasks[first]['name']} and "
                    f"{tasks[second]['name']} overlap"
                )
    return shop_objective(shop, placements), problems


def shop_objective(shop: Shop, placements: list[list[int]]) -> int:
    """The shop's objective of a schedule: makespan or weighted tardiness."""
    if shop["objective"] == "makespan":
        return max((end for _, _, end in placements), default=0)
    completion: dict[int, int] = {}
    for task, (_, _, end) in zip(shop["tasks"], placements, strict=True):
        completion[task["job"]] = max(completion.get(task["job"], 0), end)
    return sum(
        job["weight"] * max(0, completion[j] - job["due"])
        for j, job in enumerate(shop["jobs"])
        if j in completion
    )


def solve_shop(shop: Shop, *, time_limit: float, workers: int, seed: int) -> Shop:
    """Build and solve the shop with PyJobShop (OR-Tools); the result as a dict.

    Keys: status (lower case), objective and bound (None without a
    solution), seconds (model building and solving), placements
    ([machine, start, end] per task, empty without a solution).
    """
    # Imported by name: the bench extra is optional, and PyJobShop ships no
    # type information, so the model is typed as Any.
    pyjobshop: Any = importlib.import_module("pyjobshop")
    began = time.monotonic()
    model = pyjobshop.Model()
    machines = [model.add_machine(name=str(m)) for m in shop["machines"]]
    tardiness = shop["objective"] == "weighted_tardiness"
    jobs = [
        model.add_job(
            weight=job["weight"],
            release_date=job["release"],
            due_date=job["due"] if tardiness else None,
            name=job["id"],
        )
        for job in shop["jobs"]
    ]
    tasks = []
    for spec in shop["tasks"]:
        task = model.add_task(job=jobs[spec["job"]], name=spec["name"])
        for machine, minutes in spec["modes"]:
            model.add_mode(task, machines[machine], duration=minutes)
        tasks.append(task)
    for before, after, wait in shop["precedences"]:
        model.add_end_before_start(tasks[before], tasks[after], delay=wait)
    for before, after, wait in shop.get("max_waits", []):
        model.add_start_before_end(tasks[after], tasks[before], delay=-wait)
    model.set_objective(**{PEER_OBJECTIVE[shop["objective"]]: 1})
    # Extra keywords go to CP-SAT's parameters (PyJobShop "Solver tips").
    result = model.solve(
        solver="ortools",
        time_limit=time_limit,
        display=False,
        num_workers=workers,
        random_seed=seed,
    )
    seconds = time.monotonic() - began
    found = math.isfinite(result.objective)
    placements = (
        [[t.resources[0], t.start, t.end] for t in result.best.tasks] if found else []
    )
    return {
        "status": str(result.status.value).lower(),
        "objective": round(result.objective) if found else None,
        "bound": math.ceil(result.lower_bound - 1e-6) if found else None,
        "seconds": seconds,
        "placements": placements,
    }
