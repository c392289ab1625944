#!/usr/bin/env python3
"""The climb inside last night's plan at a fixed step count, without the clock.

Takes a folder kept by `nightly.py --keep` (tuesday.json, breakdown.json,
monday-plan.json), compiles Tuesday against Monday's plan with an 8-hour
freeze, runs the dispatch portfolio and one stream of the key search for
STEPS steps, and prints the weighted tardiness and how many planned
operations moved. For comparing climb settings on the nightly problem.

    python benchmarks/night_climb.py /tmp/night 800 0 restore_share=0.5
"""

from __future__ import annotations

import argparse
from dataclasses import fields, replace
from pathlib import Path

from mtosched import build_problem, load_scenario, previous_plan
from mtosched.heuristic.climb import ClimbSettings
from mtosched.heuristic.portfolio import best_dispatch
from mtosched.verify.evaluate import evaluate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("steps", type=int)
    parser.add_argument("seed", type=int)
    parser.add_argument("settings", nargs="*", metavar="NAME=VALUE")
    args = parser.parse_args()
    settings = ClimbSettings()
    types = {f.name: type(getattr(settings, f.name)) for f in fields(settings)}
    for item in args.settings:
        name, value = item.split("=", 1)
        settings = replace(settings, **{name: types[name](value)})
    scenario = load_scenario(
        args.folder / "tuesday.json", args.folder / "breakdown.json"
    )
    plan = previous_plan(args.folder / "monday-plan.json", freeze_hours=8)
    problem = build_problem(scenario, previous=plan)
    assert problem.baseline is not None
    planned = problem.baseline.planned
    result = best_dispatch(problem, seed=args.seed, steps=args.steps, settings=settings)
    terms = evaluate(problem, result.solution).terms
    moved = sum(
        1
        for t, slot in planned.items()
        if (result.solution.placements[t].machine, result.solution.placements[t].start)
        != (slot.machine, slot.start)
    )
    print(
        f"steps={args.steps} seed={args.seed} {' '.join(args.settings)}: "
        f"weighted tardiness {terms['weighted_tardiness']}, "
        f"moved {moved} of {len(planned)}, stability {terms.get('stability')}"
    )


if __name__ == "__main__":
    main()
