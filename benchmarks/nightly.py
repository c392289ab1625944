#!/usr/bin/env python3
"""One simulated night of rescheduling: how much moves, and what it costs.

Solves a plant for Monday, lets a day pass as the plan said (what ended is
`done`, what is under way is `running`, stock and set-ups follow), adds two
urgent orders and a machine breakdown after the frozen horizon, and then
reschedules Tuesday three ways with the same time limit:

- fresh: no previous plan (what a planner gets without the nightly loop);
- warm: `--previous` and `--freeze`, but `--no-stability`;
- stable: `--previous`, `--freeze` and the `stability` term.

Every Tuesday schedule is verified by the independent checker (frozen work
included for warm and stable) and compared with Monday's plan: operations
moved (other machine, or start shifted), frozen operations untouched,
weighted tardiness, late orders, time and peak memory (each solve runs in
its own process so that memory is its own).

How far stable stays from fresh depends on Monday's plan (one that left an
order late which Tuesday's search puts right costs stable more), so judge it
over several: `--monday-seed` solves another one.

Example:
    python benchmarks/nightly.py benchmarks/data/plant-150x5-all.json \
        --time-limit 60 --freeze 8 --monday-seed 1 --runs fresh stable
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from measured import run_measured

from mtosched import build_problem, check, load_scenario, previous_plan, read_schedule
from mtosched.diff import diff_schedules
from mtosched.schedule import Schedule


def next_morning(
    data: dict[str, Any],
    plan: Schedule,
    hours: float,
    families: dict[tuple[str, str], str],
) -> dict[str, Any]:
    """Tomorrow's scenario as an ERP would export it after the plan was followed."""
    now = plan.start + timedelta(hours=hours)
    tomorrow = copy.deepcopy(data)
    tomorrow["start"] = now.isoformat()
    orders = {o["id"]: o for o in tomorrow["orders"]}
    consumed: dict[str, int] = {}
    uses = _consumption(data)
    last_on: dict[str, tuple[Any, str]] = {}
    for op in plan.operations:
        if op.start >= now:
            continue
        order = orders[op.order]
        progress = order.setdefault("progress", {})
        if op.end <= now:
            progress[op.operation] = {"state": "done"}
        else:
            progress[op.operation] = {
                "state": "running",
                "machine": op.machine,
                "started": op.start.isoformat(),
            }
        for material, per_unit in uses.get(
            (order.get("product"), op.operation), {}
        ).items():
            consumed[material] = consumed.get(material, 0) + per_unit * order.get(
                "quantity", 1
            )
        family = families.get((op.order, op.operation))
        if family is not None and (
            op.machine not in last_on or last_on[op.machine][0] < op.end
        ):
            last_on[op.machine] = (op.end, family)
    for machine in tomorrow["machines"]:
        if machine.get("changeovers") and machine["id"] in last_on:
            machine["initial_family"] = last_on[machine["id"]][1]
    for material in tomorrow.get("materials", []):
        arrived = [r for r in material.get("receipts", []) if _instant(r["at"]) <= now]
        material["receipts"] = [
            r for r in material.get("receipts", []) if r not in arrived
        ]
        material["on_hand"] = (
            material.get("on_hand", 0)
            + sum(r["quantity"] for r in arrived)
            - consumed.get(material["id"], 0)
        )
    return tomorrow


