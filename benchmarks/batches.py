#!/usr/bin/env python3
"""Batch machines and transfer lots on a training plant, each against without.

Issue 19 asks three measurements, all on `shifts-60` (its furnace HEAT-1 is
the bottleneck of hardened parts), over several seeds, each solve in its
own process through the CLI:

* **batches**: HEAT-1 as a batch machine (capacity 4 operations; its work
  has no family, so any four may share a load, as one recipe) against
  HEAT-1 one operation at a time (what tools without batches must do), and
  against the list schedule alone (earliest due date, no search): weighted
  tardiness, the furnace's utilization and its loads;
* **transfer lots**: every order's quantity drawn from 5 to 20, with
  `transfer_quantity: 1` on every operation that may take it (not on
  HEAT-1, nor where a wait is set), against none: mean lead time (release
  or start to completion) and weighted tardiness;
* **cost**: the seconds and list-schedule runs of each, from the solve's
  time account;
* **join or wait for full loads**: the list schedule's own rule (an
  operation joins an open load with room, else starts one) against holding
  every load until it is full (`mtosched.heuristic.loads`), both as list
  schedules alone, at several furnace capacities (`--policies` prints only
  this table; it solves nothing).

    python benchmarks/batches.py --seeds 0 1 2 --time-limit 30
    python benchmarks/batches.py --policies --capacities 2 4 8
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import tempfile
from pathlib import Path
from typing import Any

from measured import run_measured

from mtosched import build_problem, load_scenario
from mtosched.heuristic.dispatch import dispatch
from mtosched.heuristic.loads import full_load_holds
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.verify.check import check
from mtosched.verify.evaluate import evaluate

PLANTS = Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/plants"
FURNACE = "HEAT-1"


def with_batch_furnace(plant: dict[str, Any], capacity: int) -> dict[str, Any]:
    """The plant with its furnace as a batch machine of `capacity` operations."""
    changed = copy.deepcopy(plant)
    for machine in changed["machines"]:
        if machine["id"] == FURNACE:
            machine["batch"] = {"capacity": capacity, "size": "operations"}
    return changed


def with_lots(plant: dict[str, Any], transfer: bool, seed: int = 19) -> dict[str, Any]:
    """Quantities of 5 to 20, and lots of one unit where the contract allows."""
    changed = copy.deepcopy(plant)
    rng = random.Random(seed)
    for order in changed["orders"]:
        order["quantity"] = rng.randint(5, 20)
    if transfer:
        for product in changed["products"]:
            for k, op in enumerate(product["routing"]):
                waits = "min_wait_minutes" in op or "max_wait_minutes" in op
                if k and FURNACE not in op["machines"] and not waits:
                    op["transfer_quantity"] = 1
    return changed


def solve(path: Path, seed: int, limit: float) -> dict[str, Any]:
    """One CLI solve, its JSON schedule and measurements."""
    written = path.with_suffix(f".seed{seed}.out.json")
    seconds, peak, stdout = run_measured(
        ["schedule", str(path), "--time-limit", str(limit), "--workers", "2",
         "--seed", str(seed), "-q", "--format", "json", "-o", str(written)]
    )  # fmt: skip
    data: dict[str, Any] = json.loads(written.read_text(encoding="utf-8"))
    data["report"] = json.loads(stdout)
    data["measured"] = {"seconds": round(seconds, 1), "peak_mb": round(peak)}
    return data


def furnace_load(schedule: dict[str, Any]) -> tuple[float, int, float]:
    """HEAT-1's utilization, its number of loads and operations per load."""
    ops = [op for op in schedule["operations"] if op["machine"] == FURNACE]
    loads = {op.get("batch") or f"{op['start']}" for op in ops}
    utilization = schedule["kpis"]["machine_utilization"].get(FURNACE, 0.0)
    return utilization, len(loads), len(ops) / max(1, len(loads))


def lead_time(schedule: dict[str, Any]) -> float:
    """Mean minutes from an order's release (or the plan's start) to completion."""
    from datetime import datetime

    start = datetime.fromisoformat(schedule["start"])
    spans = []
    for order in schedule["orders"]:
        released = datetime.fromisoformat(order.get("released") or schedule["start"])
        begin = max(released, start)
        completion = datetime.fromisoformat(order["completion"])
        spans.append((completion - begin).total_seconds() / 60)
    return statistics.mean(spans)


