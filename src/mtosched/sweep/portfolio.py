"""A solve portfolio: N diverse searches of one scenario, the best one wins.

Members differ in seed and, for some, in the dispatch search's settings
(the share of orders a step moves, and how far), so that they explore differently rather
than repeat one another. They run in parallel on the Dask executor, one
CP-SAT worker each unless `workers` says otherwise; the best schedule by
the scenario's lexicographic objective that passes the independent check
is returned. Starting a local cluster takes a few seconds of the limit.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from mtosched.api import check
from mtosched.errors import InfeasibleError, InputError, NoScheduleFoundError
from mtosched.params import SearchParams, SolveParams, SolveProgress
from mtosched.problem.previous import PreviousPlan
from mtosched.scenario import Scenario
from mtosched.schedule import Schedule
from mtosched.sweep.cells import CellOutcome, CellTask

#: Seconds kept back from the members' limit for results to travel and
#: for the check; no member gets less than `MIN_MEMBER_SECONDS`.
MARGIN_SECONDS = 0.5
MIN_MEMBER_SECONDS = 0.5


def member_settings(params: SolveParams, count: int) -> list[tuple[int, SearchParams]]:
    """Seed and search settings of each member; the first is the plain solve.

    The rest cycle through shorter steps (300 minutes), steps moving more
    orders (5 % of them, uncapped) and fewer (2 %, at most two), each with
    its own seed.
    """
    search = params.search
    kinds = [
        search,
        replace(search, dispatch_step_minutes=300.0),
        replace(search, dispatch_step_share=0.05, dispatch_step_orders_max=0),
        replace(search, dispatch_step_share=0.02, dispatch_step_orders_max=2),
    ]
    return [(params.seed + i, kinds[i % len(kinds)]) for i in range(count)]


def solve_portfolio(
    scenario: Scenario,
    params: SolveParams,
    *,
    now: datetime | None = None,
    previous: PreviousPlan | None = None,
    started: float | None = None,
) -> Schedule:
    """The best checked schedule of `params.portfolio` members (see module).

    Raises the error a plain solve would have raised when no member found
    a schedule; a stop request cancels members not yet finished and keeps
    the best of those that did.
    """
    from mtosched.sweep.executor import dask_client, local_workers, run_tasks

    began = time.monotonic() if started is None else started
    text = scenario.model_dump_json(by_alias=True, exclude_none=True)
    outcomes: list[tuple[int, CellOutcome]] = []
    each = params.workers or 1
    local = max(1, min(params.portfolio, local_workers() // each))
    with dask_client(params.cluster, workers=local) as client:
        left = params.time_limit - (time.monotonic() - began) - MARGIN_SECONDS
        limit = max(MIN_MEMBER_SECONDS, left)
        tasks = [
            CellTask(
                f"member-{i}",
                seed,
                f"member-{i}",
                text,
                limit,
                each,
                search,
                now=now,
                previous=previous,
            )
            for i, (seed, search) in enumerate(
                member_settings(params, params.portfolio)
            )
        ]
        index = {task.variant: i for i, task in enumerate(tasks)}

        def done(outcome: CellOutcome) -> None:
            outcomes.append((index[outcome.row.variant], outcome))
            if params.progress is not None:
                firsts = [
                    next(iter(o.row.objective.values()))
                    for _, o in outcomes
                    if o.row.ok and o.row.objective
                ]
                params.progress(
                    SolveProgress(
                        "portfolio",
                        float(min(firsts)) if firsts else None,
                        None,
                        time.monotonic() - began,
                    )
                )

        stopped = run_tasks(client, tasks, done, stop=lambda: params.stop_requested)
    best = _best_checked(scenario, outcomes, now=now, previous=previous)
    if best is None:
        raise _failure([o for _, o in sorted(outcomes, key=lambda p: p[0])], stopped)
    if stopped and best.solver is not None:
        best = best.model_copy(
            update={"solver": best.solver.model_copy(update={"interrupted": True})}
        )
    return best


def _best_checked(
    scenario: Scenario,
    outcomes: list[tuple[int, CellOutcome]],
    *,
    now: datetime | None,
    previous: PreviousPlan | None,
) -> Schedule | None:
    """The lowest lexicographic objective (first member of equals) that checks."""
    ranked = sorted(
        (
            (tuple(o.row.objective.values()), i, o.schedule_json)
            for i, o in outcomes
            if o.row.ok and o.schedule_json is not None
        ),
    )
    for _, _, text in ranked:
        schedule = Schedule.model_validate_json(text)
        if check(scenario, schedule, now=now, previous=previous).ok:
            return schedule
    return None


def _failure(outcomes: list[CellOutcome], stopped: bool) -> Exception:
    """The error a plain solve would have raised, from the members' rows."""
    for outcome in outcomes:
        if outcome.row.status == "invalid":
            return InputError(list(outcome.issues))
    for outcome in outcomes:
        if outcome.row.status == "infeasible":
            return InfeasibleError(list(outcome.reasons))
    if stopped or any(o.row.status == "unknown" for o in outcomes):
        reason = next(
            (o.row.error for o in outcomes if o.row.status == "unknown"),
            "stopped before any member of the portfolio found a schedule",
        )
        return NoScheduleFoundError(reason)
    errors = "; ".join(o.row.error or "?" for o in outcomes)
    return RuntimeError(f"no member of the portfolio produced a schedule: {errors}")
