"""A small plant and the passing of a day, for the nightly-loop tests.

`nightly_plant(seed)` is a scenario with alternatives, a two-shift machine and due
dates spread over a few days; `next_morning` turns a schedule and a scenario
into tomorrow's scenario the way an ERP export would: the start moves on,
operations that ended are `done`, operations under way are `running` where
the plan put them.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta
from typing import Any

from mtosched import Schedule
from tests.helpers import MONDAY, plant

START = MONDAY


def _order(rng: random.Random, index: int, released: datetime) -> dict[str, Any]:
    return {
        "id": f"SO-{index:03d}",
        "customer": f"Customer {index}",
        "product": rng.choice(["frame", "cabinet"]),
        "quantity": rng.randint(1, 3),
        "priority": rng.randint(1, 3),
        "released": released.isoformat(),
        "due": (released + timedelta(minutes=rng.randint(600, 2400))).isoformat(),
    }


def nightly_plant(seed: int, orders: int = 26) -> dict[str, Any]:
    """A seeded plant: cut (two machines), weld, paint (two shifts), assembly."""
    rng = random.Random(seed)
    return plant(
        [
            _order(rng, k, START + timedelta(minutes=rng.randint(-600, 600)))
            for k in range(1, orders + 1)
        ],
        machines=[
            {"id": "CUT-1"},
            {"id": "CUT-2", "speed": 0.8},
            {"id": "WELD-1"},
            {"id": "PAINT-1", "calendar": "two-shifts"},
            {"id": "ASSY-1"},
        ],
        products=[
            {
                "id": "frame",
                "routing": [
                    {
                        "id": "cut",
                        "machines": ["CUT-1", "CUT-2"],
                        "minutes": 60,
                        "minutes_per_unit": 30,
                    },
                    {"id": "weld", "machines": ["WELD-1"], "minutes": 90},
                    {"id": "paint", "machines": ["PAINT-1"], "minutes": 120},
                    {"id": "assemble", "machines": ["ASSY-1"], "minutes": 60},
                ],
            },
            {
                "id": "cabinet",
                "routing": [
                    {"id": "cut", "machines": ["CUT-1", "CUT-2"], "minutes": 90},
                    {
                        "id": "paint",
                        "machines": ["PAINT-1"],
                        "minutes": 60,
                        "minutes_per_unit": 20,
                    },
                    {"id": "assemble", "machines": ["ASSY-1"], "minutes": 120},
                ],
            },
        ],
        start=START.isoformat(),
        name=f"nightly-{seed}",
        timezone="UTC",
        calendars=[
            {
                "id": "two-shifts",
                "shifts": [
                    {
                        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                        "from": "06:00",
                        "to": "22:00",
                    }
                ],
            }
        ],
        objective={"terms": ["weighted_tardiness", "flow_time"]},
    )


def new_orders(seed: int, count: int, now: datetime) -> dict[str, Any]:
    """An orders file with `count` orders confirmed since the last plan."""
    rng = random.Random(seed + 1000)
    return {"orders": [_order(rng, 900 + k, now) for k in range(count)]}


def next_morning(
    data: dict[str, Any], plan: Schedule, hours: float = 24
) -> dict[str, Any]:
    """Tomorrow's scenario: later start, progress as the plan was carried out."""
    now = plan.start + timedelta(hours=hours)
    tomorrow = copy.deepcopy(data)
    tomorrow["start"] = now.isoformat()
    orders = {o["id"]: o for o in tomorrow["orders"]}
    for op in plan.operations:
        progress = orders[op.order].setdefault("progress", {})
        if op.end <= now:
            progress[op.operation] = {"state": "done"}
        elif op.start < now:
            progress[op.operation] = {
                "state": "running",
                "machine": op.machine,
                "started": op.start.isoformat(),
            }
    return tomorrow