def list_schedule_alone(path: Path) -> tuple[int, bool]:
    """Weighted tardiness of the earliest-due-date list schedule, and its check."""
    problem = build_problem(load_scenario(path))
    solution = dispatch(problem)
    return evaluate(problem, solution).terms["weighted_tardiness"], check(
        problem, solution
    ).ok


def furnace_loads(problem: Problem, solution: Solution) -> tuple[int, int]:
    """The batch machines' loads and the operations on them."""
    on_batches = [
        place
        for place in solution.placements
        if problem.machines[place.machine].batches
    ]
    return len({(p.machine, p.start) for p in on_batches}), len(on_batches)


def policy_table(plant: dict[str, Any], capacities: list[int], folder: Path) -> None:
    """Join-or-start against waiting for full loads, list schedules alone."""
    print(
        "| capacity | policy | weighted tardiness | late orders | furnace loads "
        "| ops per load | furnace utilization | check |"
    )
    print("|" + "---|" * 8)
    for capacity in capacities:
        path = folder / f"policy-{capacity}.json"
        path.write_text(json.dumps(with_batch_furnace(plant, capacity)), "utf-8")
        problem = build_problem(load_scenario(path))
        joined = dispatch(problem)
        waited = dispatch(problem, holds=full_load_holds(problem, joined))
        for name, solution in (("join or start", joined), ("wait for full", waited)):
            report = check(problem, solution)
            assert report.evaluation is not None
            loads, ops = furnace_loads(problem, solution)
            late = sum(1 for o in report.evaluation.outcomes if o.lateness > 0)
            use = report.evaluation.utilization.get(FURNACE, 0.0)
            print(
                f"| {capacity} | {name} | "
                f"{report.evaluation.terms['weighted_tardiness']:,} | {late} | "
                f"{loads} | {ops / max(1, loads):.2f} | {use:.0%} | "
                f"{'ok' if report.ok else 'FAILED'} |",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plant", default="shifts-60")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--capacity", type=int, default=4)
    parser.add_argument("--policies", action="store_true")
    parser.add_argument("--capacities", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument(
        "--only", help="run only the variants whose name starts with this"
    )
    args = parser.parse_args()
    plant = json.loads((PLANTS / f"{args.plant}.json").read_text())
    if args.policies:
        with tempfile.TemporaryDirectory() as folder:
            policy_table(plant, args.capacities, Path(folder))
        return 0
    variants = {
        "furnace as batches": with_batch_furnace(plant, args.capacity),
        "furnace one at a time": plant,
        "no transfer lots (qty 5-20)": with_lots(plant, transfer=False),
        "transfer lots of 1 (qty 5-20)": with_lots(plant, transfer=True),
    }
    print(
        "| variant | list schedule alone (checked) | weighted tardiness per seed "
        "| median | furnace utilization | loads | ops per load | mean lead time h "
        "| s | list runs |"
    )
    print("|" + "---|" * 10)
    with tempfile.TemporaryDirectory() as folder:
        for name, scenario in variants.items():
            if args.only and not name.startswith(args.only):
                continue
            path = Path(folder) / f"{name.split()[0]}-{len(name)}.json"
            path.write_text(json.dumps(scenario), encoding="utf-8")
            alone, ok = list_schedule_alone(path)
            runs = [solve(path, seed, args.time_limit) for seed in args.seeds]
            values = [r["objective"]["weighted_tardiness"] for r in runs]
            median_run = sorted(
                runs, key=lambda r: r["objective"]["weighted_tardiness"]
            )[len(runs) // 2]
            use, loads, per_load = furnace_load(median_run)
            timing = median_run["solver"]["timing"]
            print(
                f"| {name} | {alone} ({'ok' if ok else 'FAILED'}) | "
                f"{' / '.join(map(str, values))} | {statistics.median(values):g} | "
                f"{use:.0%} | {loads} | {per_load:.2f} | "
                f"{lead_time(median_run) / 60:.1f} | "
                f"{median_run['measured']['seconds']} | {timing['dispatch_runs']} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
