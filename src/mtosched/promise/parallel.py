"""Quote candidates at once on Dask: each candidate is an independent job.

A candidate's quote depends only on the scenario, the current plan and the
candidate, so the candidates of one `quote` run on the cluster side by side
through the same `_quote_one` as one after another, and give the same
promises when their searches end before the limit. Each job carries its
data (scenario, current plan and candidate as JSON text), not paths.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mtosched.errors import MtoschedError
from mtosched.params import SearchParams, SolveParams
from mtosched.promise.models import CandidateQuote
from mtosched.scenario.models import Order
from mtosched.schedule import Schedule
from mtosched.sweep.jobs import ScenarioData, job_runner

#: Seconds kept back from each candidate's share for results to travel.
MARGIN_SECONDS = 0.5
#: The least a candidate gets, as one after another gives it.
MIN_BUDGET_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class CandidateJob:
    """One candidate's quote as it travels to a worker: data only.

    `workers` None means one CP-SAT worker, as for every cluster job (one
    core each); `budget` is the candidate's seconds, proof included.
    """

    scenario: ScenarioData
    current_json: str
    candidate_json: str
    now: datetime | None
    freeze_hours: float | None
    date: datetime | None
    budget: float
    workers: int | None
    seed: int
    search: SearchParams = field(default_factory=SearchParams)


def quote_candidate(job: CandidateJob) -> CandidateQuote:
    """What a worker runs: one candidate quoted as `quote` quotes it."""
    from mtosched.promise.quote import _quote_one, _Setting

    setting = _Setting(
        job.scenario.load(),
        job.now,
        Schedule.model_validate_json(job.current_json),
        job.freeze_hours,
    )
    params = SolveParams(
        time_limit=job.budget,
        workers=job.workers or 1,
        seed=job.seed,
        search=job.search,
    )
    candidate = Order.model_validate_json(job.candidate_json)
    return _quote_one(setting, candidate, job.date, params, job.budget)


def quote_on_cluster(
    scenario: ScenarioData,
    current: Schedule,
    candidates: Sequence[Order],
    *,
    now: datetime | None,
    freeze_hours: float | None,
    date: datetime | None,
    params: SolveParams,
    deadline: float,
) -> list[CandidateQuote]:
    """Every candidate's quote, in order, solved in parallel on the cluster.

    The time left until `deadline` (a `time.monotonic()` value) is shared
    out by rounds: with more candidates than the cluster runs at once,
    each gets its round's share. Raises what a candidate's quote raised,
    as one after another would have.
    """
    each = params.workers or 1
    with job_runner(params.cluster, jobs=len(candidates), workers_per_job=each) as r:
        rounds = math.ceil(len(candidates) / r.slots)
        left = deadline - time.monotonic()
        budget = max(MIN_BUDGET_SECONDS, left / rounds - MARGIN_SECONDS)
        current_json = current.model_dump_json(by_alias=True)
        jobs = [
            CandidateJob(
                scenario,
                current_json,
                candidate.model_dump_json(by_alias=True, exclude_none=True),
                now,
                freeze_hours,
                date,
                budget,
                params.workers,
                params.seed,
                params.search,
            )
            for candidate in candidates
        ]
        results = r.run(quote_candidate, jobs, label="quote")
    answers: list[CandidateQuote] = []
    for result in results:
        if isinstance(result.value, MtoschedError):
            raise result.value
        answers.append(result.value)
    return answers
