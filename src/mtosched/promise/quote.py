"""`quote`: the delivery date we can promise a new order.

Capable-to-promise against the current plan: the new order (or each of
several candidate configurations of it) is added as confirmed, and the
earliest completion is sought over every schedule in which no confirmed
order completes later than its due date or than the current plan has it,
whichever is later, so no confirmed order's tardiness grows. Calendars,
crews, materials and frozen work apply as in `schedule`.

Every promise is proved: the scenario with the order due at the promised
date is compiled again and the schedule passes the independent checker
with the order on time, and each other order is checked to be no later
than allowed. The lower bound is what CP-SAT proved (or the order's own
routing on free machines), so the gap says how much better a longer search
could still do.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from mtosched.api import check
from mtosched.errors import (
    InfeasibleError,
    InputError,
    Issue,
    NoScheduleFoundError,
    PromiseCheckError,
    ScheduleMismatchError,
)
from mtosched.heuristic.dispatch import Guide, dispatch
from mtosched.params import SolveParams
from mtosched.problem import Problem, build_problem
from mtosched.problem.parts import PlannedSlot
from mtosched.problem.previous import PlannedOperation, PreviousPlan
from mtosched.problem.solution import Solution
from mtosched.promise.models import CandidateQuote, Limit, Quote
from mtosched.scenario.models import Order, Scenario
from mtosched.schedule import Schedule, SolverInfo
from mtosched.schedule_mapping import build_schedule, solution_from_schedule
from mtosched.sweep.address import wants_cluster
from mtosched.sweep.jobs import ScenarioData
from mtosched.verify.check import check as check_solution
from mtosched.verify.evaluate import evaluate, order_outcomes


@dataclass(frozen=True)
class _Setting:
    scenario: Scenario
    now: datetime | None
    current: Schedule
    freeze_hours: float | None


def quote(
    scenario: Scenario,
    candidates: Sequence[Order],
    *,
    current: Schedule | None = None,
    freeze_hours: float | None = None,
    date: datetime | None = None,
    params: SolveParams | None = None,
    now: datetime | None = None,
    parallel: bool = False,
) -> Quote:
    """Quote each candidate order against the current plan.

    `current` is the plan that confirmed orders must not get later than
    (solved first when missing, with part of the time limit); `freeze_hours`
    keeps its first hours as they are; `date` asks "can we deliver by then?"
    (`answer`). The time limit of `params` covers everything. With
    `parallel`, or a `params.cluster` address (or `MTOSCHED_CLUSTER` set),
    the candidates are quoted at once on Dask (`promise/parallel.py`), each
    with `params.workers` CP-SAT workers (default 1).
    """
    from mtosched.api import solve

    params = params or SolveParams()
    began = time.monotonic()
    mode: Literal["given", "solved"] = "given"
    if current is None:
        mode = "solved"
        # the current plan's share of the limit; progress reports are the
        # quote's own, so the plan's solve does not print them
        share = replace(
            params,
            time_limit=params.time_limit * params.search.quote_current_plan_share,
            progress=None,
        )
        current = solve(scenario, share, now=now)
    setting = _Setting(scenario, now or current.start, current, freeze_hours)
    if mode == "given":
        _verify_current(setting)
    answers: list[CandidateQuote] = []
    if candidates and wants_cluster(params.cluster, parallel=parallel):
        from mtosched.promise.parallel import quote_on_cluster

        answers = quote_on_cluster(
            ScenarioData.of(scenario),
            setting.current,
            candidates,
            now=setting.now,
            freeze_hours=freeze_hours,
            date=date,
            params=params,
            deadline=began + params.time_limit,
        )
    else:
        for k, candidate in enumerate(candidates):
            left = params.time_limit - (time.monotonic() - began)
            budget = max(0.5, left / (len(candidates) - k))
            answers.append(_quote_one(setting, candidate, date, params, budget))
    start = setting.current.start.astimezone(ZoneInfo(setting.current.timezone))
    if setting.now is not None:
        start = setting.now.astimezone(start.tzinfo)
    return Quote(
        scenario=scenario.name,
        start=start,
        timezone=setting.current.timezone,
        current=mode,
        frozen_until=(
            start + timedelta(hours=freeze_hours) if freeze_hours is not None else None
        ),
        candidates=answers,
    )


def split_candidates(scenario: Scenario, file: str) -> tuple[Scenario, list[Order]]:
    """The orders read from `file` (the candidates) and the scenario without them."""
    candidates, kept = [], []
    for index, order in enumerate(scenario.orders):
        if scenario.origin("orders", index).file == file:
            candidates.append(order)
        else:
            kept.append(order)
    if not candidates:
        raise InputError([Issue(file, "orders", "no order to quote")])
    return scenario.model_copy(update={"orders": kept}), candidates


def _plan(setting: _Setting) -> PreviousPlan:
    """The current plan as the reference: frozen work, and the hint's slots."""
    return PreviousPlan(
        source="current plan",
        operations={
            (op.order, op.operation): PlannedOperation(
                op.machine, op.start, op.setup_start
            )
            for op in setting.current.operations
        },
        freeze_hours=setting.freeze_hours,
        add_stability=False,
    )


