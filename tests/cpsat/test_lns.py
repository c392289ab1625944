"""Neighbourhood search: never worse, always checked, earlier terms kept."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

from mtosched import SolveParams, build_problem, load_scenario
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.goals import Goal
from mtosched.cpsat.lns import improve
from mtosched.heuristic.dispatch import dispatch
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm
from mtosched.scenario.models import Scenario
from mtosched.verify.check import check
from mtosched.verify.evaluate import evaluate
from tests.helpers import INSTANCES, ROOT


def improve_dispatch(
    problem: Problem,
    goal: Goal,
    settled: list[tuple[ObjectiveTerm, int]],
    seconds: float,
) -> tuple[Solution, Solution]:
    """The dispatch schedule and what `seconds` of search on one worker make of it."""
    start = dispatch(problem)
    now = time.monotonic()
    result = improve(
        problem,
        compute_windows(problem, start),
        start,
        goal,
        settled,
        SolveParams(time_limit=10, workers=1, seed=0),
        until=now + seconds,
        began=now,
        floor=goal.floor(None),
    )
    return start, result


def test_improve_keeps_a_checked_schedule_that_is_no_worse() -> None:
    """From the EDD schedule of a 40-order plant, 4 s of LNS: valid and <=."""
    problem = build_problem(load_scenario(ROOT / "benchmarks/data/plant-40x5.json"))
    start, result = improve_dispatch(problem, Goal("weighted_tardiness"), [], 4)
    before = evaluate(problem, start).terms["weighted_tardiness"]
    assert check(problem, result).ok
    assert evaluate(problem, result).terms["weighted_tardiness"] <= before


def test_improve_respects_settled_terms() -> None:
    """Flow time is improved without giving back the settled tardiness."""
    problem = build_problem(load_scenario(INSTANCES / "shopfloor-small.json"))
    settled = evaluate(problem, dispatch(problem)).terms["weighted_tardiness"]
    start, result = improve_dispatch(
        problem, Goal("flow_time"), [("weighted_tardiness", settled)], 3
    )
    assert check(problem, result).ok
    terms = evaluate(problem, result).terms
    assert terms["weighted_tardiness"] <= settled
    assert terms["flow_time"] <= evaluate(problem, start).terms["flow_time"]


def test_improve_goes_below_zero_maximum_lateness() -> None:
    """With every order early, the maximum lateness still has room to fall.

    The loop once stopped as soon as the goal reached zero, which for the
    maximum lateness (negative when every order is early) meant at once.
    """
    data = json.loads((ROOT / "benchmarks/data/plant-40x5.json").read_text())
    for order in data["orders"]:
        due = datetime.fromisoformat(order["due"]) + timedelta(days=20)
        order["due"] = due.isoformat()
    data["objective"] = {"terms": ["max_lateness"]}
    problem = build_problem(Scenario.model_validate(data))
    start, result = improve_dispatch(problem, Goal("max_lateness"), [], 3)
    before = evaluate(problem, start).terms["max_lateness"]
    assert before < 0
    assert check(problem, result).ok
    assert evaluate(problem, result).terms["max_lateness"] < before
