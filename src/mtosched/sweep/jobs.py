"""Independent solves on the Dask executor: explain's levers, quote's candidates.

    with job_runner(cluster, jobs=len(jobs)) as runner:
        results = runner.solve(jobs)   # a Schedule or its MtoschedError each

A job is plain data (the scenario as JSON text with its provenance, the
solve settings, `now`, `previous`) and the function that runs it is a
module-level one, so that a worker on another host needs only the same
mtosched installed. Callbacks (progress, stop) stay with the caller. The
worker hands back the value or the `MtoschedError` raised, never raises
one: a retry would only repeat it at the cost of another time limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar

from mtosched.errors import MtoschedError
from mtosched.params import SearchParams, SolveParams
from mtosched.problem.previous import PreviousPlan
from mtosched.scenario.loading import parse_scenario_text
from mtosched.scenario.models import Scenario
from mtosched.scenario.provenance import Origin
from mtosched.schedule import Schedule
from mtosched.sweep.errors import ClusterError

if TYPE_CHECKING:
    from distributed import Client

Job = TypeVar("Job")
Value = TypeVar("Value")


@dataclass(frozen=True, slots=True)
class ScenarioData:
    """A scenario as it travels: its JSON text and where its parts came from.

    The provenance comes along so that an error raised on a worker names
    the planner's files and JSON paths, as it would in the client.
    """

    text: str
    file: str
    origins: dict[str, list[Origin]] = field(default_factory=dict)
    scalar_files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario) -> ScenarioData:
        """The scenario's data, ready to be pickled to a worker."""
        file, origins, scalar_files = scenario.provenance()
        text = scenario.model_dump_json(by_alias=True, exclude_none=True)
        return cls(text, file, origins, scalar_files)

    def load(self) -> Scenario:
        """The scenario again, parsed as a file would be, with its provenance."""
        scenario = parse_scenario_text(self.text, self.file)
        return scenario.with_origins(self.file, self.origins, self.scalar_files)


@dataclass(frozen=True, slots=True)
class SolveJob:
    """One independent `solve`: a scenario, its settings, `now` and `previous`.

    `workers` None means one CP-SAT worker: on a cluster every job has a
    core of its own, and the default (all cores) would oversubscribe it.
    """

    scenario: ScenarioData
    time_limit: float
    workers: int | None
    seed: int
    search: SearchParams = field(default_factory=SearchParams)
    now: datetime | None = None
    previous: PreviousPlan | None = None

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        params: SolveParams,
        *,
        now: datetime | None = None,
        previous: PreviousPlan | None = None,
    ) -> SolveJob:
        """The job of `solve(scenario, params, now=, previous=)`, minus callbacks.

        A portfolio does not nest: each job is one plain search.
        """
        return cls(
            ScenarioData.of(scenario),
            params.time_limit,
            params.workers,
            params.seed,
            params.search,
            now,
            previous,
        )

    @property
    def params(self) -> SolveParams:
        """The settings a worker solves with."""
        return SolveParams(
            time_limit=self.time_limit,
            workers=self.workers or 1,
            seed=self.seed,
            search=self.search,
        )


def solve_job(job: SolveJob) -> Schedule:
    """What a worker runs for a `SolveJob`: the plain `solve`."""
    from mtosched.api import solve

    return solve(job.scenario.load(), job.params, now=job.now, previous=job.previous)


@dataclass(frozen=True, slots=True)
class JobResult(Generic[Value]):
    """A job's value or the `MtoschedError` it raised; seconds in the worker."""

    value: Value | MtoschedError
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the job produced a value."""
        return not isinstance(self.value, MtoschedError)


@dataclass(frozen=True, slots=True)
class _Crash:
    """A bug in a job: handed back so that the client raises it, not retried."""

    error: Exception


def _guarded(function: Callable[[Job], Value], job: Job) -> JobResult[Value] | _Crash:
    """Run one job on a worker; its failures come back as values."""
    began = time.perf_counter()
    try:
        value: Value | MtoschedError = function(job)
    except MtoschedError as exc:
        value = exc
    except Exception as exc:
        return _Crash(exc)
    return JobResult(value, round(time.perf_counter() - began, 3))


class JobRunner:
    """Runs jobs on one Dask client and gives results in submission order."""

    def __init__(self, client: Client) -> None:
        self._client = client

    @property
    def slots(self) -> int:
        """Jobs the cluster runs at once."""
        from mtosched.sweep.executor import worker_slots

        return worker_slots(self._client)

    def run(
        self, function: Callable[[Job], Value], jobs: Sequence[Job], *, label: str
    ) -> list[JobResult[Value]]:
        """`function` of each job, on the cluster; a lost task is a `ClusterError`.

        A job that crashed (not an `MtoschedError`) is raised here, as it
        would have been had the job run in this process.
        """
        from mtosched.sweep.executor import map_in_order

        results: list[JobResult[Value]] = []
        for outcome in map_in_order(
            self._client, partial(_guarded, function), jobs, label=label
        ):
            if isinstance(outcome, _Crash):
                raise outcome.error
            if isinstance(outcome, ClusterError):
                results.append(JobResult(outcome))
            else:
                results.append(outcome)
        return results

    def solve(self, jobs: Sequence[SolveJob]) -> list[JobResult[Schedule]]:
        """Each job's schedule, or the `MtoschedError` its solve raised."""
        return self.run(solve_job, jobs, label="solve")


@contextmanager
def job_runner(
    cluster: str | None, *, jobs: int, workers_per_job: int = 1
) -> Iterator[JobRunner]:
    """A runner on the cluster at `cluster` (or `MTOSCHED_CLUSTER`), else local.

    A local cluster gets one process per job up to the cores it can fill
    with `workers_per_job` CP-SAT workers each (no oversubscription), and
    is shut down on leaving. Raises `ClusterError` for a scheduler that
    cannot be reached.
    """
    from mtosched.sweep.executor import dask_client, local_workers

    local = max(1, min(jobs, local_workers() // max(1, workers_per_job)))
    with dask_client(cluster, workers=local) as client:
        yield JobRunner(client)
