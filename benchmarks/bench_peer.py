"""The peer: the same instance modelled in PyJobShop, and its schedule checked.

The instance reaches the peer as a *shop*: a plain JSON-ready dict made from
mtosched's compiled `Problem` (`shop_from_problem`), so that both solvers see
exactly the same jobs, durations and due dates (zero-minute operations
already dropped, plant speeds and quantities already applied). Times are
minutes from the planning start:

    {"name", "objective": "makespan" | "weighted_tardiness", "horizon",
     "machines": [id, ...], "machine_breaks": [[[from, to], ...], ...],
     "resources": [{"id", "capacity", "breaks": [[from, to], ...]}, ...],
     "jobs": [{"id", "weight", "release", "due", "deadline"}, ...],
     "tasks": [{"name", "job", "release", "interruptible",
                "modes": [[machine, minutes], ...], "uses": [[resource, n]]}],
     "precedences": [[before, after, min_wait], ...],
     "max_waits": [[before, after, max_wait], ...],
     "setups": [[machine, before, after, minutes], ...],
     "initial_setups": [[machine, task, minutes], ...],
     "hint": [[machine, start, end], ...] (optional)}

`solve_shop` builds the PyJobShop model through its documented API
(https://pyjobshop.org/stable/api/pyjobshop.html: `Model.add_machine` with
breaks, `add_renewable`, `add_job` with a deadline, `add_task` with
`allow_breaks`, `add_mode`, `add_end_before_start`, `add_start_before_end`,
`add_setup_time`, `set_objective`, `solve` with an `initial_solution`) and
runs in the runner's child process. `check_shop` verifies the schedule it
returns under the shop's own rules, without trusting it, and recomputes
the objective.

How the contract's rules become PyJobShop's, and where they differ:

- Calendars: the non-working time of a machine, and of a crew, becomes
  its breaks up to `horizon` (PyJobShop merges the breaks of all the
  resources of a mode, as mtosched intersects their calendars). An
  interruptible operation may pause over a break (`allow_breaks`, PyJobShop
  0.0.9), an uninterruptible one must fit between breaks, as in the
  contract. With `pause=False` every operation on a calendar is
  uninterruptible, the restriction reference.csv's peer values were
  measured under. The time line ends at `horizon` (every task's latest
  end): PyJobShop partitions each mode's starts by the breaks it can
  cross, quadratic in the breaks, so the calendars are cut there.
- Changeovers: the family matrix becomes a setup time per machine and
  ordered task pair. PyJobShop counts it in elapsed minutes and lets it run
  during breaks; the contract counts machine working minutes. The set-up
  for a machine's initial family is a zero-minute dummy task fixed at the
  machine's first working minute, followed by a setup into whichever task
  comes first (no task can precede it: it would have to end by then).
- Crews and tools: renewable resources with their capacity, held by the
  operation for its whole run, pauses included, as in the contract.
- Deadlines: job deadlines (every task of the job ends by then).
- A maximum wait is translated after a single predecessor (start -
  max_wait <= the predecessor's end: `add_start_before_end` with a negative
  delay); mtosched counts it from the latest of several predecessors, a
  maximum PyJobShop's constraints cannot express.

The hint: PyJobShop 0.0.9's warm start hints every sequence arc between
two tasks of a machine in start order, not only between neighbours, so on
a machine with setup times (where its circuit is active) CP-SAT finds the
complete hint infeasible and repairs it ("The solution hint is complete,
but it is infeasible!" in its log): on shifts-60 a 5 s solve found no
schedule, a 10 s one did. That is the peer as shipped; it is not patched.

Materials, work already running or frozen and maximum waits after several
predecessors raise `NotModelled` with the reason, and the runner leaves the
peer columns empty. Because of the differences above, the peer's schedule
is judged by replaying its machine sequences under the contract's rules
(`bench_replay.replay`), not by its own objective alone.
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
    from mtosched.problem.worktime import WorkingTime

Shop = dict[str, Any]
Interval = tuple[int, int]

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


def breaks_of(hours: WorkingTime | None, horizon: int) -> list[list[int]]:
    """The non-working time of a calendar in `[0, horizon)` as [from, to] pairs."""
    if hours is None:
        return []
    breaks: list[list[int]] = []
    cursor = 0
    for start, end in hours.periods:
        if start >= horizon:
            break
        if start > cursor:
            breaks.append([cursor, start])
        cursor = max(cursor, end)
    if cursor < horizon:
        breaks.append([cursor, horizon])
    return breaks


def shop_from_problem(
    problem: Problem, *, horizon: int | None = None, pause: bool = True
) -> Shop:
    """The compiled problem as a shop for the peer (see the module docstring).

    `horizon` is the end of the peer's time line in minutes (default: the
    problem's own, which every active schedule keeps to); `pause` lets
    interruptible operations pause over breaks (else none may).
    """
    if horizon is None:
        horizon = problem.horizon
    term = problem.objective[0]
    if term not in PEER_OBJECTIVE:
        raise NotModelled(f"objective {term} has no PyJobShop counterpart here")
    reasons = {
        "materials": bool(problem.materials),
        "running or frozen work": any(t.fixed is not None for t in problem.tasks),
        "maximum waits after several predecessors": any(
            t.max_wait is not None and len(t.predecessors) > 1 for t in problem.tasks
        ),
    }
    found = [reason for reason, present in reasons.items() if present]
    if found:
        raise NotModelled("not translated: " + ", ".join(found))

    def calendar(index: int | None) -> list[list[int]]:
        hours = None if index is None else problem.calendars[index]
        return breaks_of(hours, horizon)

    on_calendar = {
        t
        for t, task in enumerate(problem.tasks)
        if any(m.calendar is not None for m in task.modes)
    }
    return {
        "name": problem.name or "",
        "objective": term,
        "horizon": horizon,
        "machines": [m.id for m in problem.machines],
        "machine_breaks": [calendar(m.calendar) for m in problem.machines],
        "resources": [
            {"id": r.id, "capacity": r.capacity, "breaks": calendar(r.calendar)}
            for r in problem.resources
        ],
        "jobs": [
            {
                "id": o.id,
                "weight": o.priority,
                "release": max(0, o.released),
                "due": o.due,
                "deadline": o.deadline,
            }
            for o in problem.orders
        ],
        "tasks": [
            {
                "name": f"{problem.orders[t.order].id}/{t.operation}",
                "job": t.order,
                "release": max(0, t.release),
                "interruptible": t.interruptible and (pause or k not in on_calendar),
                "modes": [[m.machine, m.duration] for m in t.modes],
                "uses": [[r, amount] for r, amount in t.uses],
            }
            for k, t in enumerate(problem.tasks)
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
        **_setups(problem),
    }


def _setups(problem: Problem) -> Shop:
    """Setup minutes per machine: between ordered task pairs, and initial ones."""
    setups: list[list[int]] = []
    initial: list[list[int]] = []
    by_machine: dict[int, list[int]] = {}
    for t, task in enumerate(problem.tasks):
        for mode in task.modes:
            by_machine.setdefault(mode.machine, []).append(t)
    for machine, tasks in sorted(by_machine.items()):
        info = problem.machines[machine]
        if info.changeovers is None:
            continue
        matrix = problem.changeovers[info.changeovers]
        for t in tasks:
            family = problem.tasks[t].family
            minutes = matrix.minutes(info.initial_family, family)
            if minutes > 0:
                initial.append([machine, t, minutes])
            for u in tasks:
                minutes = matrix.minutes(family, problem.tasks[u].family)
                if u != t and minutes > 0:
                    setups.append([machine, t, u, minutes])
    return {"setups": setups, "initial_setups": initial}


def merged(intervals: list[list[int]]) -> list[Interval]:
    """Sorted, disjoint intervals; touching ones merged."""
    result: list[list[int]] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(a, b) for a, b in result]


def task_breaks(shop: Shop, task: int, machine: int) -> list[Interval]:
    """The breaks a task meets on `machine`: its machine's and its crews'."""
    found = list(shop.get("machine_breaks", [[]] * (machine + 1))[machine])
    for resource, _ in shop["tasks"][task].get("uses", []):
        found += shop["resources"][resource]["breaks"]
    return merged(found)


def overlap(breaks: list[Interval], start: int, end: int) -> int:
    """Break minutes inside `[start, end)`."""
    return sum(max(0, min(b, end) - max(a, start)) for a, b in breaks)


def first_working(breaks: list[Interval]) -> int:
    """The first minute of a machine outside its breaks."""
    minute = 0
    for a, b in breaks:
        if a <= minute < b:
            minute = b
    return minute


def _timing_problems(shop: Shop, placements: list[list[int]]) -> list[str]:
    """Eligibility, working minutes over breaks, release, horizon."""
    problems: list[str] = []
    horizon = shop.get("horizon")
    for k, (task, (machine, start, end)) in enumerate(
        zip(shop["tasks"], placements, strict=True)
    ):
        name = task["name"]
        minutes = dict((m, d) for m, d in task["modes"]).get(machine)
        if minutes is None:
            problems.append(f"{name}: machine {machine} is not eligible")
            continue
        breaks = task_breaks(shop, k, machine)
        paused = overlap(breaks, start, end)
        if any(a <= start < b for a, b in breaks):
            problems.append(f"{name}: starts in a break")
        if paused and not task.get("interruptible", False):
            problems.append(f"{name}: may not pause but spans a break")
        if end - start - paused != minutes:
            problems.append(f"{name}: runs {end - start - paused} min, needs {minutes}")
        release = max(task.get("release", 0), shop["jobs"][task["job"]]["release"])
        if start < release:
            problems.append(f"{name}: starts before its release")
        if horizon is not None and end > horizon:
            problems.append(f"{name}: ends after the horizon")
    return problems


def _order_problems(shop: Shop, placements: list[list[int]]) -> list[str]:
    """Precedences, maximum waits and deadlines."""
    tasks = shop["tasks"]
    problems: list[str] = []
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
    ends: dict[int, int] = {}
    for task, (_, _, end) in zip(tasks, placements, strict=True):
        ends[task["job"]] = max(ends.get(task["job"], 0), end)
    for j, end in ends.items():
        deadline = shop["jobs"][j].get("deadline")
        if deadline is not None and end > deadline:
            problems.append(f"{shop['jobs'][j]['id']}: ends after its deadline")
    return problems


def _machine_problems(shop: Shop, placements: list[list[int]]) -> list[str]:
    """No overlap on a machine; setups between neighbours and from the start."""
    tasks = shop["tasks"]
    setups = {(m, a, b): d for m, a, b, d in shop.get("setups", [])}
    initial = {(m, t): d for m, t, d in shop.get("initial_setups", [])}
    breaks = shop.get("machine_breaks", [])
    problems: list[str] = []
    by_machine: dict[int, list[tuple[int, int, int]]] = {}
    for index, (machine, start, end) in enumerate(placements):
        by_machine.setdefault(machine, []).append((start, end, index))
    for machine, runs in by_machine.items():
        runs.sort()
        ready = first_working(merged(breaks[machine])) if breaks else 0
        first = runs[0][2]
        if runs[0][0] < ready + initial.get((machine, first), 0):
            problems.append(f"{tasks[first]['name']}: no time for the initial setup")
        for (_, end, one), (start, _, two) in itertools.pairwise(runs):
            if start < end + setups.get((machine, one, two), 0):
                problems.append(
                    f"machine {machine}: {tasks[one]['name']} and "
                    f"{tasks[two]['name']} overlap (setup included)"
                )
    return problems


def _resource_problems(shop: Shop, placements: list[list[int]]) -> list[str]:
    """No renewable resource holds more than its capacity at any minute."""
    problems: list[str] = []
    for r, resource in enumerate(shop.get("resources", [])):
        events = sorted(
            (minute, sign * amount)
            for task, (_, start, end) in zip(shop["tasks"], placements, strict=True)
            for used, amount in task.get("uses", [])
            if used == r
            for minute, sign in ((start, 1), (end, -1))
        )
        held = 0
        for minute, change in events:
            held += change
            if held > resource["capacity"]:
                problems.append(f"{resource['id']}: {held} held at minute {minute}")
                break
    return problems


def check_shop(shop: Shop, placements: list[list[int]]) -> tuple[int | None, list[str]]:
    """Recompute a shop schedule's objective and list what it violates.

    `placements` holds [machine, start, end] per task, in task order. The
    schedule is feasible under the shop's rules (the module docstring) when
    every task runs on one of its machines for that machine's minutes plus
    the breaks it pauses over (none when it may not pause), starts outside
    a break, not before its release; after its predecessors (plus the
    minimum wait, within the maximum wait); with the setup time between
    neighbours on a machine and the initial setup before the first; within
    the capacity of its resources and its job's deadline. The objective is
    recomputed from the placements alone.
    """
    tasks = shop["tasks"]
    if len(placements) != len(tasks):
        return None, [f"{len(placements)} placements for {len(tasks)} tasks"]
    problems = [
        *_timing_problems(shop, placements),
        *_order_problems(shop, placements),
        *_machine_problems(shop, placements),
        *_resource_problems(shop, placements),
    ]
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
    ([machine, start, end] per task, empty without a solution), hinted
    (whether the shop's hint was passed as the initial solution).
    """
    # Imported by name: the bench extra is optional, and PyJobShop ships no
    # type information, so the model is typed as Any.
    pyjobshop: Any = importlib.import_module("pyjobshop")
    began = time.monotonic()
    model = pyjobshop.Model()
    machines = [
        model.add_machine(breaks=[tuple(b) for b in breaks], name=str(m))
        for m, breaks in zip(
            shop["machines"],
            shop.get("machine_breaks", [[] for _ in shop["machines"]]),
            strict=True,
        )
    ]
    crews = [
        model.add_renewable(
            r["capacity"], breaks=[tuple(b) for b in r["breaks"]], name=r["id"]
        )
        for r in shop.get("resources", [])
    ]
    tardiness = shop["objective"] == "weighted_tardiness"
    jobs = [
        model.add_job(
            weight=job["weight"],
            release_date=job["release"],
            due_date=job["due"] if tardiness else None,
            name=job["id"],
            **(
                {"deadline": job["deadline"]} if job.get("deadline") is not None else {}
            ),
        )
        for job in shop["jobs"]
    ]
    latest = {"latest_end": shop["horizon"]} if shop.get("horizon") else {}
    tasks, modes = [], []
    for spec in shop["tasks"]:
        task = model.add_task(
            job=jobs[spec["job"]],
            earliest_start=spec.get("release", 0),
            allow_breaks=spec.get("interruptible", False),
            name=spec["name"],
            **latest,
        )
        uses = spec.get("uses", [])
        by_machine = {}
        for machine, minutes in spec["modes"]:
            resources = [machines[machine]] + [crews[r] for r, _ in uses]
            demands = [0] + [amount for _, amount in uses]
            model.add_mode(task, resources, duration=minutes, demands=demands)
            by_machine[machine] = len(model.modes) - 1
        tasks.append(task)
        modes.append(by_machine)
    for before, after, wait in shop["precedences"]:
        model.add_end_before_start(tasks[before], tasks[after], delay=wait)
    for before, after, wait in shop.get("max_waits", []):
        model.add_start_before_end(tasks[after], tasks[before], delay=-wait)
    for machine, before, after, minutes in shop.get("setups", []):
        model.add_setup_time(machines[machine], tasks[before], tasks[after], minutes)
    dummies = _initial_setups(model, shop, machines, tasks)
    model.set_objective(**{PEER_OBJECTIVE[shop["objective"]]: 1})
    hint = _initial_solution(pyjobshop, model, shop, modes, dummies)
    # Extra keywords go to CP-SAT's parameters (PyJobShop "Solver tips").
    result = model.solve(
        solver="ortools",
        time_limit=time_limit,
        display=False,
        initial_solution=hint,
        num_workers=workers,
        random_seed=seed,
    )
    seconds = time.monotonic() - began
    found = math.isfinite(result.objective)
    count = len(shop["tasks"])
    placements = (
        [[t.resources[0], t.start, t.end] for t in result.best.tasks[:count]]
        if found
        else []
    )
    return {
        "status": str(result.status.value).lower(),
        "objective": round(result.objective) if found else None,
        "bound": math.ceil(result.lower_bound - 1e-6) if found else None,
        "seconds": seconds,
        "placements": placements,
        "hinted": hint is not None,
    }


