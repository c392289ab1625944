"""Independent solve jobs on Dask: a schedule or the error, in submission order."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtosched import SolveParams, solve
from mtosched.errors import (
    InfeasibleError,
    InputError,
    Issue,
    MtoschedError,
    NoScheduleFoundError,
    ScheduleMismatchError,
    UnknownOrderError,
)
from mtosched.scenario import load_scenario
from mtosched.sweep.jobs import ScenarioData, SolveJob, job_runner
from tests.helpers import INSTANCES, write_json
from tests.helpers.sweeps import local_cluster

SOLVE = SolveParams(time_limit=10, workers=1, seed=0)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with local_cluster() as address:
        yield address


@pytest.mark.parametrize(
    "error",
    [
        InputError([Issue("orders.json", "orders[3].product", "unknown 'sedan'")]),
        UnknownOrderError([Issue("plan.json", "", "no order 'X'")]),
        InfeasibleError(["SO-1: deadline before release", "M1: closed"]),
        ScheduleMismatchError(["SO-1/op: starts before its release"]),
        NoScheduleFoundError("no schedule in 1 s"),
    ],
)
def test_errors_survive_pickling_with_their_details(error: MtoschedError) -> None:
    """A worker returns errors pickled; they were rebuilt from their text."""
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert vars(back) == vars(error)


def test_jobs_come_back_in_order_as_schedules_or_errors(
    tmp_path: Path, cluster: str
) -> None:
    """A feasible job equals its plain solve; an impossible one is its error.

    The impossible copy has an order whose deadline falls before its own
    processing can end, so `solve` raises `InfeasibleError` with reasons.
    """
    scenario = load_scenario(INSTANCES / "configurable-options.json")
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["orders"][0]["deadline"] = "2026-11-30T06:30:00Z"
    impossible = load_scenario(write_json(tmp_path / "impossible.json", data))
    with pytest.raises(InfeasibleError) as raised:
        solve(impossible, SOLVE)
    jobs = [SolveJob.of(scenario, SOLVE), SolveJob.of(impossible, SOLVE)]
    with job_runner(cluster, jobs=len(jobs)) as runner:
        assert runner.slots == 2
        first, second = runner.solve(jobs)
    assert first.ok and not isinstance(first.value, MtoschedError)
    assert first.value.objective == solve(scenario, SOLVE).objective
    assert isinstance(second.value, InfeasibleError)
    assert second.value.reasons == raised.value.reasons


def test_the_scenario_travels_with_its_provenance(tmp_path: Path) -> None:
    """Rebuilt from JSON, a merged scenario still names the file of each part."""
    base = load_scenario(INSTANCES / "configurable-options.json")
    order = base.orders[0].model_dump(mode="json", by_alias=True, exclude_none=True)
    extra = write_json(tmp_path / "extra.json", {"orders": [{**order, "id": "X-1"}]})
    scenario = load_scenario(INSTANCES / "configurable-options.json", extra)
    again = ScenarioData.of(scenario).load()
    assert again == scenario
    last = len(scenario.orders) - 1
    assert again.origin("orders", last) == scenario.origin("orders", last)
    assert again.origin("orders", last).file == str(extra)
