#!/usr/bin/env python3
"""A digest of the compiled `Problem` of every shipped scenario (issue 16).

Run it under two trees and compare: equal lines mean a change to loading or
compiling left what the solver sees untouched (tasks, modes, releases, due
dates, predecessors, calendars, horizon), and refusals read the same.

    PYTHONPATH=/path/to/old/src python benchmarks/problem_digest.py > old.txt
    python benchmarks/problem_digest.py > new.txt && diff old.txt new.txt

Extra scenario files (e.g. ones made by validate_scale.py) may follow.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from mtosched import build_problem, load_scenario
from mtosched.api import previous_plan
from mtosched.errors import InfeasibleError, InputError
from mtosched.problem import Problem

ROOT = Path(__file__).resolve().parent.parent
PLANTS = ROOT.parent / "shared" / "benchmarks" / "plants"
NIGHTLY = ROOT / "instances" / "nightly"


def fingerprint(problem: Problem) -> str:
    """Everything the solver reads of a problem, hashed."""
    parts = (
        problem.name,
        problem.timezone,
        problem.start,
        problem.machines,
        problem.orders,
        problem.tasks,
        problem.objective,
        problem.successors,
        sorted(problem.task_index.items()),
        problem.calendars,
        problem.resources,
        problem.materials,
        problem.changeovers,
        problem.horizon,
        problem.longest_step,
        problem.baseline,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def digest(files: list[Path], previous: Path | None = None) -> str:
    """The fingerprint of the files' problem, or the refusal's text."""
    plan = None if previous is None else previous_plan(previous, freeze_hours=8)
    try:
        problem = build_problem(load_scenario(*files), previous=plan)
    except (InputError, InfeasibleError) as exc:
        text = hashlib.sha256(str(exc).encode()).hexdigest()[:16]
        return f"{type(exc).__name__}: {text}"
    size = f"{len(problem.tasks)} tasks, horizon {problem.horizon}"
    return f"{size}: {fingerprint(problem)}"


def main() -> None:
    singles = [
        *sorted(PLANTS.glob("*.json")),
        *sorted((ROOT / "instances").glob("*.json")),
        *sorted((ROOT / "benchmarks" / "data").glob("*.json")),
        *(Path(arg) for arg in sys.argv[1:]),
    ]
    for path in singles:
        print(f"{path.name}: {digest([path])}", flush=True)
    monday = [NIGHTLY / "plant.json", NIGHTLY / "orders-monday.json"]
    print(f"nightly monday: {digest(monday)}")
    tuesday = [NIGHTLY / "plant.json", NIGHTLY / "orders-tuesday.json"]
    print(f"nightly tuesday: {digest(tuesday, NIGHTLY / 'monday-plan.json')}")
    down = [*tuesday, NIGHTLY / "weld-1-down.json"]
    print(f"nightly weld down: {digest(down, NIGHTLY / 'monday-plan.json')}")


if __name__ == "__main__":
    main()
