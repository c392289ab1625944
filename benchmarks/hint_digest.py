#!/usr/bin/env python3
"""A digest of the makespan dispatch hint on classic instances.

Run it under two trees (PYTHONPATH=OTHER/src) and compare the output: equal
lines mean the solver starts from the same schedule, so a change elsewhere
did not touch the classic sets' starting point.

    PYTHONPATH=/path/to/old/src python benchmarks/hint_digest.py > old.txt
    python benchmarks/hint_digest.py > new.txt && diff old.txt new.txt
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

from mtosched import build_problem
from mtosched.heuristic.portfolio import best_dispatch
from mtosched.importers import read_fjsp, read_jsplib

CLASSICS = Path(__file__).resolve().parent.parent.parent / "shared/benchmarks"
INSTANCES = (
    [CLASSICS / "fjsp-brandimarte" / f"mk{k:02d}.txt" for k in range(1, 11)]
    + [CLASSICS / "jsplib/instances" / f"ta{k:02d}" for k in range(1, 11)]
    + [CLASSICS / "jsplib/instances" / f"la{k:02d}" for k in (1, 16, 21, 29, 36)]
)


def main() -> None:
    for path in INSTANCES:
        reader = read_fjsp if path.suffix == ".txt" else read_jsplib
        problem = build_problem(reader(path))
        options: dict[str, object] = {"seed": 0}
        if "time_limit" in inspect.signature(best_dispatch).parameters:
            options["time_limit"] = 60.0  # the release before issue 15
        else:
            from mtosched.heuristic.portfolio import steps_for

            # what the solver gives a makespan objective in a 60 s solve
            options["steps"] = min(200, steps_for(problem, 0.15 * 60.0, 1e-4))
        result = best_dispatch(problem, **options)  # type: ignore[arg-type]
        digest = hashlib.sha1(repr(result.solution.placements).encode()).hexdigest()
        makespan = max(p.end for p in result.solution.placements)
        print(path.name, digest[:10], makespan)


if __name__ == "__main__":
    main()
