"""The `stability` term against an exhaustive search over every integer schedule.

Stability is not a regular objective (staying at a late planned start can
beat starting early), so the semi-active enumeration of the other brute
force tests does not cover it. These instances are small enough to try
every machine and every start minute of every operation up to a horizon
that no optimum can exceed: three operations (two of one order in
sequence, one of another) on two around-the-clock machines.
"""

from __future__ import annotations

import itertools
import json
import random
from datetime import datetime, timedelta
from typing import Any

import pytest

from mtosched import SolveParams, build_problem, solve
from mtosched.problem.previous import PlannedOperation, PreviousPlan
from mtosched.scenario.loading import parse_scenario_text
from tests.helpers import assert_checked

START = datetime.fromisoformat("2026-11-30T06:00:00+00:00")
MACHINES = ("M1", "M2")
OBJECTIVES = (
    ("weighted_tardiness", "stability"),
    ("stability", "makespan"),
    ("flow_time", "stability"),
    ("weighted_tardiness", "stability", "flow_time"),
)
#: Every task moved counts `WEIGHT`: all are planned within the next day.
WEIGHT = 8


def generate(seed: int) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """A scenario, the three tasks as the brute force reads them, a tolerance."""
    rng = random.Random(seed)
    tasks = []
    for order, operation in (("A", "first"), ("A", "second"), ("B", "only")):
        eligible = rng.choice([["M1"], ["M2"], ["M1", "M2"]])
        tasks.append(
            {
                "order": order,
                "operation": operation,
                "minutes": {m: rng.randint(1, 4) for m in eligible},
                "planned": (rng.choice(MACHINES), rng.randint(0, 6)),
            }
        )
    dues = {"A": rng.randint(3, 10), "B": rng.randint(2, 8)}
    priorities = {"A": rng.randint(1, 3), "B": rng.randint(1, 3)}
    data = {
        "timezone": "UTC",
        "start": START.isoformat(),
        "machines": [{"id": m} for m in MACHINES],
        "orders": [
            {
                "id": order,
                "priority": priorities[order],
                "due": (START + timedelta(minutes=dues[order])).isoformat(),
                "routing": [
                    {"id": t["operation"], "machines": t["minutes"]}
                    for t in tasks
                    if t["order"] == order
                ],
            }
            for order in ("A", "B")
        ],
    }
    for task in tasks:
        task["due"], task["priority"] = dues[task["order"]], priorities[task["order"]]
    return data, tasks, rng.choice([0, 0, 1, 2])


def brute_force(
    tasks: list[dict[str, Any]], tolerance: int, objective: tuple[str, ...]
) -> tuple[int, ...]:
    """The lexicographic minimum over all placements (machine, start minute)."""
    return min(every_value(tasks, tolerance, objective))


def every_value(
    tasks: list[dict[str, Any]], tolerance: int, objective: tuple[str, ...]
) -> set[tuple[int, ...]]:
    """The objective values of every placement (machine, start minute)."""
    latest = max(t["planned"][1] for t in tasks) + tolerance
    horizon = latest + sum(max(t["minutes"].values()) for t in tasks) + 1
    options = [
        [(m, s) for m, d in t["minutes"].items() for s in range(horizon)] for t in tasks
    ]
    values: set[tuple[int, ...]] = set()
    for choice in itertools.product(*options):
        ends = [s + tasks[k]["minutes"][m] for k, (m, s) in enumerate(choice)]
        if choice[1][1] < ends[0]:
            continue  # A/second after A/first
        clash = False
        for i, j in itertools.combinations(range(3), 2):
            (mi, si), (mj, sj) = choice[i], choice[j]
            if mi == mj and si < ends[j] and sj < ends[i]:
                clash = True
                break
        if clash:
            continue
        completion = {"A": ends[1], "B": ends[2]}
        due = {"A": tasks[0]["due"], "B": tasks[2]["due"]}
        priority = {"A": tasks[0]["priority"], "B": tasks[2]["priority"]}
        moved = sum(
            WEIGHT
            for k, (m, s) in enumerate(choice)
            if m != tasks[k]["planned"][0]
            or abs(s - tasks[k]["planned"][1]) > tolerance
        )
        terms = {
            "weighted_tardiness": sum(
                priority[o] * max(0, completion[o] - due[o]) for o in completion
            ),
            "stability": moved,
            "flow_time": sum(completion.values()),
            "makespan": max(ends),
        }
        values.add(tuple(terms[t] for t in objective))
    return values