def _verify_current(setting: _Setting) -> None:
    """A current plan that does not fit the scenario cannot be quoted against."""
    problem = build_problem(setting.scenario, now=setting.now, previous=_plan(setting))
    solution, mismatches = solution_from_schedule(problem, setting.current)
    if solution is None:
        raise ScheduleMismatchError(mismatches)
    violations = [*mismatches, *check_solution(problem, solution).violations]
    if violations:
        raise ScheduleMismatchError(violations)


def _with(scenario: Scenario, order: Order) -> Scenario:
    confirmed = order.model_copy(update={"status": "confirmed"})
    return scenario.model_copy(update={"orders": [*scenario.orders, confirmed]})


def _caps(problem: Problem, current: Schedule, quoted: int) -> dict[int, int]:
    """Per confirmed order: its due date or current completion, the later."""
    completion = {o.id: problem.minute(o.completion) for o in current.orders}
    caps = {}
    for j, order in enumerate(problem.orders):
        if j != quoted and order.id in completion:
            caps[j] = max(order.due, completion[order.id])
    return caps


def _best_hint(
    problem: Problem,
    slots: Mapping[int, PlannedSlot],
    quoted: int,
    caps: dict[int, int],
    bisections: int,
) -> Solution:
    """The earliest completion among ways of fitting the order into the plan.

    The plan is replayed as it stands and the new order goes into the gaps
    it leaves, which keeps every cap. Then it goes in earlier: where the plan
    is at a minute found by bisection, the earliest that still keeps the
    caps (pushing planned work back only within their slack).
    """
    safe = dispatch(problem, guide=Guide(slots, keep_starts=True, newcomers="last"))
    best, best_end = safe, safe.completion(problem, quoted)

    def fitted(at: int) -> Solution | None:
        candidate = dispatch(
            problem, guide=Guide(slots, keep_starts=True, newcomers=at)
        )
        outcomes = order_outcomes(problem, candidate)
        if any(outcomes[j].completion > cap for j, cap in caps.items()):
            return None
        return candidate if check_solution(problem, candidate).ok else None

    low, high = 0, max((slot.start for slot in slots.values()), default=0)
    for _ in range(bisections):
        if low >= high:
            break
        middle = (low + high) // 2
        candidate = fitted(middle)
        if candidate is None:
            low = middle + 1
            continue
        high = middle
        end = candidate.completion(problem, quoted)
        if end < best_end:
            best, best_end = candidate, end
    return best


