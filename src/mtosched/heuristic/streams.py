"""How the key search's climbs run: one stream, or a team in epochs.

Both go on from a kicked copy of their best keys when they stall
(`ClimbSettings.kick_share`), and both hand every position they take to
`keep`/`on_accept`, which holds the best schedule: the portfolio's incumbent.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from mtosched.heuristic.climb import (
    ClimbSettings,
    KeyMode,
    Position,
    Ranker,
    climb,
    kicked,
)
from mtosched.heuristic.team import Team
from mtosched.problem.solution import Solution


def stream_climb(
    make: Callable[[list[float]], Solution],
    ranker: Ranker,
    here: Position,
    rng: random.Random,
    steps: int,
    settings: ClimbSettings,
    *,
    until: float | None,
    stop: Callable[[], bool] | None,
    patience: int | None,
    run_seconds: float,
    on_accept: Callable[[Position], None],
    task_base: list[float] | None,
) -> int:
    """One stream's climb, kicked from its best when it stalls.

    Returns the steps kept. A kick counts as a step, so that the loop ends
    on the step count even with no clock and no patience to spend.
    """
    accepted = taken = 0
    best = here
    while True:
        stream = climb(
            make, ranker, here, rng, steps - taken, settings,
            until=until, stop=stop, patience=patience, run_seconds=run_seconds,
            on_accept=on_accept, task_base=task_base,
        )  # fmt: skip
        accepted += stream.accepted
        taken += stream.steps
        if stream.position.scored[0] < best.scored[0]:
            best = stream.position
        stalled = patience is not None and stream.idle >= patience
        if stream.cut or not stalled or not settings.kick_share or taken >= steps:
            return accepted
        start = kicked(make, ranker, best, rng, settings)
        if start is None:
            return accepted
        here = start
        taken += 1


def team_climb(
    team: Team,
    make: Callable[[list[float]], Solution],
    ranker: Ranker,
    here: Position,
    seed: int,
    steps: int,
    settings: ClimbSettings,
    *,
    until: float | None,
    stop: Callable[[], bool] | None,
    patience: int | None,
    run_seconds: float,
    keep: Callable[[Position], None],
    mode: KeyMode,
    wide: ClimbSettings | None = None,
    task_base: list[float] | None = None,
) -> int:
    """Climb in epochs with the team; every epoch goes on from the best stream.

    Returns the steps kept. Streams are seeded by epoch and member, and the
    parent's stream wins ties, so a run that the clock does not cut repeats.
    The helpers climb with `wide` when given (the parent with `settings`).
    """
    accepted = idle = taken = epoch = 0
    best_seen = here
    while taken < steps:
        if until is not None and time.monotonic() + run_seconds >= until:
            return accepted
        if stop is not None and stop():
            return accepted
        if patience is not None and idle >= patience:
            kick = random.Random(f"{seed}:kick:{epoch}")
            start = (
                kicked(make, ranker, best_seen, kick, settings)
                if settings.kick_share
                else None
            )
            if start is None:
                return accepted
            here, idle = start, 0
        length = min(settings.epoch_steps, steps - taken)
        seeds = [f"{seed}:{epoch}:{member}" for member in range(team.size + 1)]
        team.submit(mode, here, seeds[1:], length, wide or settings, until)
        own = climb(
            make, ranker, here, random.Random(seeds[0]), length, settings,
            until=until, stop=stop, run_seconds=run_seconds, on_accept=keep,
            task_base=task_base,
        )  # fmt: skip
        accepted += own.accepted
        if stop is not None and stop():
            return accepted  # the helpers are not waited for
        # cut short by the clock, the helpers end soon too
        wait = (until - time.monotonic() if until is not None else 0.0) + 5.0
        helpers = team.collect(here, max(wait, 5.0))
        best = own.position
        for result in helpers or []:
            ranker.tried += result.tried
            accepted += result.accepted
            if result.position.scored[0] < best.scored[0]:
                best = result.position
        if best is not own.position:
            keep(best)
        idle = 0 if best.scored[0] < here.scored[0] else idle + length
        here = best
        if here.scored[0] < best_seen.scored[0]:
            best_seen = here
        taken += length
        epoch += 1
        if own.cut:
            return accepted
        if helpers is None:
            # a helper died or hung: the parent climbs on alone
            team.close()
            alone = climb(
                make, ranker, here, random.Random(f"{seed}:alone"),
                steps - taken, settings, until=until, stop=stop,
                patience=patience, idle=idle, run_seconds=run_seconds,
                on_accept=keep, task_base=task_base,
            )  # fmt: skip
            return accepted + alone.accepted
    return accepted
