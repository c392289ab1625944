"""Sequence-keeping neighbourhood search: what it keeps, what it frees, and
that its schedules are checked and reach known optima."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from typing import Any

import pytest
from ortools.sat.python import cp_model

from mtosched import (
    Schedule,
    SearchParams,
    SolveParams,
    build_problem,
    load_scenario,
    solve,
)
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.goals import Goal
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.resequence import (
    NEIGHBOURHOODS,
    choose,
    critical_chain,
    has_machine_choice,
    keep_sequences,
    resequence,
)
from mtosched.heuristic.dispatch import dispatch
from mtosched.importers import parse_jsplib, read_fjsp, read_jsplib
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.verify.check import check
from mtosched.verify.evaluate import evaluate
from tests.helpers import DATA, ROOT, assert_checked


def _problem(name: str) -> Problem:
    reader = read_fjsp if name.endswith(".txt") else read_jsplib
    return build_problem(reader(DATA / name))


def _makespan(problem: Problem, solution: Solution) -> int:
    return evaluate(problem, solution).terms["makespan"]


def test_critical_chain_is_tight_back_to_a_start_at_its_release() -> None:
    """Every chain task ends the schedule or directly delays another chain task."""
    problem = _problem("ft06")
    schedule = dispatch(problem)
    chain = critical_chain(problem, schedule)
    places = schedule.placements
    last = _makespan(problem, schedule)
    assert {t for t in problem.free_tasks if places[t].end == last} <= chain
    by_machine: dict[int, list[int]] = {}
    for t in problem.free_tasks:
        by_machine.setdefault(places[t].machine, []).append(t)
    for t in chain:
        held_by = [
            b
            for b in [*problem.tasks[t].predecessors, *by_machine[places[t].machine]]
            if b in chain and b != t and places[b].end == places[t].start
        ]
        delays = [
            a
            for a in chain
            if a != t
            and places[a].start == places[t].end
            and (
                t in problem.tasks[a].predecessors
                or places[a].machine == places[t].machine
            )
        ]
        assert places[t].end == last or delays, f"task {t} delays no chain task"
        assert places[t].start == problem.tasks[t].release or held_by


def test_keep_sequences_keeps_machines_and_order_but_not_times() -> None:
    """Nothing free: the step may only shift tasks, never reorder or move them."""
    problem = _problem("mk01.txt")
    incumbent = dispatch(problem)
    sm = ScheduleModel(problem, compute_windows(problem, incumbent))
    sm.model.minimize(sm.term("makespan"))
    keep_sequences(sm, incumbent, set())
    sm.add_hint(incumbent)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(sm.model) == cp_model.OPTIMAL
    shifted = sm.extract(solver)
    assert check(problem, shifted).ok
    before, after = incumbent.placements, shifted.placements
    assert all(before[t].machine == after[t].machine for t in problem.free_tasks)

    def machine_order(placements: Any) -> dict[int, list[int]]:
        result: dict[int, list[int]] = {}
        for t in sorted(problem.free_tasks, key=lambda t: placements[t].start):
            result.setdefault(placements[t].machine, []).append(t)
        return result

    assert machine_order(before) == machine_order(after)
    assert _makespan(problem, shifted) <= _makespan(problem, incumbent)


@pytest.mark.parametrize("kind", NEIGHBOURHOODS)
def test_each_neighbourhood_frees_about_the_size_asked(kind: Any) -> None:
    problem = _problem("mk01.txt")
    schedule = dispatch(problem)
    rng = random.Random(3)
    for size in (1, 10, 30):
        chosen = choose(kind, rng, problem, schedule, size)
        assert chosen <= set(problem.free_tasks)
        # whole machines may overshoot by the last machine's tasks
        assert size <= len(chosen) <= (size if kind != "machines" else size + 20)


@pytest.mark.parametrize(("name", "optimum"), [("ft06", 55), ("mk01.txt", 40)])
def test_resequence_from_dispatch_reaches_the_known_optimum(
    name: str, optimum: int
) -> None:
    """With the optimum as floor it stops there; every step's schedule was checked."""
    problem = _problem(name)
    start = dispatch(problem)
    assert _makespan(problem, start) > optimum
    now = time.monotonic()
    result = resequence(
        problem,
        compute_windows(problem, start),
        start,
        Goal("makespan"),
        [],
        SolveParams(time_limit=60, workers=1, seed=0),
        until=now + 60,
        began=now,
        floor=optimum,
    )
    assert check(problem, result).ok
    assert _makespan(problem, result) == optimum
    assert time.monotonic() - now < 60  # stopped at the floor, not the clock


#: The search settings that hand a makespan stage over to the follow-up
#: search almost at once, so that a short solve shows which one ran.
_EARLY_HAND_OVER = SolveParams(
    time_limit=4, workers=1, seed=0, search=SearchParams(resequence_full_share=0.001)
)
#: Kinds of neighbourhood that only sequence-keeping steps use.
_RESEQUENCE_KINDS = {"critical", "machines"}


def _kinds(schedule: Schedule) -> set[str]:
    """The neighbourhood kinds a solve's time account names."""
    timing = schedule.solver.timing
    assert timing is not None
    return set(timing.neighbourhood_kinds)


def test_makespan_stage_hands_over_to_resequencing() -> None:
    """When the full model has not proved the makespan, resequencing goes on."""
    problem = _problem("mk01.txt")
    schedule = solve(problem, _EARLY_HAND_OVER)
    assert_checked(problem, schedule)
    assert _kinds(schedule) & _RESEQUENCE_KINDS
    assert 40 <= schedule.objective["makespan"] < _makespan(problem, dispatch(problem))


def test_job_shop_keeps_the_full_model() -> None:
    """Without a choice of machines the full model searches to the end."""
    problem = build_problem(parse_jsplib(_random_job_shop(15, 10), file="-", name="js"))
    assert not has_machine_choice(problem)
    assert has_machine_choice(_problem("mk01.txt"))
    schedule = solve(problem, replace(_EARLY_HAND_OVER, time_limit=2))
    assert_checked(problem, schedule)
    assert not _kinds(schedule)


def test_tardiness_stage_keeps_the_full_model() -> None:
    """Resequencing is measured on makespan only; other terms never call it."""
    problem = build_problem(load_scenario(ROOT / "instances" / "shopfloor-small.json"))
    schedule = solve(problem, replace(_EARLY_HAND_OVER, time_limit=2))
    assert_checked(problem, schedule)
    assert not _kinds(schedule) & _RESEQUENCE_KINDS


def _random_job_shop(jobs: int, machines: int) -> str:
    """JSPLIB text of a job shop too large to prove in a fraction of a second."""
    rng = random.Random(7)
    lines = [f"{jobs} {machines}"]
    for _ in range(jobs):
        order = rng.sample(range(machines), machines)
        lines.append(" ".join(f"{m} {rng.randint(1, 99)}" for m in order))
    return "\n".join(lines) + "\n"
