"""Scale benchmark: solve generated MTO plants and record quality, time, memory.

Run one instance per process so that peak memory is the instance's own:

    python benchmarks/scale.py benchmarks/data/plant-200x6.json --time-limit 30

Prints one Markdown table row (append it to benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from search_settings import add_search_option, search_params

from mtosched import SolveParams, build_problem, check, load_scenario, solve
from mtosched.heuristic.dispatch import dispatch
from mtosched.params import SolveProgress
from mtosched.verify.evaluate import evaluate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    add_search_option(parser)
    args = parser.parse_args()
    search = search_params(args.search, args.param)

    began = time.monotonic()
    problem = build_problem(load_scenario(args.scenario))
    compiled = time.monotonic() - began

    heuristic_began = time.monotonic()
    heuristic_evaluation = evaluate(problem, dispatch(problem))
    heuristic = heuristic_evaluation.terms
    heuristic_seconds = time.monotonic() - heuristic_began

    first_solution: list[float] = []

    def note(progress: SolveProgress) -> None:
        # the first report with a value: the portfolio's first feasible
        # schedule, or CP-SAT's when the dispatch rules miss a deadline;
        # counted from reading the file, without the reference dispatch run
        if not first_solution and progress.objective is not None:
            first_solution.append(compiled + time.monotonic() - solve_began)

    params = SolveParams(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        progress=note,
        search=search,
    )
    solve_began = time.monotonic()
    schedule = solve(problem, params)
    seconds = time.monotonic() - solve_began
    report = check(problem, schedule)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    term = problem.objective[0]
    value = schedule.objective[term]
    bound = schedule.bound.get(term)
    ratio = value / heuristic[term] if heuristic[term] else float("nan")
    print(
        "| instance | orders | ops | machines | term | dispatch | mtosched | "
        "vs dispatch | bound | late (dispatch → mtosched) | 2nd term | solve s | "
        "first feasible s | compile s | peak MB | check |"
    )
    print("|" + "---|" * 16)
    dispatch_late = sum(1 for r in heuristic_evaluation.outcomes if r.lateness > 0)
    second = (
        f"{problem.objective[1]} {heuristic[problem.objective[1]]} → "
        f"{schedule.objective[problem.objective[1]]}"
        if len(problem.objective) > 1
        else "-"
    )
    print(
        f"| {args.scenario.stem} ({search.calendar_encoding}, seed {args.seed}) | "
        f"{len(problem.orders)} | {len(problem.tasks)} | "
        f"{len(problem.machines)} | {term} | {heuristic[term]} | {value} | "
        f"{ratio:.3f} | {bound} | {dispatch_late} → {schedule.kpis.late_orders} | "
        f"{second} | {seconds:.1f} | "
        f"{first_solution[0] if first_solution else float('nan'):.2f} | "
        f"{compiled + heuristic_seconds:.2f} | {peak_mb:.0f} | "
        f"{'ok' if report.ok else 'FAILED'} |"
    )


if __name__ == "__main__":
    main()
