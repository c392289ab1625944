#!/usr/bin/env python3
"""Grow a plant scenario in time: its orders again, and again, weeks later.

For scale tests of a plant with every feature, larger than the training set
(`../shared/benchmarks/plants/all-600.json` has 3,645 operations). Copy c of
each order is released and due `c x --weeks` weeks later, with a new id and
without shop-floor progress; material receipts are copied the same way, so
the load per week and the supply per week stay as in the original (stock of
a material that cannot be bought grows with the copies). The machines,
calendars and products stay as they are.

Example (about 9,000 operations):
    python benchmarks/grow_plant.py ../shared/benchmarks/plants/all-600.json \
        --copies 2.5 --weeks 5 -o /tmp/all-1500.json
"""

from __future__ import annotations

import argparse
import copy
import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

_SHIFTED = ("released", "due", "deadline")


def _later(instant: str, days: int) -> str:
    return (datetime.fromisoformat(instant) + timedelta(days=days)).isoformat()


def grow(scenario: dict[str, Any], copies: float, weeks: int) -> dict[str, Any]:
    """The scenario with its orders and receipts repeated `copies` times."""
    grown = copy.deepcopy(scenario)
    originals = scenario["orders"]
    whole = math.floor(copies)
    wanted = round(copies * len(originals))
    for c in range(1, math.ceil(copies)):
        days = 7 * weeks * c
        batch = originals if c < whole else originals[: wanted - len(grown["orders"])]
        for order in batch:
            twin = {k: v for k, v in order.items() if k != "progress"}
            twin["id"] = f"{order['id']}-c{c}"
            for key in _SHIFTED:
                if key in twin:
                    twin[key] = _later(twin[key], days)
            grown["orders"].append(twin)
        for material, original in zip(
            grown.get("materials", []), scenario.get("materials", []), strict=True
        ):
            for receipt in original.get("receipts", []):
                material.setdefault("receipts", []).append(
                    {**receipt, "at": _later(receipt["at"], days)}
                )
    for material in grown.get("materials", []):
        if "lead_time_minutes" not in material and "on_hand" in material:
            # stock-only: without more of it the copies could never run
            material["on_hand"] = math.ceil(material["on_hand"] * copies)
    grown["name"] = f"{scenario.get('name', 'plant')} grown x{copies:g}"
    return grown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--copies", type=float, default=2.5)
    parser.add_argument("--weeks", type=int, default=5)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    scenario = json.loads(args.scenario.read_text(encoding="utf-8"))
    grown = grow(scenario, args.copies, args.weeks)
    args.output.write_text(json.dumps(grown, indent=1), encoding="utf-8")
    print(f"{args.output}: {len(grown['orders'])} orders")


if __name__ == "__main__":
    main()
