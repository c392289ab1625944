"""The hill climb over order keys: one stream, or a team of processes.

A step shifts the sort keys of a few orders, re-runs the list schedule and
keeps the keys when the schedule is no worse. One stream is pure Python and
holds one core; with more workers a team of helper processes climbs from
the same position in epochs of a fixed number of steps, each with its own
random stream, and every epoch all go on from the best of them. Epochs of
fixed length keep a seeded run repeatable (the clock only cuts it short).
"""

from __future__ import annotations

import contextlib
import math
import pickle
import random
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Literal

from mtosched.heuristic.blockers import BlockerIndex
from mtosched.heuristic.dispatch import Guide, OutOfTime, dispatch, earliest_due_date
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.verify.check import deadlines_and_waits_hold
from mtosched.verify.evaluate import order_outcomes, term_values

#: Infeasible (0 or 1), then the objective terms in order: lower is better.
Rank = tuple[int, ...]
#: A schedule's rank and each order's weighted tardiness.
Scored = tuple[Rank, list[int]]
#: What the keys order: the orders themselves, or shifts within last
#: night's plan (when stability counts).
KeyMode = Literal["orders", "plan"]


@dataclass(frozen=True)
class ClimbSettings:
    """How a step moves the keys and how a team shares the work.

    A step moves `step_share` of the orders (at least one) by up to
    `step_minutes` either way; with `pull_late`, every other step also
    pulls one late order, drawn by its cost, up to twice as far forward.
    With `step_minutes_max`, each step draws its reach log-uniformly
    between the two (the best reach differs tenfold between plants);
    `step_reach` > 0 asks the portfolio to give a team's helpers such
    reaches, from the plant's own lateness scale to `step_reach` times it
    (`portfolio.lateness_scale`), while the parent keeps `step_minutes`.
    In `blocker_share` of the pulls the late order goes just ahead of an
    order that held a machine it waited for (`blockers.py`), or, in
    `blocker_push` of those, that order just behind it; only where keys
    rank orders (not shifts within last night's plan).
    A team synchronises every `epoch_steps` steps, and is only started when
    the climb has at least `team_min_seconds` (starting a helper costs
    about a second).
    """

    step_share: float = 0.03
    step_minutes: float = 1000.0
    step_minutes_max: float | None = None
    step_reach: float = 0.0
    pull_late: bool = True
    blocker_share: float = 1.0
    blocker_push: float = 0.0
    epoch_steps: int = 25
    team_min_seconds: float = 10.0


class Ranker:
    """Ranks schedules: feasible first, then the objective terms in order."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.tried = 0

    def rank(self, solution: Solution, bar: Rank | None = None) -> Scored | None:
        """Rank and per-order weighted tardiness; None when worse than `bar`.

        Feasibility here is the list schedule's: deadlines and maximum
        waits, the rules it does not keep by construction. A schedule that
        loses to a feasible `bar` on its terms is not even screened; the
        full check is the keeper's (`portfolio._Incumbent`).
        """
        self.tried += 1
        problem = self.problem
        outcomes = order_outcomes(problem, solution)
        values = term_values(problem, solution, outcomes, problem.objective)
        if bar is not None and bar[0] == 0 and values > bar[1:]:
            return None
        feasible = deadlines_and_waits_hold(problem, solution)
        rank = (int(not feasible), *values)
        if bar is not None and rank > bar:
            return None
        costs = [
            order.priority * outcome.tardiness
            for order, outcome in zip(problem.orders, outcomes, strict=True)
        ]
        return rank, costs


def schedule_maker(
    problem: Problem, mode: KeyMode, until: float | None
) -> Callable[[list[float]], Solution]:
    """The list schedule for a list of order keys, in the climb's mode.

    "plan": each order's tasks shifted together in last night's plan, none
    before its planned start, so that what moves is what gains.
    """
    if mode == "plan":
        assert problem.baseline is not None
        slots = problem.baseline.planned
        due_date = earliest_due_date(problem)

        def in_plan(keys: list[float]) -> Solution:
            guide = Guide(slots, keep_starts=True, shift=keys.__getitem__)
            return dispatch(problem, due_date, guide, until=until)

        return in_plan

    def by_keys(keys: list[float]) -> Solution:
        return dispatch(problem, keys.__getitem__, until=until)

    return by_keys


@dataclass
class Position:
    """Where a climb stands: its keys, their schedule's score and schedule."""

    keys: list[float]
    scored: Scored
    solution: Solution


