#!/usr/bin/env python3
"""Other plants of a training plant's family: mtosched against EDD on each.

The plants that judge the engine are kept aside: the same generator with
other seeds and sizes. This makes stand-ins from a training plant by seed:
each order without shop-floor progress is dropped with probability
`--drop`, a `--clone` share of orders is added as copies of such orders
(new id, release moved by up to a day either way, priority drawn 1-5),
and every due date without progress is redrawn around the original: its
slack after release is scaled by a factor drawn from [0.85, 1.15], the
generator's own noise being [0.8, 1.25]. Machines, calendars, materials
and routings stay as they are, so each variant is the same plant with
another order book.

For each variant it prints the weighted tardiness of mtosched's
earliest-due-date list schedule (which equals the textbook EDD of
`reference.csv` on all eight training plants, see `first_schedule.py`) and
of `mtosched schedule` at the plant's time limit (`plants.py`), per seed,
with the ratio of the median to EDD. Every schedule is checked by the CLI
before it is written.

    python benchmarks/variants.py all-150 all-300-dst --variants 1 2 --seeds 0
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from measured import run_measured
from plants import PLANTS, TARGETS

from mtosched import build_problem, check, load_scenario
from mtosched.heuristic.dispatch import dispatch
from mtosched.verify.evaluate import evaluate

#: How far a copied order's release moves, either way.
_RELEASE_JITTER = timedelta(days=1)
#: The range a due date's slack after release is scaled by.
_SLACK_FACTORS = (0.85, 1.15)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _redrawn_due(order: dict[str, Any], rng: random.Random) -> str:
    """The due date with its slack after release scaled by a drawn factor."""
    released, due = _instant(order["released"]), _instant(order["due"])
    factor = rng.uniform(*_SLACK_FACTORS)
    redrawn = released + (due - released) * factor
    if "deadline" in order:
        redrawn = min(redrawn, _instant(order["deadline"]))
    return redrawn.isoformat()


def variant(
    scenario: dict[str, Any], seed: int, drop: float, clone: float
) -> dict[str, Any]:
    """Another order book for the same plant, drawn by `seed`."""
    rng = random.Random(seed)
    result = copy.deepcopy(scenario)
    result["name"] = f"{scenario.get('name', 'plant')} (variant {seed})"
    movable = [o for o in scenario["orders"] if "progress" not in o]
    orders: list[dict[str, Any]] = []
    for original in scenario["orders"]:
        order = copy.deepcopy(original)
        if "progress" not in order:
            if rng.random() < drop:
                continue
            order["due"] = _redrawn_due(order, rng)
        orders.append(order)
    for number in range(round(clone * len(scenario["orders"]))):
        order = copy.deepcopy(rng.choice(movable))
        shift = _RELEASE_JITTER * rng.uniform(-1.0, 1.0)
        order["id"] = f"{order['id']}-V{seed}-{number}"
        order["released"] = (_instant(order["released"]) + shift).isoformat()
        order["due"] = (_instant(order["due"]) + shift).isoformat()
        order.pop("deadline", None)  # a copy keeps no hard promise
        order["due"] = _redrawn_due(order, rng)
        order["priority"] = rng.randint(1, 5)
        orders.append(order)
    result["orders"] = orders
    return result


def edd_value(path: Path) -> tuple[int, int, bool]:
    """Operations, the earliest-due-date schedule's weighted tardiness, checked."""
    problem = build_problem(load_scenario(path))
    schedule = dispatch(problem)
    value = evaluate(problem, schedule).terms["weighted_tardiness"]
    return len(problem.tasks), value, check(problem, schedule).ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plants", nargs="+", choices=list(TARGETS))
    parser.add_argument("--variants", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--drop", type=float, default=0.15)
    parser.add_argument("--clone", type=float, default=0.15)
    parser.add_argument("--keep", type=Path, help="folder for the variants")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="mtosched-variants-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(
        "| plant | variant | operations | EDD | mtosched per seed | median / EDD | "
        "target | wall s (max) | peak MB (max) |"
    )
    print("|" + "---|" * 9)
    for plant in args.plants:
        limit, target, label = TARGETS[plant]
        scenario = json.loads((PLANTS / f"{plant}.json").read_text(encoding="utf-8"))
        for number in args.variants:
            path = folder / f"{plant}-v{number}.json"
            data = variant(scenario, number, args.drop, args.clone)
            path.write_text(json.dumps(data, indent=1), encoding="utf-8")
            operations, edd, edd_ok = edd_value(path)
            values: list[int] = []
            walls: list[float] = []
            peaks: list[float] = []
            for seed in args.seeds:
                seconds, peak, stdout = run_measured(
                    ["schedule", str(path), "--time-limit", str(limit),
                     "--workers", "2", "--seed", str(seed), "-q", "--format", "json"]
                )  # fmt: skip
                values.append(json.loads(stdout)["objective"]["weighted_tardiness"])
                walls.append(seconds)
                peaks.append(peak)
            median = statistics.median(values)
            ratio = f"{median / edd:.3f}" if edd else "-"
            print(
                f"| {plant} | {number} | {operations} | {edd}"
                f"{'' if edd_ok else ' (EDD fails the check)'} | "
                f"{' / '.join(map(str, values))} | {ratio} | "
                f"{label if target is not None else '-'} | "
                f"{max(walls):.1f} | {max(peaks):.0f} |",
                flush=True,
            )
    print(f"\nvariants in {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
