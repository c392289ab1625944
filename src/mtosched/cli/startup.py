"""Ctrl-C while the command line starts: exit 130, one line, no traceback.

Importing the commands takes about a second (pydantic, OR-Tools, Dask).
Python's KeyboardInterrupt there printed a traceback, and one raised in a
weakref callback of the import machinery was only reported ("Exception
ignored") while the run went on to solve (issue 16). So while `app.py`
imports, SIGINT ends the process at once: nothing is open or written yet.
The standard library only, so that this is in place within milliseconds.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn

#: Ctrl-C outside a solve, as a shell reports SIGINT (`common` re-exports it).
EXIT_INTERRUPTED = 130


@contextmanager
def interrupt_ends_process() -> Iterator[None]:
    """Inside, SIGINT writes "interrupted" and exits 130 at once.

    Only over Python's own handler, in the main thread: a run started with
    SIGINT ignored (`&` in a script) keeps ignoring it, and an importer with
    a handler of its own keeps that. Python's comes back on leaving.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    signal.signal(signal.SIGINT, _exit_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def interrupted() -> NoReturn:
    """A KeyboardInterrupt that reached an entry point: one line and 130.

    A second Ctrl-C while exiting is ignored, so it cannot print a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("interrupted", file=sys.stderr)
    raise SystemExit(EXIT_INTERRUPTED)


def _exit_now(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"interrupted\n")
    os._exit(EXIT_INTERRUPTED)
