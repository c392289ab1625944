"""Ctrl-C and SIGTERM during a solve: stop soon, keep the best schedule.

The solve runs in a worker thread so that the main thread stays free to
take signals at once (a signal handler only runs between Python bytecodes
of the main thread, never while it waits inside CP-SAT). The first SIGINT
or SIGTERM asks the solve to stop, which ends the CP-SAT call under way;
the command then writes the best schedule and exits 130 or 143. A second
signal, or a solve that has no schedule to hand over within
`GRACE_SECONDS`, gives up, writing nothing.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

from mtosched.params import StopRequest

T = TypeVar("T")

#: Exit codes after an interrupted solve, as a shell reports the signal.
EXIT_CODES = {"SIGINT": 130, "SIGTERM": 143}
#: Seconds a stopped solve may take to hand over its best schedule. Past
#: them (a signal while a huge file is still being compiled, before any
#: schedule exists) the command gives up and writes nothing.
GRACE_SECONDS = 5.0


@contextmanager
def _signals_to(stop: StopRequest) -> Iterator[None]:
    """Route SIGINT and SIGTERM to `stop` while inside."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.requested:
            raise KeyboardInterrupt  # the second signal: give up now
        stop.request(signal.Signals(signum).name)

    kept = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, previous in kept.items():
            signal.signal(sig, previous)


def run_stoppable(call: Callable[[StopRequest], T]) -> tuple[T, StopRequest]:
    """Run `call(stop)` in a worker thread; signals set `stop` meanwhile.

    Returns the call's result and the stop request (its `reason` names the
    signal, None when none came). Exceptions of the call are raised here.
    """
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        return call(stop), stop  # signals only reach the main thread
    outcome: list[T] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcome.append(call(stop))
        except BaseException as exc:  # handed to the main thread
            failure.append(exc)

    worker = threading.Thread(target=work, name="mtosched-solve", daemon=True)
    with _signals_to(stop):
        worker.start()
        stopped_at: float | None = None
        while worker.is_alive():
            worker.join(0.1)
            if stop.requested and stopped_at is None:
                stopped_at = time.monotonic()
            if stopped_at is not None and time.monotonic() - stopped_at > GRACE_SECONDS:
                raise KeyboardInterrupt  # the daemon worker ends with the process
    if failure:
        raise failure[0]
    return outcome[0], stop