@dataclass
class Stream:
    """What one stretch of a climb did."""

    position: Position
    steps: int = 0
    accepted: int = 0
    #: steps in a row without a better position, at the end
    idle: int = 0
    #: the time or a stop ended it, not the step count
    cut: bool = False


def climb(
    make: Callable[[list[float]], Solution],
    ranker: Ranker,
    start: Position,
    rng: random.Random,
    steps: int,
    settings: ClimbSettings,
    *,
    until: float | None,
    stop: Callable[[], bool] | None = None,
    patience: int | None = None,
    idle: int = 0,
    run_seconds: float = 0.0,
    on_accept: Callable[[Position], None] | None = None,
) -> Stream:
    """Climb up to `steps` steps from `start`; keep what is no worse.

    It ends early at the monotonic time `until` (a run that would end past
    it is not begun, judging by the last one's time), when `stop` says so,
    or after `patience` steps in a row without a better position (counting
    on from `idle`). `on_accept` hears every position taken.
    """
    n = len(start.keys)
    moved = max(1, round(settings.step_share * n))
    here = start
    stream = Stream(here, idle=idle)
    index: BlockerIndex | None = None
    for step in range(steps):
        if until is not None and time.monotonic() + run_seconds >= until:
            stream.cut = True
            break
        if stop is not None and stop():
            stream.cut = True
            break
        if patience is not None and stream.idle >= patience:
            break
        trial = list(here.keys)
        reach = settings.step_minutes
        if settings.step_minutes_max is not None:
            reach = math.exp(
                rng.uniform(math.log(reach), math.log(settings.step_minutes_max))
            )
        for j in rng.sample(range(n), min(moved, n)):
            trial[j] += rng.uniform(-reach, reach)
        costs = here.scored[1]
        late = [j for j, cost in enumerate(costs) if cost > 0]
        if late and step % 2 and settings.pull_late:
            j = rng.choices(late, weights=[costs[j] for j in late])[0]
            jumped = False
            if settings.blocker_share and rng.random() < settings.blocker_share:
                if index is None or index.solution is not here.solution:
                    index = BlockerIndex(ranker.problem, here.solution)
                jumped = jump_a_blocker(trial, j, index, rng, settings.blocker_push)
            if not jumped:
                trial[j] -= rng.uniform(0, 2 * reach)
        run_began = time.monotonic()
        try:
            solution = make(trial)
        except OutOfTime:
            stream.cut = True
            break
        stream.steps += 1
        scored = ranker.rank(solution, here.scored[0])
        run_seconds = time.monotonic() - run_began
        if scored is None:
            stream.idle += 1
            continue
        stream.idle = 0 if scored[0] < here.scored[0] else stream.idle + 1
        here = Position(trial, scored, solution)
        stream.position = here
        stream.accepted += 1
        if on_accept is not None:
            on_accept(here)
    return stream


def jump_a_blocker(
    keys: list[float],
    late: int,
    index: BlockerIndex,
    rng: random.Random,
    push: float,
) -> bool:
    """Put `late` just ahead of an order that held a machine it waited for.

    Or, every other time, that order just behind it. The blocker is drawn
    by the minutes it held the machine. False when there is none (the
    order waited for its calendar or a crew only): the keys are unchanged.
    """
    held = index.blockers(late)
    if not held:
        return False
    orders = list(held)
    blocker = rng.choices(orders, weights=[held[o] for o in orders])[0]
    if rng.random() >= push:
        keys[late] = min(keys[late], keys[blocker] - 1.0)
    else:
        keys[blocker] = max(keys[blocker], keys[late] + 1.0)
    return True


# --- the team ---------------------------------------------------------------
#
# A helper is `python -m mtosched.heuristic.climb`, talking over its standard streams:
# each message is an 8-byte length and a pickle. The first is the problem;
# then one request per epoch, each answered by one reply. A plain child
# process rather than `multiprocessing`: spawning would import the caller's
# `__main__` again, which an unguarded script turns into a fork bomb or a
# hang. The child runs in its own session, so Ctrl-C reaches only the
# parent, which ends the helpers.

_LENGTH = struct.Struct("<Q")


def _send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError("the other side closed the stream")
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other side closed the stream mid-message")
    return pickle.loads(data)


@dataclass(frozen=True)
class EpochRequest:
    """One epoch for a helper: where to start, its seed, steps and deadline."""

    mode: KeyMode
    keys: list[float]
    scored: Scored
    solution: Solution
    seed: str
    steps: int
    settings: ClimbSettings
    until: float | None