def _instant(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _consumption(data: dict[str, Any]) -> dict[tuple[Any, str], dict[str, int]]:
    """Material per unit by (product, operation), as the routings declare it."""
    return {
        (product["id"], op["id"]): op.get("consumes", {})
        for product in data.get("products", [])
        for op in product["routing"]
    }


def urgent_orders(data: dict[str, Any], now: Any, count: int) -> list[dict[str, Any]]:
    """Copies of existing orders, confirmed overnight, due within two days."""
    fresh = []
    for k, model in enumerate(data["orders"][:count]):
        order = {key: value for key, value in model.items() if key != "progress"}
        order["id"] = f"RUSH-{k + 1}"
        order["released"] = now.isoformat()
        order["due"] = (now + timedelta(days=2)).isoformat()
        order["priority"] = 5
        fresh.append(order)
    return fresh


def solve_in_child(
    files: list[Path], out: Path, extra: list[str], limit: float
) -> dict[str, float]:
    """`mtosched schedule` in its own process: seconds and its peak memory (MB)."""
    seconds, peak, _ = run_measured(
        ["schedule", *map(str, files), *extra, "--time-limit", str(limit),
         "--workers", "2", "-q", "-o", str(out)]
    )  # fmt: skip
    return {"seconds": seconds, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--freeze", type=float, default=8.0)
    parser.add_argument("--hours", type=float, default=24.0, help="the day that passes")
    parser.add_argument("--keep", type=Path, help="folder to keep the files in")
    parser.add_argument(
        "--monday", type=Path, help="reuse this Monday plan instead of solving one"
    )
    parser.add_argument(
        "--runs",
        nargs="+",
        choices=["fresh", "warm", "stable"],
        default=["fresh", "warm", "stable"],
        help="which Tuesday runs to make",
    )
    parser.add_argument("--seed", type=int, default=0, help="the Tuesday solves' seed")
    parser.add_argument(
        "--monday-seed",
        type=int,
        default=0,
        help="the Monday solve's seed (each gives another plan to reschedule)",
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="mtosched-nightly-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = json.loads(args.scenario.read_text())

    monday_plan = folder / "monday-plan.json"
    if args.monday is not None:
        monday_plan.write_text(args.monday.read_text())
    else:
        solve_in_child(
            [args.scenario],
            monday_plan,
            ["--seed", str(args.monday_seed)],
            args.time_limit,
        )
    monday = read_schedule(monday_plan)
    problem = build_problem(load_scenario(args.scenario))
    families = {
        (problem.orders[task.order].id, task.operation): task.family
        for task in problem.tasks
        if task.family is not None
    }
    tuesday = next_morning(data, monday, args.hours, families)
    now = monday.start + timedelta(hours=args.hours)
    tuesday["orders"].extend(urgent_orders(data, now, 2))
    busiest = max(monday.kpis.machine_utilization.items(), key=lambda kv: kv[1])[0]
    down_from = now + timedelta(hours=args.freeze + 2)
    overlay = {
        "downtime": [
            {
                "machine": busiest,
                "from": down_from.isoformat(),
                "to": (down_from + timedelta(hours=6)).isoformat(),
                "reason": "simulated breakdown",
            }
        ]
    }
    files = [folder / "tuesday.json", folder / "breakdown.json"]
    files[0].write_text(json.dumps(tuesday, indent=1))
    files[1].write_text(json.dumps(overlay, indent=1))
    reference = ["--previous", str(monday_plan), "--freeze", str(args.freeze)]
    runs = {
        "fresh": [],
        "warm (no stability)": [*reference, "--no-stability"],
        "stable": reference,
    }
    scenario = load_scenario(*files)
    frozen_plan = previous_plan(monday_plan, freeze_hours=args.freeze)
    frozen_problem = build_problem(scenario, previous=frozen_plan)
    frozen_keys = {
        (frozen_problem.orders[t.order].id, t.operation)
        for t in frozen_problem.tasks
        if t.frozen
    }
    print(
        f"{args.scenario.name}: {len(monday.operations)} operations on Monday; "
        f"Tuesday {len(frozen_problem.tasks)} to place, {len(frozen_keys)} frozen, "
        f"{busiest} down {down_from:%a %H:%M} for 6 h; limit {args.time_limit:g} s\n"
    )
    print("| run | weighted tardiness | late orders | moved ops (of shared) "
          "| frozen kept | check | seconds | peak MB |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for label, extra in runs.items():
        if label.split()[0] not in args.runs:
            continue
        extra = [*extra, "--seed", str(args.seed)]
        out = folder / f"tuesday-{label.split()[0]}.json"
        cost = solve_in_child(files, out, extra, args.time_limit)
        plan = read_schedule(out)
        if "--previous" in extra:
            verdict = check(scenario, plan, previous=frozen_plan)
        else:
            verdict = check(scenario, plan)
        changes = diff_schedules(monday, plan)
        placed = {(op.order, op.operation): op for op in plan.operations}
        before = {(op.order, op.operation): op for op in monday.operations}
        kept = sum(
            1
            for key in frozen_keys
            if (placed[key].machine, placed[key].start)
            == (before[key].machine, before[key].start)
        )
        print(
            f"| {label} | {plan.kpis.weighted_tardiness} | {plan.kpis.late_orders} | "
            f"{changes.counts.moved} (of {changes.counts.operations_compared}) | "
            f"{kept}/{len(frozen_keys)} | {'ok' if verdict.ok else 'FAILED'} | "
            f"{cost['seconds']:.1f} | {cost['peak_mb']:.0f} |"
        )
    print(f"\nfiles in {folder}")


if __name__ == "__main__":
    main()
