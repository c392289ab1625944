#!/usr/bin/env python3
"""The first schedule on each training plant: the rules alone, against EDD.

For each plant: the textbook EDD value (reference.csv), mtosched's
earliest-due-date list schedule, the best of the portfolio's rules (no key
search), and the seconds to compile the plant and place its first schedule.
Every schedule is checked by the independent checker.

    python benchmarks/first_schedule.py [EXTRA.json ...]
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from mtosched import build_problem, check, load_scenario
from mtosched.heuristic.dispatch import dispatch
from mtosched.heuristic.portfolio import best_dispatch
from mtosched.verify.evaluate import evaluate

PLANTS = Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/plants"


def main() -> int:
    with open(PLANTS / "reference.csv", encoding="utf-8") as handle:
        edd = {
            r["plant"]: int(r["edd_weighted_tardiness"]) for r in csv.DictReader(handle)
        }
    files = [PLANTS / f"{plant}.json" for plant in edd if plant != "batches-120"]
    files += [Path(extra) for extra in sys.argv[1:]]
    print(
        "| plant | operations | textbook EDD | mtosched EDD | best rule | "
        "best rule / EDD | rule | first schedule s | checked |"
    )
    print("|" + "---|" * 9)
    for path in files:
        began = time.monotonic()
        problem = build_problem(load_scenario(path))
        first = dispatch(problem)
        seconds = time.monotonic() - began
        ours = evaluate(problem, first).terms["weighted_tardiness"]
        rules = best_dispatch(problem, seed=0, steps=0)
        best = evaluate(problem, rules.solution).terms["weighted_tardiness"]
        ok = check(problem, first).ok and check(problem, rules.solution).ok
        textbook = edd.get(path.stem)
        ratio = f"{best / textbook:.3f}" if textbook else "-"
        print(
            f"| {path.stem} | {len(problem.tasks)} | {textbook or '-'} | {ours} | "
            f"{best} | {ratio} | {rules.rule} | {seconds:.1f} | {ok} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
