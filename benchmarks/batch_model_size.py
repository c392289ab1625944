#!/usr/bin/env python3
"""How large the whole-plant CP-SAT model grows with batch machines.

Builds the model (hinted with the list schedule, weighted tardiness posted)
for shifts-60 with HEAT-1 one at a time and as a batch machine of
capacity 4, and for oven plants of 50, 100 and 200 bakes (three recipes,
capacity 4, a prep step before each bake), and prints variables,
constraints and build seconds.

    python benchmarks/batch_model_size.py
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta
from typing import Any

from batches import PLANTS, with_batch_furnace

from mtosched import Scenario, build_problem
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.model import ScheduleModel
from mtosched.heuristic.dispatch import dispatch

START = datetime.fromisoformat("2026-12-07T06:00:00+00:00")


def oven_plant(bakes: int) -> dict[str, Any]:
    """`bakes` orders: prep (15 min) then a 60 min bake in a shared oven."""
    rng = random.Random(bakes)
    recipes = ["a", "b", "c"]

    def due() -> str:
        return (START + timedelta(minutes=rng.randint(60, 40 * bakes))).isoformat()

    return {
        "timezone": "UTC",
        "start": START.isoformat(),
        "machines": [
            {"id": "OVEN", "batch": {"capacity": 4, "size": "operations"}},
            {"id": "PREP"},
        ],
        "changeovers": [{"id": "recipe", "default_minutes": 30}],
        "products": [
            {"id": "part", "options": {"recipe": recipes}, "routing": [
                {"id": "prep", "machines": ["PREP"], "minutes": 15},
                {"id": "bake", "machines": ["OVEN"], "minutes": 60,
                 "family_option": "recipe", "after": ["prep"]}]}
        ],
        "orders": [
            {"id": f"O{k}", "product": "part",
             "options": {"recipe": rng.choice(recipes)},
             "due": due()}
            for k in range(bakes)
        ],
    }  # fmt: skip


def measure(name: str, data: dict[str, Any]) -> None:
    problem = build_problem(Scenario.model_validate(data))
    solution = dispatch(problem)
    began = time.monotonic()
    model = ScheduleModel(problem, compute_windows(problem, solution))
    model.add_hint(solution)
    model.term("weighted_tardiness")
    seconds = time.monotonic() - began
    proto = model.model.Proto()
    batched = sum(
        1
        for task in problem.tasks
        if any(problem.machines[mode.machine].batches for mode in task.modes)
    )
    print(
        f"| {name} | {batched} | {len(proto.variables):,} | "
        f"{len(proto.constraints):,} | {seconds:.2f} |"
    )


def main() -> None:
    print(
        "| plant | operations on batch machines | variables | constraints | build s |"
    )
    print("|---|---:|---:|---:|---:|")
    plant = json.loads((PLANTS / "shifts-60.json").read_text())
    measure("shifts-60, HEAT-1 one at a time", plant)
    measure("shifts-60, HEAT-1 batches of 4", with_batch_furnace(plant, 4))
    for bakes in (50, 100, 200):
        measure(f"oven plant, {bakes} bakes", oven_plant(bakes))


if __name__ == "__main__":
    main()
