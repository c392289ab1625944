"""Validate time and peak memory against the number of orders (issue 16).

Repeats the orders of a plant file, with fresh ids, up to each size, and
runs `mtosched validate` on the result in its own process (so peak memory
is the run's own):

    python benchmarks/validate_scale.py --sizes 1000 10000 50000 100000 250000

Prints one Markdown table row per size (append them to benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PLANT = Path(__file__).resolve().parent / "data" / "plant-40x5.json"


def scenario_of(plant: dict[str, Any], orders: int) -> dict[str, Any]:
    """The plant with its orders repeated, renamed, up to `orders`."""
    template = plant["orders"]
    repeated = []
    for i in range(orders):
        order = copy.copy(template[i % len(template)])
        order["id"] = f"BULK-{i}"
        repeated.append(order)
    return {**plant, "orders": repeated}


def measure(path: Path) -> tuple[float, float, int]:
    """Seconds and peak MB of `mtosched validate path`, and its exit code."""
    began = time.perf_counter()
    # A fresh child per size: RUSAGE_CHILDREN reports the largest child so far,
    # and sizes run in increasing order.
    result = subprocess.run(
        [sys.executable, "-m", "mtosched", "validate", str(path)],
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plant", type=Path, default=PLANT)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10000, 50000, 100000, 250000]
    )
    args = parser.parse_args()
    plant = json.loads(args.plant.read_text())
    print("| orders | file MB | validate s | peak MB | exit |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for size in sorted(args.sizes):
            path = Path(folder) / f"orders-{size}.json"
            path.write_text(json.dumps(scenario_of(plant, size)))
            megabytes = os.path.getsize(path) / 1e6
            seconds, peak, code = measure(path)
            print(
                f"| {size:,} | {megabytes:.1f} | {seconds:.1f} | {peak:.0f} | {code} |",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