def previous_plan(tasks: list[dict[str, Any]], tolerance: int) -> PreviousPlan:
    """The brute force's planned placements as a previous plan."""
    return PreviousPlan(
        "night1.json",
        {
            (t["order"], t["operation"]): PlannedOperation(
                t["planned"][0], START + timedelta(minutes=t["planned"][1])
            )
            for t in tasks
        },
        stability_tolerance=tolerance,
    )


@pytest.mark.parametrize("seed", range(30))
def test_stability_optimum_matches_exhaustive_search(seed: int) -> None:
    data, tasks, tolerance = generate(seed)
    objective = OBJECTIVES[seed % len(OBJECTIVES)]
    data["objective"] = {"terms": list(objective)}
    scenario = parse_scenario_text(json.dumps(data), f"seed-{seed}.json")
    problem = build_problem(scenario, previous=previous_plan(tasks, tolerance))
    assert problem.objective == objective
    schedule = solve(problem, SolveParams(time_limit=20, workers=1, seed=0))
    assert schedule.status == "optimal"
    assert_checked(problem, schedule)
    expected = brute_force(tasks, tolerance, objective)
    assert tuple(schedule.objective[t] for t in objective) == expected, (seed, tasks)


def slack_optimum(
    tasks: list[dict[str, Any]], tolerance: int, slack: float
) -> tuple[int, tuple[int, ...]]:
    """Weighted tardiness allowed, and the best (stability, flow time) within it.

    The brute-force reading of `objective.slack`: the least weighted
    tardiness, plus `slack` of it rounded down, bounds the later terms.
    """
    objective = ("weighted_tardiness", "stability", "flow_time")
    values = every_value(tasks, tolerance, objective)
    least = min(v[0] for v in values)
    allowed = least + int(slack * least)
    return allowed, min(v[1:] for v in values if v[0] <= allowed)


SLACK = 1.0


def solve_with_slack(seed: int, slack: float) -> dict[str, int]:
    """The solver's objective values on seed's instance, weighted tardiness slack."""
    data, tasks, tolerance = generate(seed)
    data["objective"] = {
        "terms": ["weighted_tardiness", "stability", "flow_time"],
        "slack": {"weighted_tardiness": slack},
    }
    scenario = parse_scenario_text(json.dumps(data), f"seed-{seed}.json")
    problem = build_problem(scenario, previous=previous_plan(tasks, tolerance))
    schedule = solve(problem, SolveParams(time_limit=20, workers=1, seed=0))
    assert schedule.status == "optimal"
    assert_checked(problem, schedule)
    return schedule.objective


@pytest.mark.parametrize("seed", range(12))
def test_slack_optimum_matches_exhaustive_search(seed: int) -> None:
    _, tasks, tolerance = generate(seed)
    allowed, later = slack_optimum(tasks, tolerance, SLACK)
    found = solve_with_slack(seed, SLACK)
    assert found["weighted_tardiness"] <= allowed
    assert (found["stability"], found["flow_time"]) == later, (seed, tasks)


def test_slack_trades_lateness_for_stability_on_some_instances() -> None:
    """The seeds above include instances where the slack changes the optimum."""
    changed = []
    for seed in range(12):
        _, tasks, tolerance = generate(seed)
        strict = brute_force(
            tasks, tolerance, ("weighted_tardiness", "stability", "flow_time")
        )
        if slack_optimum(tasks, tolerance, SLACK)[1] != strict[1:]:
            changed.append(seed)
    assert len(changed) >= 2, changed
