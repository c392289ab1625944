"""A team of helper processes that climb alongside the parent, in epochs.

The climb is pure Python and holds one core. With more workers, helper
processes climb from the same position in epochs of a fixed number of
steps, each with its own random stream, and every epoch all go on from the
best of them (`streams.team_climb`). Epochs of fixed length keep a
seeded run repeatable (the clock only cuts it short).
"""

from __future__ import annotations

import contextlib
import pickle
import random
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, Any

from mtosched.heuristic.climb import (
    ClimbSettings,
    KeyMode,
    Position,
    Ranker,
    Scored,
    climb,
    schedule_maker,
    task_bases,
)
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution

#
# A helper is `python -m mtosched.heuristic.team`, talking over its standard streams:
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
        task_base=task_bases(problem, request.mode),
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
                [sys.executable, "-m", "mtosched.heuristic.team"],
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
    from mtosched.heuristic.team import serve as serve_in_package

    serve_in_package(sys.stdin.buffer, sys.stdout.buffer)
