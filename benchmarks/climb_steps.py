#!/usr/bin/env python3
"""One key-search stream at a fixed number of steps: the best schedule's value.

No team and no clock, so that the result depends only on the plant, the
seed and the settings, not on the machine's load: the way to compare
climb settings (`ClimbSettings` fields as NAME=VALUE).

    python benchmarks/climb_steps.py PLANT.json 1500 0 blocker_share=0.0
"""

from __future__ import annotations

import argparse
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

from mtosched import build_problem, load_scenario
from mtosched.heuristic.climb import ClimbSettings
from mtosched.heuristic.portfolio import best_dispatch
from mtosched.verify.evaluate import order_outcomes, term_values


def settings_from(pairs: list[str]) -> ClimbSettings:
    """ClimbSettings with each NAME=VALUE applied, typed like the default."""
    defaults = ClimbSettings()
    known = {f.name for f in fields(ClimbSettings)}
    values: dict[str, Any] = {}
    for pair in pairs:
        name, _, text = pair.partition("=")
        if name not in known:
            raise SystemExit(f"{pair}: NAME must be one of {', '.join(sorted(known))}")
        default = getattr(defaults, name)
        if isinstance(default, bool):
            values[name] = text.lower() in ("1", "true")
        elif default is None:
            values[name] = float(text)
        else:
            values[name] = type(default)(text)
    return ClimbSettings(**values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plant", type=Path)
    parser.add_argument("steps", type=int)
    parser.add_argument("seed", type=int)
    parser.add_argument("settings", nargs="*", metavar="NAME=VALUE")
    args = parser.parse_args()
    problem = build_problem(load_scenario(args.plant))
    began = time.process_time()
    result = best_dispatch(
        problem, seed=args.seed, steps=args.steps, settings=settings_from(args.settings)
    )
    outcomes = order_outcomes(problem, result.solution)
    value = term_values(problem, result.solution, outcomes, problem.objective)[0]
    cpu = time.process_time() - began
    print(
        f"{args.plant.stem} steps={args.steps} seed={args.seed} "
        f"{' '.join(args.settings)}: {value} (cpu {cpu:.1f} s, kept {result.accepted})"
    )


if __name__ == "__main__":
    main()
