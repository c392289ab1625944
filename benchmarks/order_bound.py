"""A lower bound on weighted tardiness: every order alone in the plant.

An order cannot end earlier in the full plan than it can when it has the
whole plant to itself. So each confirmed order is solved alone, to proven
optimality where CP-SAT gets there (else its proven bound counts), with:

- the other orders gone, with their done and running work;
- no changeovers: alone, an operation would pay the changeover from the
  machine's first family, which in the full plan a same-family neighbour may
  spare it, so that would not be a bound;
- calendars, crews, materials, waits, alternatives and the order's own
  progress kept (the others only take capacity and stock away).

The sum over the orders bounds the weighted tardiness of every schedule,
which says how much of a gap to a target is the plant and how much is the
search.

    python benchmarks/order_bound.py PLANT.json [--time-limit 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from mtosched import SolveParams, solve
from mtosched.scenario import parse_scenario_text


def alone(data: dict[str, Any], order_id: str) -> dict[str, Any]:
    """The scenario with one order and no changeovers."""
    single = json.loads(json.dumps(data))
    single["orders"] = [o for o in data["orders"] if o["id"] == order_id]
    for machine in single["machines"]:
        machine.pop("changeovers", None)
        machine.pop("initial_family", None)
    single.pop("changeovers", None)
    single["objective"] = {"terms": ["weighted_tardiness"]}
    return single


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plant", type=Path)
    parser.add_argument("--time-limit", type=float, default=5.0)
    args = parser.parse_args()
    data = json.loads(args.plant.read_text())
    confirmed = [
        o for o in data["orders"] if o.get("status", "confirmed") == "confirmed"
    ]
    began = time.monotonic()
    total = 0
    proven = 0
    late = 0
    for order in confirmed:
        scenario = parse_scenario_text(
            json.dumps(alone(data, order["id"])), str(args.plant)
        )
        plan = solve(scenario, SolveParams(time_limit=args.time_limit, workers=1))
        value = plan.objective.get("weighted_tardiness", 0)
        bound = plan.bound.get("weighted_tardiness")
        if plan.status == "optimal":
            floor = int(value)
            proven += 1
        else:
            floor = int(bound) if bound is not None else 0
        total += floor
        late += floor > 0
    print(
        f"{args.plant.stem}: {len(confirmed)} orders, {late} late even alone, "
        f"lower bound {total} ({proven} proven optimal), "
        f"{time.monotonic() - began:.0f} s",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
