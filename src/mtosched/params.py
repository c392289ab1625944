"""Solve parameters, progress reports, a stop request and the time account.

Shared by the API and the CLI: what a caller sets before a solve, what it
hears during it, and how it ends one early.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class SolveProgress:
    """A progress report: the current stage's incumbent and proved bound.

    `elapsed` is wall-clock seconds since `solve` started; `objective` and
    `bound` are in the stage term's units (minutes, or weighted minutes).
    """

    stage: str
    objective: float | None
    bound: float | None
    elapsed: float


ProgressCallback = Callable[[SolveProgress], None]


class StopRequest:
    """Asks a running solve to end soon with the best schedule it has.

    Thread-safe: a signal handler or a UI thread calls `request`; the solve
    checks `requested` between steps and forwards the request to the CP-SAT
    call under way, so it ends within a fraction of a second.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._hooks: list[Callable[[], None]] = []
        self.reason: str | None = None

    @property
    def requested(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    def request(self, reason: str = "interrupted") -> None:
        """Ask the solve to stop; the first reason given is kept."""
        with self._lock:
            if self.reason is None:
                self.reason = reason
            self._event.set()
            hooks = list(self._hooks)
        for hook in hooks:
            hook()

    @contextmanager
    def forwarding(self, hook: Callable[[], None]) -> Iterator[None]:
        """Call `hook` on a request while inside (at once if one came already)."""
        with self._lock:
            self._hooks.append(hook)
            already = self._event.is_set()
        if already:
            hook()
        try:
            yield
        finally:
            with self._lock:
                self._hooks.remove(hook)


def default_workers() -> int:
    """All cores up to 8: CP-SAT's portfolio gains little beyond that here."""
    return max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class SearchParams:
    """How the engine divides its time and sizes its steps: tuning as data.

    Every default is the value measured best on the training plants and the
    classic sets (benchmarks/RESULTS.md); benchmarks and tests set these
    instead of patching module constants. Grouped by the part they tune.

    The dispatch key search (heuristic layer): `dispatch_share` is the most
    of the time limit it may take; it also stops after `dispatch_patience`
    steps in a row without a better schedule. Its step count assumes
    `dispatch_seconds_per_task` per run and task (a count rather than a
    clock keeps a seeded solve repeatable; the clock cuts it short where
    runs are slower; 4e-5 ended the search after 60 % of its share on the
    large training plants, whose neighbourhood steps then gained less
    than more climbing did). Each step moves `dispatch_step_share` of the orders
    (3 % beat 5, 10 and 20 % on the 150-order plants), at most
    `dispatch_step_orders_max` of them (0: no cap), either way by up to
    `dispatch_step_minutes` (on the 300-order plants 9 orders a step ended
    10-18 % above 4; benchmarks/RESULTS.md);
    a team's helpers instead draw each step's reach between T and
    `dispatch_step_reach` x T, T the mean minutes late of the late orders
    under earliest due date (not within last night's plan, nor when no
    order is late there, nor with a reach of 0).
    Every other step pulls a late order forward: in `dispatch_blocker_share`
    of them just ahead of an order that held a machine it waited for (or,
    in `dispatch_blocker_push` of those, that order just behind it), in
    the rest by a random reach (targeted pulls were 2-8 % better at equal
    steps on five of the training plants). Within last night's plan (the
    `stability` term), `dispatch_restore_share` of the other steps put one
    shifted order back where the plan has it.
    On a plant left to neighbourhood search (not within a plan) a climb
    that stalls for `dispatch_patience` steps does not end: it restarts
    from its best keys with `dispatch_kick_share` of them moved up to
    twice a step's reach (0: it ends). On the variants of shifts-60 whose
    climb stalled, 0.3 gave 55,815 / 62,405 / 55,518 against 65,523 /
    62,688 / 55,518 (benchmarks/RESULTS.md); a climb that does not stall
    is unchanged. A plant small enough for the full model hands over to it.
    With more than one worker and at least `dispatch_team_min_seconds` for
    the search, helper processes climb too, from the best position every
    `dispatch_epoch_steps` steps (the climb is pure Python: one core).

    Makespan objectives (the classic sets) keep the search they were tuned
    with: `makespan_dispatch_share` of the time, at most
    `makespan_dispatch_steps` steps; from `makespan_lns_min_tasks` free
    operations the full model gets `makespan_full_model_share` of a stage
    and neighbourhood search the rest; below it, a shop with machine
    choices hands over to sequence-keeping steps after
    `resequence_full_share` (each step at most `resequence_step_seconds`).

    Due-date objectives: `full_model_max_arcs` caps the changeover arcs (the
    quadratic part) of a full model: a larger plant goes straight to
    neighbourhood search. From `lns_min_tasks` operations a stage gives the
    full model `full_model_share` of its time (0: it is not built) and
    neighbourhood search the rest; below it the full model has it all.
    A plant from `lns_min_tasks` up to `relaxed_max_tasks` operations whose
    full model is not built gets the whole-plant pass (relaxed.py) when the
    key search stalls (`dispatch_patience` steps without a gain), for the
    rest of the key search's share, if that leaves `relaxed_min_seconds`
    (`relaxed_max_tasks` 0 turns it off; the climb then restarts from
    kicked keys instead). Its presolve probes at `relaxed_probing_level`
    (CP-SAT's default is 2: on a shifts-60 variant that took 8 s of
    presolve instead of 1.4 s, and a pass of under 2 s found nothing).
    With `relaxed_lns_only` every CP-SAT worker of the pass searches
    neighbourhoods of its hint instead of one of two searching the whole
    plant, which cannot prove anything in the pass's seconds anyway (on
    the shifts-60 plants 15 runs of 30 s were never worse at the median
    and gained up to 14 % on a seed; benchmarks/RESULTS.md).

    `early_stage_share` is the share of the remaining time a lexicographic
    stage gets when later stages follow (0.7 left the first term 25 % short
    on large plants). A neighbourhood step gets `step_factor` times its
    model's build time, within `[min_step_seconds, max_step_seconds]`.
    `calendar_encoding` groups an interruptible operation's starts by the
    time they take ("elapsed", fewer variables) or by calendar segment.

    The quote: the current plan gets `quote_current_plan_share` of the
    limit, and the promise is bisected `quote_bisections` times; from
    `quote_neighbourhood_min_tasks` operations a candidate's model gives the
    full model `quote_full_model_share` and then walks windows of
    `quote_window_tasks` operations, `quote_step_seconds` a step.

    `cp_sat` holds extra CP-SAT parameters for every call, as (name, value)
    text pairs, e.g. (("linearization_level", "2"),); for experiments.
    """

    dispatch_share: float = 0.85
    dispatch_patience: int = 400
    dispatch_seconds_per_task: float = 2.5e-5
    dispatch_step_share: float = 0.03
    dispatch_step_orders_max: int = 4
    dispatch_step_minutes: float = 1000.0
    dispatch_step_reach: float = 9.0
    dispatch_blocker_share: float = 1.0
    dispatch_blocker_push: float = 0.0
    dispatch_restore_share: float = 0.5
    dispatch_kick_share: float = 0.3
    dispatch_epoch_steps: int = 25
    dispatch_team_min_seconds: float = 10.0
    makespan_dispatch_share: float = 0.15
    makespan_dispatch_steps: int = 200
    makespan_seconds_per_task: float = 1e-4
    makespan_lns_min_tasks: int = 500
    makespan_full_model_share: float = 0.1
    resequence_full_share: float = 0.3
    resequence_step_seconds: float = 1.0
    full_model_max_arcs: int = 150_000
    full_model_share: float = 0.0
    lns_min_tasks: int = 150
    relaxed_max_tasks: int = 600
    relaxed_probing_level: int = 0
    relaxed_min_seconds: float = 2.0
    relaxed_lns_only: bool = True
    early_stage_share: float = 0.9
    step_factor: float = 2.0
    min_step_seconds: float = 0.3
    max_step_seconds: float = 5.0
    calendar_encoding: Literal["elapsed", "segments"] = "elapsed"
    quote_current_plan_share: float = 0.4
    quote_bisections: int = 14
    quote_neighbourhood_min_tasks: int = 150
    quote_full_model_share: float = 0.4
    quote_window_tasks: int = 60
    quote_step_seconds: float = 2.0
    cp_sat: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        shares = (
            "dispatch_share",
            "dispatch_step_share",
            "dispatch_blocker_share",
            "dispatch_blocker_push",
            "dispatch_restore_share",
            "dispatch_kick_share",
            "makespan_dispatch_share",
            "makespan_full_model_share",
            "resequence_full_share",
            "full_model_share",
            "early_stage_share",
            "quote_current_plan_share",
            "quote_full_model_share",
        )
        for name in shares:
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.calendar_encoding not in ("elapsed", "segments"):
            raise ValueError("calendar_encoding must be 'elapsed' or 'segments'")
        if not 0 < self.min_step_seconds <= self.max_step_seconds:
            raise ValueError("need 0 < min_step_seconds <= max_step_seconds")
        if self.relaxed_min_seconds < 0:
            raise ValueError("relaxed_min_seconds must not be negative")
        if self.dispatch_epoch_steps < 1:
            raise ValueError("dispatch_epoch_steps must be at least 1")
        counts = (
            "dispatch_patience",
            "makespan_dispatch_steps",
            "quote_bisections",
            "quote_window_tasks",
            "relaxed_max_tasks",
            "relaxed_probing_level",
            "dispatch_step_orders_max",
        )
        for name in counts:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How long and how to search.

    `time_limit` is wall-clock seconds for the whole solve, all lexicographic
    stages together. With `workers=1` and a fixed `seed`, a solve that ends
    before the time limit is repeatable run to run. `stop` ends a solve
    early with its best schedule (Ctrl-C in the CLI).

    `portfolio` > 1 runs that many diverse searches (seeds, search settings)
    in parallel on Dask and keeps the best checked schedule; `cluster` is
    the Dask scheduler's address (default: `MTOSCHED_CLUSTER`, else a local
    cluster with one worker process per core). Given to `quote`, an address
    has it quote the candidates at once on that cluster.
    """

    time_limit: float = 60.0
    workers: int | None = None
    seed: int = 0
    progress: ProgressCallback | None = None
    log_search: bool = False
    search: SearchParams = field(default_factory=SearchParams)
    stop: StopRequest | None = None
    portfolio: int = 1
    cluster: str | None = None

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")
        if self.portfolio < 1:
            raise ValueError("portfolio must be at least 1")
        if self.workers is not None and self.workers < 1:
            raise ValueError("workers must be at least 1")

    @property
    def effective_workers(self) -> int:
        """The worker count actually used."""
        return self.workers or default_workers()

    @property
    def stop_requested(self) -> bool:
        """Whether the caller asked the solve to stop."""
        return self.stop is not None and self.stop.requested


@dataclass
class TimeAccount:
    """Where the seconds of one solve went, phase by phase.

    Filled in as the solve runs and reported under `solver.timing`: without
    it nobody can tell whether a plant's time went to presolve, to the
    dispatch search or to neighbourhood steps that never pay.
    """

    compile: float | None = None
    dispatch: float = 0.0
    #: dispatch runs (rules and key-search steps), and search steps kept
    dispatch_runs: int = 0
    dispatch_accepted: int = 0
    model_build: float = 0.0
    presolve: float = 0.0
    search: float = 0.0
    full_model: str = "not run"
    #: the whole-plant pass (relaxed.py): whether it ran or why not, its
    #: seconds (presolve among them), relaxed schedules found and replays kept
    relaxed_model: str = "not run"
    relaxed: float = 0.0
    relaxed_presolve: float = 0.0
    relaxed_found: int = 0
    relaxed_kept: int = 0
    neighbourhood: float = 0.0
    neighbourhood_steps: int = 0
    neighbourhood_accepted: int = 0
    #: per neighbourhood kind: [steps, accepted, seconds]
    neighbourhood_kinds: dict[str, list[float]] = field(default_factory=dict)
    check: float = 0.0
    total: float = 0.0

    def step(self, kind: str, seconds: float, *, accepted: bool) -> None:
        """Count one neighbourhood step of `kind`."""
        self.neighbourhood_steps += 1
        self.neighbourhood_accepted += int(accepted)
        self.neighbourhood += seconds
        record = self.neighbourhood_kinds.setdefault(kind, [0, 0, 0.0])
        record[0] += 1
        record[1] += int(accepted)
        record[2] += seconds
