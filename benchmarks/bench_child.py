#!/usr/bin/env python3
"""One solve in its own process, so that its peak memory is its own.

`benchmarks/run.py` starts this script once per instance and solver:

    python benchmarks/bench_child.py mtosched scenario.json result.json \
        --time-limit 10 --workers 2 --seed 0
    python benchmarks/bench_child.py pyjobshop shop.json result.json ...

It writes `result.json`: status, seconds (building and solving, without the
interpreter's start), peak_mb (this process's maximum resident set, the
solver's worker threads included), and an error message when the solve
raised. mtosched solves through its public API (`load_scenario`, `solve`,
`SolveParams`) and writes the schedule beside the result
(`result.schedule.json`) for the runner to check; the peer's result holds
its placements (see `bench_peer.solve_shop`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def schedule_path(result: Path) -> Path:
    """Where the mtosched child writes the schedule of `result`."""
    return result.with_suffix(".schedule.json")


def solve_mtosched(
    scenario: Path, result: Path, *, time_limit: float, workers: int, seed: int
) -> dict[str, Any]:
    """Solve a scenario file with mtosched's public API; write the schedule."""
    from mtosched import (
        InfeasibleError,
        NoScheduleFoundError,
        SolveParams,
        load_scenario,
        solve,
    )
    from mtosched.export import export_schedule

    # `solve` imports OR-Tools on first use (about a second); the peer's
    # child has it imported before its clock starts, so this one does too.
    importlib.import_module("mtosched.cpsat")
    loaded = load_scenario(scenario)
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)
    began = time.monotonic()
    try:
        schedule = solve(loaded, params)
    except InfeasibleError as exc:
        return {"status": "infeasible", "error": str(exc)}
    except NoScheduleFoundError as exc:
        return {"status": "no schedule", "error": str(exc)}
    seconds = time.monotonic() - began
    export_schedule(schedule, schedule_path(result))
    return {"status": schedule.status, "seconds": seconds}


def solve_peer(
    shop: Path, *, time_limit: float, workers: int, seed: int
) -> dict[str, Any]:
    """Solve a shop file (see `bench_peer`) with PyJobShop."""
    from bench_peer import solve_shop

    data = json.loads(shop.read_text(encoding="utf-8"))
    return solve_shop(data, time_limit=time_limit, workers=workers, seed=seed)


def main(argv: list[str] | None = None) -> int:
    """Run one solve and write its result file; the exit code is always 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("solver", choices=["mtosched", "pyjobshop"])
    parser.add_argument("input", type=Path)
    parser.add_argument("result", type=Path)
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    limits = {"time_limit": args.time_limit, "workers": args.workers, "seed": args.seed}
    try:
        if args.solver == "mtosched":
            outcome = solve_mtosched(args.input, args.result, **limits)
        else:
            outcome = solve_peer(args.input, **limits)
    except Exception as exc:  # reported in the table's row, not as a traceback
        outcome = {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    args.result.write_text(json.dumps(outcome), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
