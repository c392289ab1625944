"""Run the `mtosched` CLI in a child process that reports its own peak memory.

Shared by the benchmark scripts, so that each solve's memory is its own.
"""

from __future__ import annotations

import subprocess
import sys
import time

#: Runs the CLI and prints its peak memory on stderr when it exits: its own
#: plus the largest of its children's (the key search's helper processes,
#: which run alongside it), an upper bound of what the run held at once.
_MEASURED = (
    "import resource, runpy, sys\n"
    "sys.argv = ['mtosched', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('mtosched', run_name='__main__')\n"
    "finally:\n"
    "    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "    print(f'peak-kb={own + helpers}', file=sys.stderr)\n"
)


def run_measured(arguments: list[str]) -> tuple[float, float, str]:
    """Seconds, peak MB and stdout of one CLI run; exits unless it returns 0."""
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURED, *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{arguments[0]} failed ({result.returncode}): {result.stderr}"
        )
    peak = next(
        int(line.split("=")[1])
        for line in result.stderr.splitlines()
        if line.startswith("peak-kb=")
    )
    return time.monotonic() - began, peak / 1024, result.stdout
