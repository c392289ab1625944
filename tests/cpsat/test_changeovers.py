"""Changeovers: hand-worked sequences and brute force on tiny instances."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from mtosched import Problem, Scenario, SolveParams, build_problem, solve
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.model import ScheduleModel
from mtosched.heuristic.dispatch import dispatch
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.verify.check import check as check_solution
from tests.helpers import assert_checked, op, order, plant, solved

PARAMS = SolveParams(time_limit=20, workers=1, seed=0)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def paint_shop(
    colours: list[str],
    *,
    initial: str | None = None,
    calendar: bool = False,
    terms: list[str] | None = None,
) -> Scenario:
    """One booth; each order is one 60-min paint job in its colour.

    Matrix: same colour 0, any other change 60, black to white 120.
    """
    booth: dict[str, Any] = {"id": "BOOTH", "changeovers": "paint"}
    if initial:
        booth["initial_family"] = initial
    if calendar:
        booth["calendar"] = "days"
    return Scenario.model_validate(
        {
            "start": "2026-11-30T06:00:00Z",
            "calendars": [
                {
                    "id": "days",
                    "shifts": [{"days": WEEKDAYS, "from": "06:00", "to": "10:00"}],
                }
            ],
            "changeovers": [
                {
                    "id": "paint",
                    "default_minutes": 60,
                    "same_minutes": 0,
                    "pairs": [{"from": "black", "to": "white", "minutes": 120}],
                }
            ],
            "machines": [booth],
            "products": [
                {
                    "id": "car",
                    "options": {"colour": ["black", "white", "red"]},
                    "routing": [
                        {
                            "id": "paint",
                            "machines": ["BOOTH"],
                            "minutes": 60,
                            "family_option": "colour",
                        }
                    ],
                }
            ],
            "orders": [
                {
                    "id": f"O{k}",
                    "product": "car",
                    "options": {"colour": c},
                    "due": "2026-12-07T06:00:00Z",
                }
                for k, c in enumerate(colours)
            ],
            "objective": {"terms": terms or ["changeover_minutes"]},
        }
    )


def test_batching_colours_saves_changeovers() -> None:
    """black, white, black: paint both blacks together, one change (120) to white.

    Orders as given would cost 120 + 60 = 180; white first costs 60 only.
    """
    schedule = solved(paint_shop(["black", "white", "black"]), PARAMS, optimal=True)
    assert schedule.objective["changeover_minutes"] == 60


def test_the_initial_set_up_counts() -> None:
    """Set up for white: white first is free, then white->black (60): 60 in all."""
    schedule = solved(
        paint_shop(["black", "white"], initial="white"), PARAMS, optimal=True
    )
    assert schedule.objective["changeover_minutes"] == 60
    first = min(schedule.operations, key=lambda op: op.start)
    assert first.order == "O1" and first.setup_start is None


def test_changeover_is_machine_working_time() -> None:
    """Booth works 06-10. white, then red: 60 min change, red ends 09:00.

    With black first and white (120 change) the day would overflow; the
    solver avoids it. setup_start is written before the changed job.
    """
    schedule = solved(
        paint_shop(["white", "red"], calendar=True, terms=["makespan"]),
        PARAMS,
        optimal=True,
    )
    by_order = {op.order: op for op in schedule.operations}
    later = max(schedule.operations, key=lambda op: op.start)
    assert later.setup_start is not None
    assert (later.start - later.setup_start).total_seconds() == 3600
    assert schedule.objective["makespan"] == 180
    assert set(by_order) == {"O0", "O1"}


def test_changeover_spans_the_night_in_working_minutes() -> None:
    """Set up for black; three blacks and a white on a booth working 06-10.

    Blacks 06-09; the 120-min change to white runs 09-10 and Tue 06-07; white
    07-08: makespan 1 day + 2 h. White first would end Tue 09:00 instead.
    """
    schedule = solved(
        paint_shop(
            ["black", "black", "black", "white"],
            initial="black",
            calendar=True,
            terms=["makespan"],
        ),
        PARAMS,
        optimal=True,
    )
    assert schedule.objective["makespan"] == 1440 + 120
    white = next(op for op in schedule.operations if op.order == "O3")
    assert white.setup_start is not None
    assert white.setup_start.isoformat() == "2026-11-30T09:00:00+00:00"


# --- brute force ---------------------------------------------------------------


def semi_active(
    problem: Problem, machines: tuple[int, ...], sequences: dict[int, list[int]]
) -> Solution | None:
    """Earliest starts for given machines and per-machine orders (or None)."""
    placements: dict[int, Placement] = {}
    cursor = {m: (0, problem.machines[m].initial_family) for m in sequences}
    position = {m: 0 for m in sequences}
    remaining = len(problem.tasks)
    while remaining:
        progressed = False
        for m, seq in sequences.items():
            if position[m] == len(seq):
                continue
            t = seq[position[m]]
            task = problem.tasks[t]
            if any(p not in placements for p in task.predecessors):
                continue
            mode = next(md for md in task.modes if md.machine == machines[t])
            earliest = max(
                [
                    task.release,
                    *(placements[p].end + task.min_wait for p in task.predecessors),
                ]
            )
            last_end, family = cursor[m]
            info = problem.machines[m]
            if info.changeovers is not None:
                minutes = problem.changeovers[info.changeovers].minutes(
                    family, task.family
                )
                ready = problem.setup_ready(m, max(last_end, 0), minutes)
                if ready is None:
                    return None
                earliest = max(earliest, ready)
            earliest = max(earliest, last_end)
            start = problem.earliest_start(task, mode, earliest)
            end = problem.end_of(task, mode, start) if start is not None else None
            if start is None or end is None:
                return None
            placements[t] = Placement(m, start, end)
            cursor[m] = (end, task.family)
            position[m] += 1
            remaining -= 1
            progressed = True
        if not progressed:
            return None  # the sequences contradict the routings
    return Solution(tuple(placements[t] for t in range(len(problem.tasks))))


def brute_force(problem: Problem, term: str) -> int:
    best: int | None = None
    choices = [[mode.machine for mode in task.modes] for task in problem.tasks]
    for machines in itertools.product(*choices):
        by_machine: dict[int, list[int]] = {}
        for t, m in enumerate(machines):
            by_machine.setdefault(m, []).append(t)
        keys = sorted(by_machine)
        for orders in itertools.product(
            *(itertools.permutations(by_machine[m]) for m in keys)
        ):
            solution = semi_active(
                problem,
                machines,
                {m: list(o) for m, o in zip(keys, orders, strict=True)},
            )
            if solution is None:
                continue
            report = check_solution(problem, solution)
            assert report.ok, report.violations
            assert report.evaluation is not None
            value = report.evaluation.terms[term]  # type: ignore[index]
            best = value if best is None else min(best, value)
    assert best is not None
    return best


def random_shop(seed: int) -> dict[str, Any]:
    """Two booths (one on a day calendar), 3-4 orders, 1-2 operations each."""
    rng = random.Random(seed)
    colours = ["black", "white", "red"]
    orders = []
    for k in range(rng.randint(3, 4)):
        routing = [
            {"id": "prep", "machines": ["PREP"], "minutes": rng.choice([30, 60, 90])}
        ]
        if rng.random() < 0.5:
            routing = []
        routing.append(
            {
                "id": "paint",
                "machines": {"B1": rng.choice([60, 90]), "B2": rng.choice([60, 120])},
                "family_option": "colour",
                "interruptible": rng.random() < 0.6,
            }
        )
        orders.append(
            {
                "id": f"O{k}",
                "routing": routing,
                "options": {"colour": rng.choice(colours)},
                "released": f"2026-11-30T0{rng.choice([6, 7, 8])}:00:00Z",
                "due": f"2026-11-30T{rng.choice([9, 10, 12, 14]):02d}:00:00Z",
                "priority": rng.randint(1, 3),
            }
        )
    return {
        "start": "2026-11-30T06:00:00Z",
        "calendars": [
            {
                "id": "day",
                "shifts": [{"days": WEEKDAYS, "from": "06:00", "to": "11:00"}],
            }
        ],
        "changeovers": [
            {
                "id": "paint",
                "default_minutes": rng.choice([15, 30, 45]),
                "same_minutes": 0,
                "pairs": [{"from": "black", "to": "white", "minutes": 90}],
            }
        ],
        "machines": [
            {"id": "PREP"},
            {
                "id": "B1",
                "changeovers": "paint",
                "calendar": "day",
                "initial_family": "white",
            },
            {"id": "B2", "changeovers": "paint"},
        ],
        "orders": orders,
    }


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize(
    "term", ["changeover_minutes", "weighted_tardiness", "makespan"]
)
def test_optimum_matches_brute_force(seed: int, term: str) -> None:
    """CP-SAT's optimum equals the best of all assignments and sequences."""
    data = random_shop(seed)
    data["objective"] = {"terms": [term]}
    problem = build_problem(Scenario.model_validate(data))
    schedule = solve(problem, PARAMS)
    assert_checked(problem, schedule)
    assert schedule.status == "optimal"
    assert schedule.objective[term] == brute_force(problem, term)


