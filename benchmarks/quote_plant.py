#!/usr/bin/env python3
"""How long a quote takes on a large plant, and how good the promise is.

Takes a plant scenario, makes a new order from one of its orders (same
product and options, a new id, released now, requested in five days), and
runs `mtosched quote` twice with the same time limit: against a current plan
solved beforehand (`--schedule`), and with no plan given (the quote solves
one first, with part of its time). Prints the wall time, peak memory, the
promise, the proved lower bound and the gap.

Example:
    python benchmarks/quote_plant.py benchmarks/data/plant-150x5-all.json \
        --time-limit 60
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from measured import run_measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mtosched-quote-"))
    data = json.loads(args.scenario.read_text())
    start = datetime.fromisoformat(data["start"].replace("Z", "+00:00"))
    model = data["orders"][len(data["orders"]) // 2]
    order = {key: value for key, value in model.items() if key != "progress"}
    order.update(
        id="QUOTE-1",
        released=start.isoformat(),
        due=(start + timedelta(days=5)).isoformat(),
    )
    new = folder / "new-order.json"
    new.write_text(json.dumps({"orders": [order]}))
    current = folder / "current.json"
    limit = ["--time-limit", str(args.time_limit), "--workers", str(args.workers)]
    seconds, _, _ = run_measured(
        ["schedule", str(args.scenario), *limit, "-q", "-o", str(current)]
    )
    print(
        f"{args.scenario.name}: current plan solved in {seconds:.1f} s; quoting "
        f"{order['id']} (product {order.get('product')}, requested "
        f"{order['due']}) with a {args.time_limit:g} s limit\n"
    )
    print("| current plan | seconds | peak MB | promise | lower bound | gap | status |")
    print("| --- | ---: | ---: | --- | --- | ---: | --- |")
    for label, extra in (
        ("given (--schedule)", ["--schedule", str(current)]),
        ("solved by quote", []),
    ):
        seconds, peak, out = run_measured(
            [
                "quote",
                str(args.scenario),
                "--order",
                str(new),
                *extra,
                *limit,
                "--format",
                "json",
            ]
        )
        answer = json.loads(out)["candidates"][0]
        gap = answer["gap_minutes"]
        print(
            f"| {label} | {seconds:.1f} | {peak:.0f} | {answer['promise']} | "
            f"{answer['lower_bound']} | {gap // 60} h {gap % 60:02d} | "
            f"{answer['status']} |"
        )


if __name__ == "__main__":
    main()