@dataclass(frozen=True)
class EpochReply:
    """A helper's epoch: its end, the schedule (None: it did not move), counts."""

    keys: list[float]
    scored: Scored
    solution: Solution | None
    tried: int
    accepted: int


def run_epoch(problem: Problem, request: EpochRequest) -> EpochReply:
    """Climb one epoch as a helper does (also callable in-process, for tests)."""
    ranker = Ranker(problem)
    make = schedule_maker(problem, request.mode, request.until)
    # a helper that never moves sends no schedule back
    start = Position(request.keys, request.scored, request.solution)
    stream = climb(
        make, ranker, start, random.Random(request.seed), request.steps,
        request.settings, until=request.until,
    )  # fmt: skip
    end = stream.position
    solution = end.solution if end is not start else None
    return EpochReply(end.keys, end.scored, solution, ranker.tried, stream.accepted)


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """A helper's life: read the problem, then answer epochs until the end."""
    problem: Problem = _receive(source)
    while True:
        try:
            request: EpochRequest = _receive(source)
        except EOFError:
            return
        _send(sink, run_epoch(problem, request))


def _feed(child: subprocess.Popen[bytes], message: bytes) -> None:
    """Write the problem to a helper; a helper that died is found later."""
    assert child.stdin is not None
    with contextlib.suppress(OSError):
        child.stdin.write(message)
        child.stdin.flush()


@dataclass
class EpochResult:
    """A helper's epoch as the parent sees it."""

    position: Position
    tried: int
    accepted: int


class Team:
    """Helper processes that climb alongside the parent, epoch by epoch."""

    def __init__(self, problem: Problem, helpers: int) -> None:
        self.size = helpers
        self._children: list[subprocess.Popen[bytes]] = []
        data = pickle.dumps(problem, protocol=pickle.HIGHEST_PROTOCOL)
        message = _LENGTH.pack(len(data)) + data
        self._feeders: list[threading.Thread] = []
        for _ in range(helpers):
            child = subprocess.Popen(
                [sys.executable, "-m", "mtosched.heuristic.climb"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,
            )
            self._children.append(child)
            # the child reads the problem only once it has imported mtosched
            # (about a second): a thread writes it, so the parent goes on
            feeder = threading.Thread(target=_feed, args=(child, message), daemon=True)
            feeder.start()
            self._feeders.append(feeder)

    def submit(
        self,
        mode: KeyMode,
        start: Position,
        seeds: list[str],
        steps: int,
        settings: ClimbSettings,
        until: float | None,
    ) -> None:
        """Start one epoch per helper from `start`, one seed each."""
        for feeder in self._feeders:
            feeder.join()
        for child, seed in zip(self._children, seeds, strict=True):
            assert child.stdin is not None
            request = EpochRequest(
                mode, start.keys, start.scored, start.solution, seed, steps,
                settings, until,
            )  # fmt: skip
            # a helper that died is found missing by `collect`
            with contextlib.suppress(OSError):
                _send(child.stdin, request)

    def collect(self, start: Position, timeout: float) -> list[EpochResult] | None:
        """The helpers' epochs in order; None when one failed or timed out."""
        results: list[EpochResult] = []
        deadline = time.monotonic() + timeout
        try:
            for child in self._children:
                assert child.stdout is not None
                left = max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([child.stdout], [], [], left)
                if not ready:
                    return None
                reply: EpochReply = _receive(child.stdout)
                position = (
                    start
                    if reply.solution is None
                    else Position(reply.keys, reply.scored, reply.solution)
                )
                results.append(EpochResult(position, reply.tried, reply.accepted))
        except (EOFError, OSError, pickle.UnpicklingError):
            return None  # a helper lost is work lost, not the solve
        return results

    def close(self) -> None:
        """End the helpers at once (their work in flight is not needed)."""
        for child in self._children:
            child.kill()
        for child in self._children:
            child.wait()
            for pipe in (child.stdin, child.stdout):
                if pipe is not None:
                    # unsent bytes to a dead helper: closing would flush them
                    with contextlib.suppress(OSError):
                        pipe.close()
        self._children = []


if __name__ == "__main__":
    # through the package's module, so that replies pickle under its name
    from mtosched.heuristic.climb import serve as serve_in_package

    serve_in_package(sys.stdin.buffer, sys.stdout.buffer)
