"""Neighbourhood search that keeps machine sequences, for mid-sized instances.

On makespan, CP-SAT on 2 workers gives one thread to its full search and
shares the other among a dozen neighbourhood kinds; on a flexible job shop
it stalls well above the best-known value (mk10: 209 from 67 s to 600 s,
benchmarks/RESULTS.md). Each step here frees a neighbourhood and keeps every
other task on its machine and in its place in that machine's sequence, while
all start times stay free: unlike pinning tasks in time (lns.py), a step can
then pull the whole tail of the schedule forward. Below
`SearchParams.makespan_lns_min_tasks` the full model builds in milliseconds,
so each step rebuilds it and both workers search the neighbourhood. Job
shops without machine choices stay with the full model, which did better
there (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import random
import time
from itertools import pairwise
from typing import Literal

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.goals import Goal
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.running import configured_solver, run_solver
from mtosched.params import SolveParams, SolveProgress, TimeAccount
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.verify.check import check

#: Share of the free tasks a neighbourhood starts with, its limits, and how
#: it adapts: larger after a step proved its neighbourhood optimal (room to
#: spare), smaller after one ran out of time.
_FIRST_SHARE, _MIN_SHARE, _MAX_SHARE = 0.3, 0.05, 0.9
_GROW, _SHRINK = 1.1, 0.9
_MIN_FREE = 5

Neighbourhood = Literal["critical", "window", "machines"]
NEIGHBOURHOODS: tuple[Neighbourhood, ...] = ("critical", "window", "machines")


def has_machine_choice(problem: Problem) -> bool:
    """True when some task to place may run on more than one machine.

    There the full model's search stalls on the assignment (mk); a job shop,
    where only the sequences are open, CP-SAT's own search serves better.
    """
    return any(len(problem.tasks[t].modes) > 1 for t in problem.free_tasks)


def critical_chain(problem: Problem, solution: Solution) -> set[int]:
    """The tasks that hold up the schedule's end.

    Starting from the tasks that end last, it follows each task back to
    the routing predecessor or the machine predecessor that ends exactly
    when it starts: the schedule ends no earlier unless one of them moves.
    """
    placements = solution.placements
    machine_before: dict[int, int] = {}
    for tasks in _machine_sequences(solution, problem.free_tasks).values():
        for before, after in pairwise(tasks):
            machine_before[after] = before
    last = max((p.end for p in placements), default=0)
    chain: set[int] = set()
    todo = [t for t in problem.free_tasks if placements[t].end == last]
    while todo:
        t = todo.pop()
        if t in chain:
            continue
        chain.add(t)
        start = placements[t].start
        behind = [*problem.tasks[t].predecessors]
        if t in machine_before:
            behind.append(machine_before[t])
        todo.extend(b for b in behind if placements[b].end == start)
    return chain


def choose(
    kind: Neighbourhood,
    rng: random.Random,
    problem: Problem,
    solution: Solution,
    size: int,
) -> set[int]:
    """About `size` free tasks of one kind of neighbourhood.

    - critical: a third drawn from the critical chain, the rest the tasks
      starting nearest to those in time, on any machine;
    - window: tasks starting next to each other in time;
    - machines: every task of a few machines drawn at random.
    """
    free_tasks = list(problem.free_tasks)
    if not free_tasks:
        return set()
    placements = solution.placements
    size = min(size, len(free_tasks))
    if kind == "critical":
        chain = sorted(critical_chain(problem, solution))
        rng.shuffle(chain)
        chosen = set(chain[: max(1, size // 3)])
        starts = [placements[t].start for t in chosen]
        nearest = sorted(
            free_tasks, key=lambda t: min(abs(placements[t].start - s) for s in starts)
        )
        for t in nearest:
            if len(chosen) >= size:
                break
            chosen.add(t)
        return chosen
    if kind == "window":
        by_start = sorted(free_tasks, key=lambda t: placements[t].start)
        first = rng.randrange(len(by_start) - size + 1)
        return set(by_start[first : first + size])
    sequences = list(_machine_sequences(solution, free_tasks).values())
    rng.shuffle(sequences)
    chosen = set()
    for tasks in sequences:
        if len(chosen) >= size:
            break
        chosen.update(tasks)
    return chosen


def resequence(
    problem: Problem,
    windows: Windows,
    incumbent: Solution,
    goal: Goal,
    settled: list[tuple[ObjectiveTerm, int]],
    params: SolveParams,
    *,
    until: float,
    began: float,
    floor: int | None,
    account: TimeAccount | None = None,
) -> Solution:
    """Improve the goal's terms of the incumbent until the monotonic time `until`.

    `settled` holds earlier lexicographic terms with the values they must
    keep; the search stops once the goal's term reaches `floor`. A step's
    schedule replaces the incumbent when it is at least as good: moving
    along a plateau lets later steps find what the incumbent's sequences
    hid. Returns the best schedule found.
    """
    rng = random.Random(params.seed)
    best = goal.rank(problem, incumbent)
    lowest = (floor, 0) if floor is not None else None
    share = _FIRST_SHARE
    while (
        until - time.monotonic() > 0.2
        and (lowest is None or best > lowest)
        and not params.stop_requested
    ):
        step_began = time.monotonic()
        kind = rng.choice(NEIGHBOURHOODS)
        size = max(_MIN_FREE, round(share * len(problem.free_tasks)))
        free = choose(kind, rng, problem, incumbent, size)
        sm = ScheduleModel(
            problem, windows, calendar_encoding=params.search.calendar_encoding
        )
        for earlier, kept in settled:
            sm.model.add(sm.term(earlier) <= kept)
        sm.model.minimize(goal.expression(sm))
        keep_sequences(sm, incumbent, free)
        sm.add_hint(incumbent)
        seconds = max(
            0.1, min(params.search.resequence_step_seconds, until - time.monotonic())
        )
        solver = configured_solver(params, seconds, seed=rng.randrange(1 << 30))
        status = run_solver(solver, sm.model, params)
        accepted = False
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = sm.extract(solver)
            value = goal.rank(problem, candidate)
            if value <= best and check(problem, candidate).ok:
                accepted = True
                if value < best and params.progress is not None:
                    now = time.monotonic() - began
                    params.progress(SolveProgress(goal.term, value[0], None, now))
                incumbent, best = candidate, value
        if account is not None:
            account.step(kind, time.monotonic() - step_began, accepted=accepted)
        grow = status == cp_model.OPTIMAL
        share = (
            min(_MAX_SHARE, share * _GROW) if grow else max(_MIN_SHARE, share * _SHRINK)
        )
    return incumbent


def keep_sequences(sm: ScheduleModel, incumbent: Solution, free: set[int]) -> None:
    """Keep the tasks outside `free` on their machines, in the incumbent's order.

    Only the order is kept, not the times: every task can still move
    earlier or later. Free tasks may go anywhere between kept ones.
    """
    problem = sm.problem
    kept = [t for t in problem.free_tasks if t not in free]
    placements = incumbent.placements
    for t in kept:
        on_machine = sm.vars[t].presence.get(placements[t].machine)
        if on_machine is not None:
            sm.model.add(on_machine == 1)
    for tasks in _machine_sequences(incumbent, kept).values():
        for before, after in pairwise(tasks):
            if placements[before].end <= placements[after].start:
                sm.model.add(sm.vars[before].end <= sm.vars[after].start)


def _machine_sequences(solution: Solution, tasks: list[int]) -> dict[int, list[int]]:
    """The given tasks by machine, in the order the solution runs them."""
    sequences: dict[int, list[int]] = {}
    for t in tasks:
        sequences.setdefault(solution.placements[t].machine, []).append(t)
    for sequence in sequences.values():
        sequence.sort(
            key=lambda t: (solution.placements[t].start, solution.placements[t].end)
        )
    return sequences
