#!/usr/bin/env python3
"""Scenario files over several seeds through the API, with search settings.

For comparing engine settings on a few plants: per file and seed the
first objective term, where the time went (dispatch, the whole-plant
pass, neighbourhood steps) and the median. `--term` replaces the
scenario's objective with one term (weighted tardiness alone is what the
PyJobShop comparison measures). Every schedule is checked.

    python benchmarks/seeds.py plant.json --time-limit 30 --seeds 0 1 2 \\
        --term weighted_tardiness --search relaxed_max_tasks=0
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from search_settings import add_search_option, search_params

from mtosched import SolveParams, build_problem, check, load_scenario, solve
from mtosched.scenario.fields import ObjectiveTerm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--term", help="solve for this objective term alone")
    add_search_option(parser)
    args = parser.parse_args()
    search = search_params(args.search, args.param)
    print("| file | seed | first term | dispatch s / runs | pass | steps (kept) |")
    print("|---|---:|---:|---|---|---|")
    for path in args.files:
        scenario = load_scenario(path)
        if args.term:
            terms: list[ObjectiveTerm] = [args.term]
            objective = scenario.objective.model_copy(update={"terms": terms})
            scenario = scenario.model_copy(update={"objective": objective})
        problem = build_problem(scenario)
        first = problem.objective[0]
        values = []
        for seed in args.seeds:
            params = SolveParams(
                time_limit=args.time_limit,
                workers=args.workers,
                seed=seed,
                search=search,
            )
            schedule = solve(problem, params)
            report = check(problem, schedule)
            if not report.ok:
                raise SystemExit(f"{path} seed {seed}: {report.violations[:3]}")
            value = schedule.objective[first]
            values.append(value)
            assert schedule.solver is not None and schedule.solver.timing is not None
            t = schedule.solver.timing
            relaxed = f"{t.relaxed_model}, {t.relaxed:.1f} s, {t.relaxed_kept} kept"
            print(
                f"| {path.stem} | {seed} | {value:,} | {t.dispatch:.1f} / "
                f"{t.dispatch_runs} | {relaxed} | {t.neighbourhood_steps} "
                f"({t.neighbourhood_accepted}) |",
                flush=True,
            )
        print(f"| {path.stem} | median | {statistics.median(values):,.0f} | | | |")


if __name__ == "__main__":
    main()
