#!/usr/bin/env python3
"""Tuesday's stable run over kept nightly folders, with search settings.

`nightly.py --keep FOLDER` leaves Monday's plan, Tuesday's scenario and the
breakdown in FOLDER. This solves the stable run (`--previous --freeze` with
the stability term) of each folder for each seed through the Python API,
in this process, one after the other, and prints weighted tardiness and
operations moved (as `nightly.py` counts them) per run and the medians.
`--search NAME=VALUE` tries an engine setting; `--stability-first` puts
the stability term first, to see how few moves a search finds when
lateness does not count; `--slack F` lets weighted tardiness give way by
the fraction F to the stability term (`objective.slack`).

    python benchmarks/nightly_stable.py RUNS/m0 RUNS/m1 RUNS/m2 --seeds 0 1 2 \
        --search dispatch_share=0.65
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import replace
from pathlib import Path

from search_settings import add_search_option, search_params

from mtosched import (
    SolveParams,
    build_problem,
    load_scenario,
    previous_plan,
    read_schedule,
    solve,
)
from mtosched.diff import diff_schedules
from mtosched.problem.model import Problem


def stability_first(problem: Problem) -> Problem:
    """The same problem with `stability` as its first objective term."""
    rest = tuple(t for t in problem.objective if t != "stability")
    return replace(problem, objective=("stability", *rest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="+", help="kept folders")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--freeze", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stability-first", action="store_true")
    parser.add_argument("--slack", type=float, default=0.0)
    add_search_option(parser)
    args = parser.parse_args()
    search = search_params(args.search, args.param)
    weighted: list[int] = []
    moved: list[int] = []
    print("| folder | seed | weighted tardiness | moved (of shared) | list schedules |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for folder in args.folders:
        monday_file = folder / "monday-plan.json"
        scenario = load_scenario(folder / "tuesday.json", folder / "breakdown.json")
        previous = previous_plan(monday_file, freeze_hours=args.freeze)
        problem = build_problem(scenario, previous=previous)
        if args.stability_first:
            problem = stability_first(problem)
        if args.slack:
            problem = replace(problem, slack={"weighted_tardiness": args.slack})
        monday = read_schedule(monday_file)
        for seed in args.seeds:
            params = SolveParams(
                time_limit=args.time_limit,
                workers=args.workers,
                seed=seed,
                search=search,
            )
            plan = solve(problem, params)
            counts = diff_schedules(monday, plan).counts
            timing = plan.solver.timing if plan.solver is not None else None
            runs = timing.dispatch_runs if timing is not None else "-"
            weighted.append(plan.kpis.weighted_tardiness)
            moved.append(counts.moved)
            print(
                f"| {folder.name} | {seed} | {plan.kpis.weighted_tardiness} | "
                f"{counts.moved} (of {counts.operations_compared}) | {runs} |",
                flush=True,
            )
    settings = " ".join(args.search) or "default"
    print(
        f"\nmedians: weighted tardiness {statistics.median(weighted):g}, "
        f"moved {statistics.median(moved):g} (settings: {settings}"
        f"{', stability first' if args.stability_first else ''}"
        f"{f', slack {args.slack:g}' if args.slack else ''})"
    )


if __name__ == "__main__":
    main()