def _quote_one(
    setting: _Setting,
    candidate: Order,
    date: datetime | None,
    params: SolveParams,
    budget: float,
) -> CandidateQuote:
    from mtosched.cpsat.quote import earliest_completion

    began = time.monotonic()
    reference = _plan(setting)
    scenario = _with(setting.scenario, candidate)
    try:
        problem = build_problem(scenario, now=setting.now, previous=reference)
        # proving the promise and explaining it compile the plant twice more
        reserve = 3 * (time.monotonic() - began) + 0.2
    except InfeasibleError as exc:
        # e.g. its material is short: no date at all can be promised
        probe = build_problem(setting.scenario, now=setting.now)
        return CandidateQuote(
            order=candidate.id,
            customer=candidate.customer,
            product=candidate.product,
            options=candidate.options,
            requested=candidate.due.astimezone(probe.instant(0).tzinfo),
            status="infeasible",
            answer="no" if date is not None else None,
            date=date,
            reasons=exc.reasons,
            seconds=time.monotonic() - began,
        )
    quoted = next(j for j, o in enumerate(problem.orders) if o.id == candidate.id)
    caps = _caps(problem, setting.current, quoted)
    slots = problem.baseline.planned if problem.baseline else {}
    hint = _best_hint(problem, slots, quoted, caps, params.search.quote_bisections)
    by = problem.minute(date) if date is not None else None
    base = CandidateQuote(
        order=candidate.id,
        customer=candidate.customer,
        product=candidate.product,
        options=candidate.options,
        requested=problem.instant(problem.orders[quoted].due),
        date=problem.instant(by) if by is not None else None,
        status="unknown",
    )
    searching = budget - (time.monotonic() - began) - reserve
    solve_params = SolveParams(
        time_limit=max(0.2, searching), workers=params.workers, seed=params.seed
    )
    try:
        promise = earliest_completion(problem, quoted, caps, hint, solve_params, by=by)
    except NoScheduleFoundError:
        return base.model_copy(
            update={
                "answer": "undecided" if by is not None else None,
                "seconds": time.monotonic() - began,
            }
        )
    if promise is None:
        return base.model_copy(
            update={
                "status": "infeasible",
                "answer": "no",
                "seconds": time.monotonic() - began,
            }
        )
    solver = SolverInfo(
        seconds=round(promise.seconds, 3),
        workers=solve_params.effective_workers,
        seed=params.seed,
        time_limit=round(budget, 3),
        source="cp-sat" if promise.solution is not hint else "dispatch",
    )
    schedule = _proved(setting, candidate, promise.solution, promise.completion, solver)
    limits = _limits(setting, candidate, schedule)
    return base.model_copy(
        update={
            "promise": problem.instant(promise.completion),
            "lower_bound": problem.instant(promise.bound),
            "gap_minutes": promise.completion - promise.bound,
            "status": promise.status,
            "meets_request": promise.completion <= problem.orders[quoted].due,
            "answer": "yes" if by is not None else None,
            "limits": limits,
            "seconds": time.monotonic() - began,
            "schedule": schedule,
        }
    )


def _proved(
    setting: _Setting,
    candidate: Order,
    solution: Solution,
    completion: int,
    solver: SolverInfo,
) -> Schedule:
    """The schedule with the order due at its promise, verified independently."""
    probe = build_problem(setting.scenario, now=setting.now)
    due = probe.instant(completion)
    promised = candidate.model_copy(update={"due": due})
    scenario = _with(setting.scenario, promised)
    problem = build_problem(scenario, now=setting.now, previous=_plan(setting))
    report = check(problem, solution)
    if not report.ok or report.evaluation is None:
        raise PromiseCheckError(
            "the promised schedule fails the independent check: "
            + "; ".join(report.violations)
        )
    outcomes = order_outcomes(problem, solution)
    before = {o.id: o.tardiness_minutes for o in setting.current.orders}
    for j, order in enumerate(problem.orders):
        tardiness = outcomes[j].tardiness
        if order.id == candidate.id and tardiness > 0:
            raise PromiseCheckError(f"{order.id} is late at its promised date")
        if order.id in before and tardiness > before[order.id]:
            raise PromiseCheckError(
                f"{order.id} gets {tardiness - before[order.id]} min later than "
                "in the current plan"
            )
    evaluation = evaluate(problem, solution)
    return build_schedule(
        problem, solution, evaluation, status="feasible", solver=solver
    )


def _limits(setting: _Setting, candidate: Order, schedule: Schedule) -> list[Limit]:
    """What the promised schedule's critical chain for the order waits for."""
    from mtosched.explain import explain

    scenario = _with(
        setting.scenario,
        candidate.model_copy(
            update={"due": next(o.due for o in schedule.orders if o.id == candidate.id)}
        ),
    )
    explanation = explain(
        scenario,
        schedule,
        [candidate.id],
        what_if=False,
        now=setting.now,
        previous=_plan(setting),
    )
    return [
        Limit(kind=cause.kind, minutes=cause.minutes, text=cause.text)
        for cause in explanation.orders[0].causes
    ]
