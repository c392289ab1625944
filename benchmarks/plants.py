#!/usr/bin/env python3
"""The training plants against textbook EDD, over several seeds, as a table.

Runs `mtosched schedule PLANT --time-limit T --workers 2 --seed S --format json`
on each plant of `../shared/benchmarks/plants/` at the time limit its target
names (issue 15), one process at a time, and prints a markdown table per
plant: weighted tardiness per seed, the median and spread, the ratio of the
median to the EDD column of `reference.csv` and to the target, the wall
time, peak memory and the time account of the median run.

    python benchmarks/plants.py --seeds 0 1 2 --keep /tmp/plants
    python benchmarks/plants.py --collect /tmp/plants   # tabulate kept runs

A plant of format 1.1 (batches) is left out until batches are read.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from measured import run_measured

PLANTS = Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/plants"

#: Plant -> (time limit s, target as a multiple of EDD or None, what it is).
TARGETS: dict[str, tuple[float, float | None, str]] = {
    "core-40": (30, None, "-"),
    "changeover-30": (30, None, "0.9x PyJobShop"),
    "shifts-60": (30, None, "0.9x PyJobShop"),
    "shifts-80-chicago": (30, None, "0.9x PyJobShop"),
    "all-150": (60, 0.5, "0.5x EDD"),
    "all-150-christmas": (60, 0.5, "0.5x EDD"),
    "all-300-dst": (120, 0.5, "0.5x EDD"),
    "all-600": (120, 0.7, "0.7x EDD, < 2 GB"),
}


def run(plant: str, seed: int, folder: Path) -> Path:
    """One solve in its own process; its report (with peak MB) is kept."""
    limit = TARGETS[plant][0]
    report = folder / f"{plant}-seed{seed}.report"
    seconds, peak, stdout = run_measured(
        ["schedule", str(PLANTS / f"{plant}.json"), "--time-limit", str(limit),
         "--workers", "2", "--seed", str(seed), "-q", "--format", "json"]
    )  # fmt: skip
    data = json.loads(stdout)
    data["measured"] = {"seconds": round(seconds, 2), "peak_mb": round(peak)}
    report.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return report


def edd_values() -> dict[str, int]:
    """The textbook EDD weighted tardiness per plant (reference.csv)."""
    with open(PLANTS / "reference.csv", encoding="utf-8") as handle:
        return {
            row["plant"]: int(row["edd_weighted_tardiness"])
            for row in csv.DictReader(handle)
        }


def table(folder: Path) -> list[str]:
    """The markdown table of every kept report in `folder`."""
    edd = edd_values()
    lines = [
        "| plant | limit s | EDD | seeds: weighted tardiness | median | "
        "spread | median / EDD | target | wall s (max) | peak MB (max) | "
        "dispatch s / runs | neighbourhood steps (kept) |",
        "|" + "---|" * 12,
    ]
    for plant, (limit, _, target) in TARGETS.items():
        runs = sorted(folder.glob(f"{plant}-seed*.report"))
        if not runs:
            continue
        reports: list[dict[str, Any]] = [json.loads(r.read_text()) for r in runs]
        values = [r["objective"]["weighted_tardiness"] for r in reports]
        median = statistics.median(values)
        middle = reports[values.index(sorted(values)[len(values) // 2])]
        timing = middle["solver"]["timing"]
        lines.append(
            f"| {plant} | {limit:g} | {edd[plant]} | "
            f"{' / '.join(str(v) for v in values)} | {median:g} | "
            f"{min(values)}..{max(values)} | {median / edd[plant]:.3f} | {target} | "
            f"{max(r['measured']['seconds'] for r in reports):.1f} | "
            f"{max(r['measured']['peak_mb'] for r in reports)} | "
            f"{timing['dispatch']:.1f} / {timing['dispatch_runs']} | "
            f"{timing['neighbourhood_steps']} ({timing['neighbourhood_accepted']}) |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--plants", nargs="+", default=list(TARGETS))
    parser.add_argument("--keep", type=Path, help="folder for the run reports")
    parser.add_argument("--collect", type=Path, help="only tabulate this folder")
    args = parser.parse_args()
    if args.collect is not None:
        print("\n".join(table(args.collect)))
        return 0
    folder = args.keep or Path(tempfile.mkdtemp(prefix="mtosched-plants-"))
    folder.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        for plant in args.plants:
            report = run(plant, seed, folder)
            print(f"{report.name} done", file=sys.stderr, flush=True)
    print("\n".join(table(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
