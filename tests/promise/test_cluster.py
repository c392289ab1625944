"""`quote` on a Dask cluster: every candidate gets the same promise.

The candidates are quoted at once on two worker processes instead of one
after another. The plants are small, so each promise is proved optimal
long before its share of the limit (one worker, seed 0) and the promised
dates, bounds and answers must be equal.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mtosched import SolveParams, solve
from mtosched.promise.models import Quote
from mtosched.promise.quote import quote, split_candidates
from mtosched.scenario import load_scenario
from mtosched.scenario.models import Order, Scenario
from tests.helpers import INSTANCES, run_cli, write_json
from tests.helpers.sweeps import local_cluster

BASE = INSTANCES / "configurable-options.json"
SHAPES = ("flat", "angled", "channel")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with local_cluster() as address:
        yield address


def candidates_file(folder: Path, seed: int) -> Path:
    """Three configurations of one new bracket order, sizes drawn by seed."""
    rng = random.Random(seed)
    orders = [
        {
            "id": f"Q-{shape.upper()}",
            "customer": "Quote Test Ltd",
            "product": "bracket",
            "quantity": rng.randint(5, 30),
            "options": {"shape": shape, "gusset": rng.choice(["no", "yes"])},
            "due": "2026-11-30T14:00:00Z",
        }
        for shape in SHAPES
    ]
    return write_json(folder / "candidates.json", {"orders": orders})


def split(folder: Path, seed: int) -> tuple[Scenario, list[Order], Path]:
    order_file = candidates_file(folder, seed)
    merged = load_scenario(BASE, order_file)
    scenario, candidates = split_candidates(merged, str(order_file))
    return scenario, candidates, order_file


def answers(result: Quote) -> list[tuple[Any, ...]]:
    """Per candidate: what a planner reads, none of the seconds."""
    return [
        (
            c.order,
            c.status,
            c.promise,
            c.lower_bound,
            c.gap_minutes,
            c.meets_request,
            c.answer,
            [(limit.kind, limit.minutes) for limit in c.limits],
            c.schedule.objective if c.schedule is not None else None,
        )
        for c in result.candidates
    ]


@pytest.mark.parametrize("seed", [0, 1])
def test_candidates_on_a_cluster_get_the_same_promises(
    tmp_path: Path, cluster: str, seed: int
) -> None:
    """Three configurations, seeded sizes: equal promises, proved optimal."""
    scenario, candidates, _ = split(tmp_path, seed)
    params = SolveParams(time_limit=30, workers=1, seed=0)
    here = quote(scenario, candidates, params=params)
    there = quote(
        scenario,
        candidates,
        params=SolveParams(time_limit=30, workers=1, seed=0, cluster=cluster),
    )
    assert all(c.status == "optimal" for c in here.candidates), answers(here)
    assert answers(there) == answers(here)
    assert there.current == here.current == "solved"


def test_a_date_question_against_a_given_plan_answers_alike(
    tmp_path: Path, cluster: str
) -> None:
    """With a current plan, a frozen hour and --date: the same yes and no."""
    scenario, candidates, _ = split(tmp_path, 2)
    params = SolveParams(time_limit=30, workers=1, seed=0)
    current = solve(scenario, params)
    first = quote(scenario, candidates, current=current, params=params)
    promises = sorted(c.promise for c in first.candidates if c.promise is not None)
    date = promises[len(promises) // 2]  # some candidates make it, maybe not all
    asked: dict[str, Any] = {"current": current, "freeze_hours": 1.0, "date": date}
    here = quote(scenario, candidates, params=params, **asked)
    there = quote(
        scenario,
        candidates,
        params=SolveParams(time_limit=30, workers=1, seed=0, cluster=cluster),
        **asked,
    )
    assert "yes" in {c.answer for c in here.candidates}
    assert answers(there) == answers(here)
    assert there.current == "given"


@pytest.mark.cli
def test_cli_quote_with_cluster_prints_the_same_promises(
    tmp_path: Path, cluster: str
) -> None:
    """`mtosched quote --cluster ADDR` promises what it does without."""
    order_file = candidates_file(tmp_path, 3)
    common = [BASE, "--order", order_file, "--time-limit", "30", "--workers", "1"]
    here = run_cli("quote", *common, "--format", "json")
    there = run_cli("quote", *common, "--format", "json", "--cluster", cluster)
    assert here.returncode == 0, here.stderr
    assert there.returncode == 0, there.stderr

    def promised(text: str) -> list[tuple[Any, ...]]:
        return [
            (c["order"], c["status"], c["promise"], c["lower_bound"])
            for c in json.loads(text)["candidates"]
        ]

    assert promised(there.stdout) == promised(here.stdout)


@pytest.mark.cli
def test_cli_quote_parallel_runs_a_local_cluster(tmp_path: Path) -> None:
    """`--parallel` needs no address: a local cluster, the same promises."""
    order_file = candidates_file(tmp_path, 4)
    common = [BASE, "--order", order_file, "--time-limit", "30", "--workers", "1"]
    here = run_cli("quote", *common, "--format", "json")
    there = run_cli("quote", *common, "--format", "json", "--parallel")
    assert there.returncode == 0, there.stderr
    assert [c["promise"] for c in json.loads(there.stdout)["candidates"]] == [
        c["promise"] for c in json.loads(here.stdout)["candidates"]
    ]