@pytest.mark.parametrize("seed", range(10))
def test_dispatch_respects_changeovers(seed: int) -> None:
    """The first schedule already leaves room for every changeover."""
    problem = build_problem(Scenario.model_validate(random_shop(seed)))
    assert check_solution(problem, dispatch(problem)).ok


@pytest.mark.parametrize("seed", range(10, 40))
def test_lexicographic_solves_with_changeovers_pass_the_checker(seed: int) -> None:
    """More random paint shops, three terms in a row: every schedule checks out."""
    data = random_shop(seed)
    data["objective"] = {
        "terms": ["weighted_tardiness", "changeover_minutes", "flow_time"]
    }
    problem = build_problem(Scenario.model_validate(data))
    schedule = solve(problem, SolveParams(time_limit=5, workers=1, seed=seed))
    assert_checked(problem, schedule)
    assert check_solution(problem, dispatch(problem)).ok


def test_a_model_with_a_changeover_circuit_keeps_local_search_off() -> None:
    """The booth's circuit is what OR-Tools 9.15's local search crashed on;
    the same jobs on a machine without a matrix leave it on."""
    problem = build_problem(paint_shop(["black", "white", "red"]))
    assert ScheduleModel(problem, compute_windows(problem)).local_search_crashes
    jobs = [order(f"O{k}", 600, op(60, "BOOTH")) for k in range(3)]
    plain = build_problem(Scenario.model_validate(plant(jobs, machines=["BOOTH"])))
    assert not ScheduleModel(plain, compute_windows(plain)).local_search_crashes