def _initial_setups(
    model: Any, shop: Shop, machines: list[Any], tasks: list[Any]
) -> list[tuple[int, int, int]]:
    """Dummy tasks for the initial setups, added after the shop's tasks.

    Each is a zero-minute task on its machine fixed at the machine's first
    working minute; a setup from it into a task is the initial changeover
    if that task comes first. Returns (machine, mode index, minute) per
    dummy, in the order of the tasks added.
    """
    dummies: dict[int, tuple[Any, int, int]] = {}
    breaks = shop.get("machine_breaks", [])
    for machine, task, minutes in shop.get("initial_setups", []):
        if machine not in dummies:
            minute = first_working(merged(breaks[machine])) if breaks else 0
            dummy = model.add_task(
                earliest_start=minute,
                latest_start=minute,
                name=f"initial set-up of {shop['machines'][machine]}",
            )
            model.add_mode(dummy, machines[machine], duration=0)
            dummies[machine] = (dummy, len(model.modes) - 1, minute)
        dummy = dummies[machine][0]
        model.add_setup_time(machines[machine], dummy, tasks[task], minutes)
    return [(m, mode, minute) for m, (_, mode, minute) in dummies.items()]


def _initial_solution(
    pyjobshop: Any,
    model: Any,
    shop: Shop,
    modes: list[dict[int, int]],
    dummies: list[tuple[int, int, int]],
) -> Any:
    """The shop's hint as PyJobShop's initial solution (None without one)."""
    hint = shop.get("hint")
    if not hint:
        return None
    scheduled = []
    crews = len(shop["machines"])
    for k, (machine, start, end) in enumerate(hint):
        task = shop["tasks"][k]
        minutes = dict((m, d) for m, d in task["modes"])[machine]
        resources = [machine] + [crews + r for r, _ in task.get("uses", [])]
        paused = end - start - minutes
        scheduled.append(
            pyjobshop.ScheduledTask(
                modes[k][machine], resources, start, end, breaks=paused
            )
        )
    for machine, mode, minute in dummies:
        scheduled.append(pyjobshop.ScheduledTask(mode, [machine], minute, minute))
    return pyjobshop.Solution(model.data(), scheduled)
