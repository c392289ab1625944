"""Sweep and portfolio benchmark: what Dask buys on this machine, and beyond.

    python benchmarks/sweep.py /work/shared/benchmarks/plants/all-150.json \
        --time-limit 10 --workers 2

1. Eight variants of the plant (the base and seven one-machine breakdowns),
   each solved with one CP-SAT worker: one after another in this process,
   then as a sweep on a LocalCluster of `--workers` processes (wall time
   with and without starting the cluster).
2. Overhead per task: no-op tasks through the same client, and the gap
   between a tiny cell's wall time and its solve time.
3. Portfolio estimate: the plant with `--seeds` seeds at one worker each;
   the expected best weighted tardiness of N of them (N = 2, 4, 8, 16),
   by resampling with replacement.

Prints Markdown for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path

from distributed import Client, LocalCluster

from mtosched import SolveParams, load_scenario, solve, sweep
from mtosched.scenario import Scenario, parse_scenario_text
from mtosched.sweep import apply_overlay

TINY = Path(__file__).resolve().parent.parent / "instances/configurable-options.json"


def breakdowns(base: Scenario, count: int) -> dict[str, Scenario]:
    """One overlay per machine (the first `count`): down for the first 24 h."""
    assert base.start is not None
    start = base.start
    overlays = {}
    for machine in base.machines[:count]:
        text = json.dumps(
            {
                "downtime": [
                    {
                        "machine": machine.id,
                        "from": start.isoformat(),
                        "to": (start + timedelta(days=1)).isoformat(),
                    }
                ]
            }
        )
        overlays[f"{machine.id}-down"] = parse_scenario_text(text, machine.id)
    return overlays


def noop(value: int) -> int:
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    base = load_scenario(args.scenario)
    overlays = breakdowns(base, 7)
    params = SolveParams(time_limit=args.time_limit, workers=1)

    began = time.monotonic()
    serial = {"base": solve(base, params)}
    for name, overlay in overlays.items():
        serial[name] = solve(apply_overlay(base, overlay), params)
    serial_seconds = time.monotonic() - began

    began = time.monotonic()
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        started = time.monotonic() - began
        swept = sweep(base, overlays, params, client=client)
        swept_seconds = time.monotonic() - began

        tasks = 200
        t0 = time.monotonic()
        client.gather(client.map(noop, range(tasks), pure=False))
        noop_ms = (time.monotonic() - t0) / tasks * 1000

        t0 = time.monotonic()
        tiny = sweep(TINY, {}, SolveParams(time_limit=2), seeds=range(8), client=client)
        tiny_wall = time.monotonic() - t0
        tiny_solve = sum(row.seconds for row in tiny.rows)

        portfolio = sweep(base, {}, params, seeds=range(args.seeds), client=client)

    print(f"### {args.scenario.name}: 8 variants at {args.time_limit:g} s, workers=1\n")
    print("| run | wall s | note |\n| --- | ---: | --- |")
    print(f"| one after another | {serial_seconds:.1f} | in one process |")
    print(
        f"| LocalCluster, {args.workers} processes | {swept_seconds:.1f} | "
        f"{started:.1f} s of it starting the cluster |"
    )
    print("\n| variant | serial weighted tardiness | sweep weighted tardiness |")
    print("| --- | ---: | ---: |")
    for row in swept.rows:
        print(
            f"| {row.variant} | {serial[row.variant].kpis.weighted_tardiness} | "
            f"{row.kpis.get('weighted_tardiness')} |"
        )
    overhead = tiny_wall * args.workers / len(tiny.rows) - tiny_solve / len(tiny.rows)
    print(
        f"\nOverhead: a no-op task round trip {noop_ms:.1f} ms ({tasks} tasks); "
        f"a tiny cell (configurable-options, {len(tiny.rows)} cells) spends "
        f"{overhead:.2f} s beyond its solve's own time per cell "
        "(result transfer, rows and summaries)."
    )

    values = [int(r.kpis["weighted_tardiness"]) for r in portfolio.rows if r.ok]
    print(
        f"\n### Portfolio estimate: {len(values)} seeds at workers=1, "
        f"{args.time_limit:g} s\n\nweighted tardiness per seed: "
        f"{', '.join(map(str, values))} (mean {statistics.mean(values):.0f}, "
        f"sd {statistics.pstdev(values):.0f})\n"
    )
    rng = random.Random(0)
    print("| members N | expected best of N | vs one solve |\n| ---: | ---: | ---: |")
    mean = statistics.mean(values)
    for n in (1, 2, 4, 8, 16):
        best = statistics.mean(min(rng.choices(values, k=n)) for _ in range(20_000))
        print(f"| {n} | {best:.0f} | {best / mean - 1:+.1%} |")


if __name__ == "__main__":
    main()
