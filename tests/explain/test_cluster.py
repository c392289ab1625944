"""`explain` on a Dask cluster: the same levers, outcomes and lateness.

The what-if re-solves run at once on two worker processes instead of one
after another; the answers must not change. The plants are small enough
that every re-solve ends optimal long before its limit (one worker, seed
0), so the comparison is exact: everything but the seconds.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mtosched import Scenario, Schedule, SolveParams, build_problem, solve
from mtosched.explain import ExplainParams, Explanation, explain
from mtosched.scenario import load_scenario
from tests.helpers import (
    INSTANCES,
    WEEKDAYS,
    assert_checked,
    at,
    loaded,
    op,
    order,
    plant,
    run_cli,
    write_json,
)
from tests.helpers.sweeps import local_cluster

QUICK = ExplainParams(lever_time=10, workers=1, seed=0)
SOLVE = SolveParams(time_limit=10, workers=1, seed=0)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with local_cluster() as address:
        yield address


def solved(scenario: Scenario) -> Schedule:
    schedule = solve(scenario, SOLVE)
    assert_checked(build_problem(scenario, now=schedule.start), schedule)
    return schedule


def without_seconds(explanation: Explanation) -> dict[str, Any]:
    """The explanation as JSON, every wall-clock figure taken out."""
    data = explanation.model_dump(mode="json", by_alias=True)
    return _drop_seconds(data)


def _drop_seconds(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: _drop_seconds(v)
            for k, v in data.items()
            if k not in ("seconds", "what_if_seconds")
        }
    if isinstance(data, list):
        return [_drop_seconds(v) for v in data]
    return data


def lever_outcomes(explanation: Explanation) -> list[tuple[Any, ...]]:
    """Per explained order and lever: kind, outcome, lateness, status."""
    return [
        (o.order, lever.kind, lever.outcome, lever.lateness_minutes, lever.status)
        for o in explanation.orders
        if o.what_if is not None
        for lever in o.what_if.levers
    ]


def why_plant(tmp_path: Path, orders: list[dict[str, Any]], **extra: Any) -> Scenario:
    """`orders` on M1 and M2 (unless `extra` says otherwise), as why.json."""
    return loaded(tmp_path, plant(orders, name="why", **extra), name="why")


def levers_plant(tmp_path: Path) -> Scenario:
    """Three orders late for three reasons: a heavier rival, a bolt, a night.

    A and B (priority 2) both want M1 first, due at 60: B goes first, A is
    60 min late (the priority lever). C waits for a bolt received at 500
    (the material lever). D needs 600 min on weekday M3 from Monday 18:00
    and pauses overnight (the extra-shift lever).
    """
    return why_plant(
        tmp_path,
        [
            order("A", 60, op(60)),
            order("B", 60, op(60), priority=2),
            order("C", 100, op(60, "M2", consumes={"bolt": 1})),
            order("D", 1400, op(600, "M3"), released=at(720)),
        ],
        machines=[{"id": "M1"}, {"id": "M2"}, {"id": "M3", "calendar": "weekdays"}],
        calendars=[WEEKDAYS],
        materials=[{"id": "bolt", "receipts": [{"at": at(500), "quantity": 1}]}],
    )


def late_options(seed: int) -> dict[str, Any]:
    """configurable-options.json with two orders, picked by seed, due earlier."""
    data = json.loads((INSTANCES / "configurable-options.json").read_text())
    for picked in random.Random(seed).sample(data["orders"], 2):
        picked["due"] = "2026-11-30T08:00:00Z"
    return data


def test_levers_on_a_cluster_equal_levers_one_after_another(
    tmp_path: Path, cluster: str
) -> None:
    """Priority, material and extra-shift levers give the same answers."""
    scenario = levers_plant(tmp_path)
    schedule = solved(scenario)
    here = explain(scenario, schedule, params=QUICK)
    there = explain(
        scenario,
        schedule,
        params=ExplainParams(lever_time=10, workers=1, seed=0, cluster=cluster),
    )
    kinds = {lever[1] for lever in lever_outcomes(here)}
    assert kinds == {"resolve", "priority", "expedite_material", "extra_shift"}
    assert lever_outcomes(there) == lever_outcomes(here)
    assert without_seconds(there) == without_seconds(here)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_shipped_plant_with_late_orders_explains_alike_on_a_cluster(
    tmp_path: Path, cluster: str, seed: int
) -> None:
    """configurable-options.json with two rush orders: same levers either way."""
    scenario = load_scenario(write_json(tmp_path / "late.json", late_options(seed)))
    schedule = solved(scenario)
    here = explain(scenario, schedule, params=QUICK)
    there = explain(
        scenario,
        schedule,
        params=ExplainParams(lever_time=10, workers=1, seed=0, cluster=cluster),
    )
    assert here.late_orders >= 1
    assert lever_outcomes(here)
    assert lever_outcomes(there) == lever_outcomes(here)
    assert without_seconds(there) == without_seconds(here)


def test_the_cluster_address_may_come_from_the_environment(
    tmp_path: Path, cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MTOSCHED_CLUSTER alone sends the re-solves to the cluster."""
    scenario = why_plant(
        tmp_path, [order("A", 60, op(60)), order("B", 60, op(60), priority=2)]
    )
    schedule = solved(scenario)
    here = explain(scenario, schedule, params=QUICK)
    monkeypatch.setenv("MTOSCHED_CLUSTER", cluster)
    lines: list[str] = []
    there = explain(
        scenario,
        schedule,
        params=ExplainParams(lever_time=10, workers=1, progress=lines.append),
    )
    assert lines == ["re-solving 2 what-ifs on the cluster"]
    assert without_seconds(there) == without_seconds(here)


@pytest.mark.cli
def test_cli_explain_with_cluster_prints_the_same_json(
    tmp_path: Path, cluster: str
) -> None:
    """`mtosched explain --cluster ADDR` answers as without it."""
    scenario = levers_plant(tmp_path)
    plan = tmp_path / "plan.json"
    plan.write_text(solved(scenario).model_dump_json(by_alias=True))
    common = [
        tmp_path / "why.json",
        "--schedule",
        plan,
        "--what-if-time",
        "10",
        "--workers",
        "1",
        "--format",
        "json",
    ]
    here = run_cli("explain", *common)
    there = run_cli("explain", *common, "--cluster", cluster)
    assert here.returncode == 0, here.stderr
    assert there.returncode == 0, there.stderr
    assert _drop_seconds(json.loads(there.stdout)) == _drop_seconds(
        json.loads(here.stdout)
    )


@pytest.mark.cli
def test_cli_explain_with_an_unreachable_cluster_is_a_usage_error(
    tmp_path: Path,
) -> None:
    """No scheduler at the address: exit 2, one line naming it."""
    scenario = why_plant(
        tmp_path, [order("A", 60, op(60)), order("B", 60, op(60), priority=2)]
    )
    plan = tmp_path / "plan.json"
    plan.write_text(solved(scenario).model_dump_json(by_alias=True))
    result = run_cli(
        "explain",
        tmp_path / "why.json",
        "--schedule",
        plan,
        "--cluster",
        "tcp://127.0.0.1:9",
    )
    assert result.returncode == 2, result.stderr
    assert "tcp://127.0.0.1:9" in result.stderr
