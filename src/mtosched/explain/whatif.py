"""Re-solve with each lever and report what it really did.

Every lever is a full solve through `mtosched.api.solve` of a changed copy
of the scenario, with a short time limit. Before the levers, the unchanged
scenario is re-solved once with the same limit (the control): if that
alone puts the order on time, the explained schedule, not the plant, made
it late, and the levers' effects must be read against that.

Side effects compare the lever's schedule with the explained schedule:
every other order that ends up late, or later than it was while late.

On a cluster, `solve_all` re-solves the control and every lever at once
first; `control` and `lever` then judge those schedules exactly as they
judge the ones they solve themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mtosched.api import solve
from mtosched.errors import MtoschedError
from mtosched.explain.changes import apply_change
from mtosched.explain.levers import describe_change
from mtosched.explain.report import Change, LeverResult, NoChange, SideEffect
from mtosched.params import SolveParams
from mtosched.problem.previous import PreviousPlan
from mtosched.scenario.models import Scenario
from mtosched.schedule import Schedule


@dataclass
class WhatIfRunner:
    """Runs levers against one explained schedule; the control is shared."""

    scenario: Scenario
    schedule: Schedule
    params: SolveParams
    previous: PreviousPlan | None = None
    progress: Callable[[str], None] | None = None
    seconds: float = 0.0
    _control: LeverResult | None = field(default=None, init=False)
    _control_plan: Schedule | None = field(default=None, init=False)
    #: schedules (or errors) solved ahead on a cluster, with their seconds,
    #: by `change_key`
    _solved: dict[str, tuple[Schedule | MtoschedError, float]] = field(
        default_factory=dict, init=False
    )

    def control(self, order: str) -> LeverResult:
        """The unchanged scenario re-solved (once), judged for `order`."""
        if self._control is None:
            self._control, self._control_plan = self._solve(NoChange(), order)
        if self._control_plan is None:
            return self._control  # the re-solve failed: the same for every order
        return self._judge(NoChange(), order, self._control_plan, self._control.seconds)

    def lever(self, change: Change, order: str) -> LeverResult:
        """One changed scenario, re-solved and judged for `order`."""
        return self._solve(change, order)[0]

    def solve_all(self, changes: Sequence[Change], cluster: str | None) -> None:
        """Re-solve every change at once on Dask, for `control` and `lever`.

        `cluster` is a scheduler's address (default: `MTOSCHED_CLUSTER`,
        else a local cluster); each re-solve gets the runner's limit and
        `workers` CP-SAT workers (default 1). The wall time, the cluster's
        start included, is what `seconds` counts.
        """
        from mtosched.sweep.jobs import SolveJob, job_runner

        began = time.perf_counter()
        jobs: list[SolveJob] = []
        sent: list[Change] = []
        for change in changes:
            try:
                changed = apply_change(self.scenario, change)
            except MtoschedError as exc:  # fails as its own solve would have
                self._solved[change_key(change)] = (exc, 0.0)
                continue
            job = SolveJob.of(
                changed, self.params, now=self.schedule.start, previous=self.previous
            )
            jobs.append(job)
            sent.append(change)
        if self.progress is not None:
            self.progress(f"re-solving {len(jobs)} what-ifs on the cluster")
        each = self.params.workers or 1
        with job_runner(cluster, jobs=len(jobs), workers_per_job=each) as runner:
            results = runner.solve(jobs)
        for change, result in zip(sent, results, strict=True):
            self._solved[change_key(change)] = (result.value, result.seconds)
        self.seconds += time.perf_counter() - began

    def _solve(self, change: Change, order: str) -> tuple[LeverResult, Schedule | None]:
        text = describe_change(change)
        known = self._solved.get(change_key(change))
        if known is not None:
            plan, seconds = known
        else:
            plan, seconds = self._solve_here(change, order, text)
        if isinstance(plan, MtoschedError):
            failed = LeverResult(
                kind=change.kind,
                text=text,
                change=change,
                outcome="failed",
                seconds=round(seconds, 2),
                note=f"{type(plan).__name__}: {plan}",
            )
            return failed, None
        return self._judge(change, order, plan, seconds), plan

    def _solve_here(
        self, change: Change, order: str, text: str
    ) -> tuple[Schedule | MtoschedError, float]:
        """The changed scenario solved in this process, or the error it raised."""
        if self.progress is not None:
            self.progress(f"{order}: trying {text}")
        began = time.perf_counter()
        try:
            plan: Schedule | MtoschedError = solve(
                apply_change(self.scenario, change),
                self.params,
                now=self.schedule.start,
                previous=self.previous,
            )
        except MtoschedError as exc:
            plan = exc
        seconds = time.perf_counter() - began
        self.seconds += seconds
        return plan, seconds

    def _judge(
        self, change: Change, order: str, plan: Schedule, seconds: float
    ) -> LeverResult:
        before = {o.id: o.lateness_minutes for o in self.schedule.orders}
        after = {o.id: o.lateness_minutes for o in plan.orders}
        lateness = after[order]
        tardiness = max(before[order], 0)
        if lateness <= 0:
            outcome = "on_time"
        elif lateness < tardiness:
            outcome = "improved"
        else:
            outcome = "no_better"
        effects = [
            SideEffect(order=o, lateness_before=before[o], lateness_after=after[o])
            for o in after
            if o != order and o in before and after[o] > max(before[o], 0)
        ]
        effects.sort(key=lambda e: -(e.lateness_after - max(e.lateness_before, 0)))
        return LeverResult(
            kind=change.kind,
            text=describe_change(change),
            change=change,
            outcome=outcome,
            lateness_minutes=lateness,
            improvement_minutes=tardiness - max(lateness, 0),
            side_effects=effects,
            weighted_tardiness_before=self.schedule.kpis.weighted_tardiness,
            weighted_tardiness_after=plan.kpis.weighted_tardiness,
            late_orders_before=self.schedule.kpis.late_orders,
            late_orders_after=plan.kpis.late_orders,
            status=plan.status,
            seconds=round(seconds, 2),
        )


def change_key(change: Change) -> str:
    """Equal changes, equal keys: one re-solve serves every order asking it."""
    return change.model_dump_json()
