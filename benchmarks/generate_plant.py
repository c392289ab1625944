#!/usr/bin/env python3
"""Generate a synthetic make-to-order plant scenario for benchmarking mtosched.

The shipped instances are small and hand-made, so they say little about how the
solver scales. This script makes plants of any size with the same structure as a
real job shop: work centres of two or three alternative machines that differ in
speed, a few configurable products whose options add or remove operations, mostly
chain routings with an occasional parallel branch that joins later, and due dates
that a decent schedule can mostly, but not always, meet.

The output follows the scenario contract (`docs/format.md`). By default the
plant works around the clock, with no changeovers, crews or materials.
`--features` adds them (see `FEATURES`): shift calendars with a closure, a
changeover matrix on one work centre, a crew on another, and a material with
stock, receipts and a lead time; due dates then come from a first-come-first-
served simulation in working time. The same arguments and seed always give the
same file, byte for byte, so a benchmark result can be tied to its input, and
the default output does not change when features are added to the script.

Examples:
    python benchmarks/generate_plant.py --orders 200 --ops 6 --machines 20 --seed 1 \
        -o benchmarks/data/plant-200x6.json
    python benchmarks/generate_plant.py --orders 150 --ops 5 --machines 20 --seed 4 \
        --features all -o benchmarks/data/plant-150x5-all.json
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
"""Planning start shared by every generated plant, so files can be compared."""

CENTRE_KINDS = (
    "CUT", "MILL", "TURN", "DRILL", "GRIND", "WELD", "BEND", "HEAT",
    "COAT", "PAINT", "ASSY", "TEST", "INSP", "PACK", "PRESS", "WIRE",
)  # fmt: skip
"""Work-centre names; centres beyond this list get a numeric suffix."""

SPEEDS = (0.8, 0.9, 1.1, 1.25)
"""Speeds of the alternative machines; the first machine of a centre runs at 1.0."""

OPTION_POOL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("finish", ("standard", "premium")),
    ("coating", ("none", "zinc", "powder")),
    ("size", ("small", "medium", "large")),
    ("variant", ("basic", "plus")),
    ("certification", ("none", "inspected")),
)
"""Option names and values that products draw from."""

RUSH_SHARE = 0.15
"""Share of orders promised at little more than their own lead time."""

NORMAL_DUE = ((1.0, 1.5), (1.0, 1.5))
"""Ranges of an ordinary order's slack on its critical path and of the factor on
its queueing delay (see `generate`)."""

RUSH_DUE = ((1.0, 1.3), (0.0, 0.3))
"""The same ranges for a rush order."""

JSON_WIDTH = 100
"""Containers that fit on a line this wide are written on one line."""


@dataclass(frozen=True)
class WorkCentre:
    """A group of alternative machines: any of them can run the centre's operations.

    `speeds[i]` belongs to `machines[i]`; processing minutes are divided by it.
    """

    kind: str
    machines: tuple[str, ...]
    speeds: tuple[float, ...]


def make_work_centres(rng: random.Random, n_machines: int) -> list[WorkCentre]:
    """Split `n_machines` into centres of 2 or 3 machines (one if there is only one).

    Alternatives with different speeds are what makes machine assignment a real
    decision, so every centre except a lone machine has at least two.
    """
    sizes: list[int] = []
    remaining = n_machines
    while remaining > 0:
        if remaining <= 3:
            size = remaining
        elif remaining == 4:
            size = 2  # 3 + 1 would leave a centre without an alternative
        else:
            size = rng.choice((2, 3))
        sizes.append(size)
        remaining -= size
    centres = []
    for index, size in enumerate(sizes):
        base = CENTRE_KINDS[index % len(CENTRE_KINDS)]
        kind = (
            base
            if index < len(CENTRE_KINDS)
            else f"{base}{index // len(CENTRE_KINDS) + 1}"
        )
        machines = tuple(f"{kind}-{k + 1}" for k in range(size))
        speeds = (1.0, *(rng.choice(SPEEDS) for _ in range(size - 1)))
        centres.append(WorkCentre(kind, machines, speeds))
    return centres


def _operation(rng: random.Random, op_id: str, centre: WorkCentre) -> dict[str, Any]:
    """One operation at `centre`, in list form (scaled by quantity) or object form.

    The object form (whole minutes per machine, not scaled by quantity) stands for
    batch processes such as an oven cycle, and exercises the second way to write
    `machines`. In a centre of three, some operations may use only the first two,
    as when only they have the fixture.
    """
    machines = list(centre.machines)
    if len(machines) > 2 and rng.random() < 0.2:
        machines = machines[:2]
    op: dict[str, Any] = {"id": op_id}
    if rng.random() < 0.15:
        whole = rng.randint(60, 240)
        op["machines"] = {
            m: max(1, round(whole / s * rng.uniform(0.95, 1.1)))
            for m, s in zip(centre.machines, centre.speeds, strict=True)
            if m in machines
        }
    else:
        op["machines"] = machines
        if rng.random() < 0.3:
            op["minutes"] = rng.choice((10, 20, 30))
        op["minutes_per_unit"] = rng.randint(20, 120)
    setup = rng.choice((0, 0, 15, 30, 45, 60))
    if setup:
        op["setup_minutes"] = setup
    return op


def _pick_centres(
    rng: random.Random, centres: list[WorkCentre], usage: list[int], n_ops: int
) -> list[int]:
    """Indices of the centres a routing visits, spread over the plant.

    Purely uniform picks leave some centres idle and pile work on others when
    there are only a handful of products. Weighting each centre by its capacity
    (sum of speeds) over one plus the visits it already has keeps the load
    roughly even, so the bottleneck moves with the seed instead of always being
    whichever centre a product happened to favour. A routing visits distinct
    centres while it can, and `usage` is updated across products.
    """
    picks: list[int] = []
    for _ in range(n_ops):
        fresh = len(picks) < len(centres)
        weights = [
            0.0 if fresh and k in picks else sum(c.speeds) / (1 + usage[k])
            for k, c in enumerate(centres)
        ]
        k = rng.choices(range(len(centres)), weights)[0]
        picks.append(k)
        usage[k] += 1
    return picks


def make_product(
    rng: random.Random,
    product_id: str,
    centres: list[WorkCentre],
    n_ops: int,
    usage: list[int],
) -> dict[str, Any]:
    """A configurable product with a routing of `n_ops` operations.

    Each option of the product makes one operation conditional with `when`, so an
    order runs between `n_ops - len(options)` and `n_ops` operations. Routings are
    chains, except that some products build a part on a side branch (starting at
    release, `after: []`) that joins the main chain later (`after: [a, b]`).
    Conditional operations sit inside the main chain, so that their successors
    are skipped through to an earlier operation. `usage` counts the visits of
    each centre by the products made so far (see `_pick_centres`).
    """
    n_options = rng.choice((1, 2)) if n_ops >= 3 else 0
    options = dict(rng.sample(OPTION_POOL, n_options))

    # Centres visited roughly in flow order (cut before weld before pack), with a
    # few swaps, and repeats when the routing is longer than there are centres.
    picks = _pick_centres(rng, centres, usage, n_ops)
    picks.sort()
    for _ in range(n_ops // 4):
        i, j = rng.randrange(n_ops), rng.randrange(n_ops)
        picks[i], picks[j] = picks[j], picks[i]

    side = 0
    if n_ops >= 4 and rng.random() < 0.5:
        side = 2 if n_ops >= 7 and rng.random() < 0.5 else 1
    ids: list[str] = []
    for k in picks:
        name = centres[k].kind.lower()
        n_same = sum(1 for existing in ids if existing.split("_")[0] == name)
        ids.append(name if n_same == 0 else f"{name}_{n_same + 1}")
    routing = [
        _operation(rng, op_id, centres[k]) for op_id, k in zip(ids, picks, strict=True)
    ]

    # Layout: side branch first (its head has no predecessor, being first in the
    # list), then the main chain starting afresh with `after: []`.
    # The main chain has at least two operations (n_ops >= 4, side <= 2), so the
    # join is never the head of the chain.
    main_start = side
    join = -1
    if side:
        routing[main_start]["after"] = []
        join = rng.randint(main_start + 1, n_ops - 1)
        routing[join]["after"] = [routing[join - 1]["id"], routing[side - 1]["id"]]

    # Conditional operations: inside the main chain, never its head nor the join.
    candidates = [i for i in range(main_start + 1, n_ops) if i != join]
    rng.shuffle(candidates)
    for (name, values), index in zip(options.items(), candidates, strict=False):
        chosen = sorted(
            rng.sample(values, rng.randint(1, len(values) - 1)), key=values.index
        )
        routing[index]["when"] = {name: chosen[0] if len(chosen) == 1 else chosen}

    # Curing and no-wait windows on a few operations that have a predecessor.
    for index in range(1, n_ops):
        if index == main_start and side:
            continue
        roll = rng.random()
        if roll < 0.1:
            routing[index]["min_wait_minutes"] = rng.choice((60, 120, 240, 480))
        elif roll < 0.14:
            low = rng.choice((0, 30, 60))
            routing[index]["max_wait_minutes"] = low + rng.choice((120, 240, 480))
            if low:
                routing[index]["min_wait_minutes"] = low
    return {
        "id": product_id,
        "options": options,
        "routing": [_ordered(op) for op in routing],
    }


def _ordered(op: dict[str, Any]) -> dict[str, Any]:
    """Keys in a fixed, readable order: id, precedence, machines, minutes, rules."""
    order = (
        "id", "after", "machines", "minutes", "minutes_per_unit", "setup_minutes",
        "when", "min_wait_minutes", "max_wait_minutes", "family_option", "uses",
        "consumes",
    )  # fmt: skip
    return {k: op[k] for k in order if k in op}


def _active(
    routing: list[dict[str, Any]], options: dict[str, str]
) -> list[dict[str, Any]]:
    """Operations that exist for an order with these options (their `when` matches)."""
    out = []
    for op in routing:
        when: dict[str, str | list[str]] = op.get("when", {})
        if all(
            options[key] in (value if isinstance(value, list) else [value])
            for key, value in when.items()
        ):
            out.append(op)
    return out


def _effective_predecessors(
    routing: list[dict[str, Any]], active: set[str]
) -> dict[str, list[str]]:
    """Predecessors after skipping through absent operations (contract rule 7)."""
    declared: dict[str, list[str]] = {}
    for index, op in enumerate(routing):
        default = [routing[index - 1]["id"]] if index else []
        declared[op["id"]] = list(op.get("after", default))

    def resolve(op_id: str) -> list[str]:
        if op_id in active:
            return [op_id]
        return [r for p in declared[op_id] for r in resolve(p)]

    return {
        op_id: sorted({r for p in declared[op_id] for r in resolve(p)})
        for op_id in declared
        if op_id in active
    }


def _durations(
    op: dict[str, Any], quantity: int, speeds: dict[str, float]
) -> dict[str, int]:
    """Minutes of `op` on each eligible machine, as the contract computes them."""
    setup = int(op.get("setup_minutes", 0))
    machines = op["machines"]
    if isinstance(machines, dict):
        return {m: int(v) + setup for m, v in machines.items()}
    work = (
        Decimal(op.get("minutes", 0))
        + Decimal(op.get("minutes_per_unit", 0)) * quantity
    )
    return {m: math.ceil(work / Decimal(str(speeds[m]))) + setup for m in machines}


@dataclass(frozen=True)
class _Task:
    """One operation of one order, as the due-date estimate sees it."""

    op_id: str
    minutes: dict[str, int]
    preds: list[str]
    min_wait: int

    @property
    def mean_minutes(self) -> float:
        """Mean duration over the eligible machines."""
        return sum(self.minutes.values()) / len(self.minutes)


def _tasks(
    routing: list[dict[str, Any]],
    options: dict[str, str],
    quantity: int,
    speeds: dict[str, float],
) -> list[_Task]:
    """The operations an order really runs, predecessors first (list order)."""
    active = _active(routing, options)
    preds = _effective_predecessors(routing, {op["id"] for op in active})
    return [
        _Task(
            op["id"],
            _durations(op, quantity, speeds),
            preds[op["id"]],
            int(op.get("min_wait_minutes", 0)),
        )
        for op in active
    ]


def _critical_path(tasks: list[_Task]) -> float:
    """Longest path through the order's operations, minimum waits included."""
    finish: dict[str, float] = {}
    for task in tasks:
        ready = max((finish[p] for p in task.preds), default=0.0)
        wait = task.min_wait if task.preds else 0
        finish[task.op_id] = ready + wait + task.mean_minutes
    return max(finish.values())


def _instant(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Draft:
    """An order before its release and due date are known.

    Both depend on the load of the whole plant, so every order is drawn first.
    `path` is the critical path of the order in minutes.
    """

    index: int
    product: str
    options: dict[str, str]
    quantity: int
    priority: int
    release_draw: float
    tasks: list[_Task]
    path: float
    released: int = 0


def _centre_loads(drafts: list[_Draft], centres: list[WorkCentre]) -> dict[str, float]:
    """Minutes each work centre needs for all orders, by centre kind.

    Work is counted at speed 1 and divided by the sum of the centre's speeds.
    """
    speeds = {m: s for c in centres for m, s in zip(c.machines, c.speeds, strict=True)}
    centre_of = {m: c.kind for c in centres for m in c.machines}
    work = {c.kind: 0.0 for c in centres}
    for draft in drafts:
        for task in draft.tasks:
            at_speed_1 = sum(d * speeds[m] for m, d in task.minutes.items())
            work[centre_of[next(iter(task.minutes))]] += at_speed_1 / len(task.minutes)
    return {c.kind: work[c.kind] / sum(c.speeds) for c in centres}


def _busy_time(drafts: list[_Draft], centres: list[WorkCentre]) -> float:
    """Minutes the busiest work centre needs for all orders: the plant's load."""
    return max(_centre_loads(drafts, centres).values())


def _earliest_start(intervals: list[tuple[int, int]], ready: int, minutes: int) -> int:
    """First start at or after `ready` where `minutes` fit between busy intervals."""
    start = ready
    first = max(0, bisect.bisect_right(intervals, (ready, ready)) - 1)
    for busy_from, busy_to in intervals[first:]:
        if start + minutes <= busy_from:
            break
        start = max(start, busy_to)
    return start


def _fifo_completions(drafts: list[_Draft], machines: list[str]) -> list[int]:
    """Completion of each order in a plain first-come-first-served schedule.

    Orders are placed one after another in release order, each operation on the
    machine where it ends first, in the first gap that fits (minimum waits kept,
    maximum waits ignored). This is the load-dependent part of the due dates: a
    single bottleneck's load underestimates how long a plant with several busy
    centres and long routings needs, while a schedule that someone could actually
    run does not.
    """
    busy: dict[str, list[tuple[int, int]]] = {m: [] for m in machines}
    completion = [0] * len(drafts)
    for position in sorted(range(len(drafts)), key=lambda i: drafts[i].released):
        draft = drafts[position]
        end: dict[str, int] = {}
        for task in draft.tasks:
            ready = draft.released
            if task.preds:
                ready = max(end[p] for p in task.preds) + task.min_wait
            best_end, best_machine, best_start = min(
                (start + minutes, machine, start)
                for machine, minutes in task.minutes.items()
                for start in [_earliest_start(busy[machine], ready, minutes)]
            )
            bisect.insort(busy[best_machine], (best_start, best_end))
            end[task.op_id] = best_end
        completion[position] = max(end.values())
    return completion


# ---------------------------------------------------------------------------
# Optional features: calendars, changeovers, crews, materials (`--features`).
#
# Everything below draws from its own random generator, so that a plant with
# features has the same machines, products and orders as the plain plant of
# the same seed, and the plain plant does not change at all.

FEATURES = ("calendars", "changeovers", "crews", "materials")
"""What `--features` can add; `all` means every one."""

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]

CLOSURES = [
    {
        "from": "2026-12-04T14:00:00Z",
        "to": "2026-12-05T06:00:00Z",
        "reason": "stocktake: no late shift on the first Friday",
    },
    {
        "from": "2026-12-24T00:00:00Z",
        "to": "2026-12-28T00:00:00Z",
        "reason": "Christmas shutdown",
    },
]
"""The plant's closures, in every calendar: one in the first week, so that
even a small plant meets it, and Christmas for the long ones."""

TWO_SHIFTS = {
    "id": "two-shifts",
    "shifts": [
        {"days": WEEKDAYS, "from": "06:00", "to": "14:00"},
        {"days": WEEKDAYS, "from": "14:00", "to": "22:00"},
    ],
    "closures": CLOSURES,
}
"""Early and late shift, Monday to Friday: most work centres, and the plant
calendar that due dates are counted in."""

THREE_SHIFTS = {
    "id": "three-shifts",
    "shifts": [
        {"days": WEEKDAYS, "from": "06:00", "to": "14:00"},
        {"days": WEEKDAYS, "from": "14:00", "to": "22:00"},
        {"days": ["sun", "mon", "tue", "wed", "thu"], "from": "22:00", "to": "06:00"},
    ],
    "closures": CLOSURES,
}
"""24/5 for the busiest centre: a night shift from Sunday 22:00 joins the two
day shifts, and the week ends on Saturday at 06:00."""

ALLOYS = ("steel", "stainless", "aluminium")
"""Values of the `alloy` option that drives changeovers."""

ALLOY_CHANGEOVERS = {
    "id": "alloy",
    "default_minutes": 30,
    "same_minutes": 0,
    "pairs": [
        {"from": "steel", "to": "stainless", "minutes": 90},
        {"from": "aluminium", "to": "stainless", "minutes": 60},
    ],
}
"""Changing the alloy: new tooling and parameters; stainless after another
alloy also needs the machine cleaned of ferrous chips."""

MATERIAL_ID = "bar-stock"

MATERIAL_LEAD_DAYS = 10
"""Lead time of the material beyond stock and receipts."""

FEATURE_RUSH_SHARE = 0.17
"""Share of rush orders when features are on (see `_feature_dues`). With it,
mtosched's earliest-due-date dispatch leaves about 15-25 % of the orders late
on most plants tried (20 % on plant-150x5-all); like the plain plant's share,
the result varies with the seed."""

_SPAN_DAYS = 5 * 366
"""Calendars are unrolled this far for the due-date simulation."""


def parse_features(text: str) -> frozenset[str]:
    """`all`, or a comma-separated list of `FEATURES`."""
    if text.strip() == "all":
        return frozenset(FEATURES)
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(chosen - set(FEATURES))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown feature(s) {', '.join(unknown)}; choose from "
            f"{', '.join(FEATURES)} or 'all'"
        )
    return frozenset(chosen)


def _minute(text: str) -> int:
    """Minutes from `START` of an ISO instant."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int((moment - START).total_seconds() // 60)


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class _Hours:
    """Working periods `[a, b)` in minutes from `START`, sorted and disjoint.

    The plant's time zone is UTC, so wall-clock shifts are plain minutes.
    """

    def __init__(self, periods: list[tuple[int, int]]) -> None:
        self.periods = periods
        self.starts = [a for a, _ in periods]

    @classmethod
    def always(cls) -> _Hours:
        return cls([(-(10**9), 10**9)])

    @classmethod
    def of(cls, calendar: dict[str, Any]) -> _Hours:
        """Unroll a calendar's weekly shifts, merge them and cut out closures."""
        raw = []
        midnight = -(START.hour * 60 + START.minute)  # minute of START's midnight
        names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        for day in range(-1, _SPAN_DAYS):
            weekday = names[(START.weekday() + day) % 7]
            base = midnight + day * 1440
            for shift in calendar["shifts"]:
                if weekday in shift["days"]:
                    begin, end = _clock(shift["from"]), _clock(shift["to"])
                    raw.append(
                        (base + begin, base + end + (1440 if end <= begin else 0))
                    )
        raw.sort()
        merged: list[tuple[int, int]] = []
        for a, b in raw:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        for closure in calendar.get("closures", []):
            cut_from, cut_to = _minute(closure["from"]), _minute(closure["to"])
            kept = []
            for a, b in merged:
                if b <= cut_from or a >= cut_to:
                    kept.append((a, b))
                    continue
                if a < cut_from:
                    kept.append((a, cut_from))
                if b > cut_to:
                    kept.append((cut_to, b))
            merged = kept
        return cls(merged)

    def next_work(self, minute: int) -> int:
        """The first working minute at or after `minute`."""
        k = bisect.bisect_right(self.starts, minute) - 1
        if k >= 0 and minute < self.periods[k][1]:
            return minute
        return self.starts[k + 1]

    def finish(self, start: int, work: int) -> int:
        """End of `work` working minutes from `start`, pausing outside periods."""
        k = max(0, bisect.bisect_right(self.starts, start) - 1)
        at = start
        while True:
            a, b = self.periods[k]
            at = max(at, a)
            if at + work <= b:
                return at + work
            work -= max(0, b - at)
            k += 1

    def worked(self, begin: int, end: int) -> int:
        """Working minutes in `[begin, end)`."""
        total = 0
        k = max(0, bisect.bisect_right(self.starts, begin) - 1)
        while k < len(self.periods) and self.periods[k][0] < end:
            a, b = self.periods[k]
            total += max(0, min(b, end) - max(a, begin))
            k += 1
        return total


@dataclass
class _Features:
    """Which features a plant has, and where they sit."""

    chosen: frozenset[str]
    hours: dict[str, _Hours]  # machine -> its calendar
    calendar_of: dict[str, str]  # machine -> calendar id
    three_shift_centre: str | None = None
    changeover_centre: str | None = None
    crew_centre: str | None = None
    crew_id: str | None = None
    crew_capacity: int = 0
    material_op: tuple[str, str] | None = None  # (product, operation)
    material_supply: tuple[tuple[int, int], ...] = ()
    plant: _Hours | None = None

    def changeover(self, before: str | None, after: str | None) -> int:
        if before is None or after is None:
            return 0
        for pair in ALLOY_CHANGEOVERS["pairs"]:
            if (pair["from"], pair["to"]) == (before, after):
                return int(pair["minutes"])
        key = "same_minutes" if before == after else "default_minutes"
        return int(ALLOY_CHANGEOVERS[key])


def _choose_features(
    chosen: frozenset[str],
    centres: list[WorkCentre],
    products: list[dict[str, Any]],
    drafts: list[_Draft],
) -> _Features:
    """Put each feature on a work centre, product or operation.

    The busiest centre works three shifts; the changeover matrix goes to the
    centre most products visit (of the others); the crew staffs the least
    loaded remaining centre, preferring three machines to two and avoiding
    centres with a maximum wait, with one person fewer than machines (the crew
    works when its machines do: a day crew on a two-shift centre would make
    it the bottleneck); the material feeds the first operation of the most
    ordered product.
    """
    loads = _centre_loads(drafts, centres)
    by_load = sorted(centres, key=lambda c: (-loads[c.kind], c.kind))
    features = _Features(chosen, {}, {})
    taken: set[str] = set()
    if "calendars" in chosen:
        features.three_shift_centre = by_load[0].kind
        taken.add(by_load[0].kind)
    if "changeovers" in chosen:
        visits = {c.kind: 0 for c in centres}
        centre_of = {m: c.kind for c in centres for m in c.machines}
        for product in products:
            seen = {centre_of[_machine_ids(op)[0]] for op in product["routing"]}
            for kind in seen:
                visits[kind] += 1
        candidates = [c for c in centres if c.kind not in taken] or centres
        best = max(candidates, key=lambda c: (visits[c.kind], loads[c.kind]))
        features.changeover_centre = best.kind
        taken.add(best.kind)
    if "crews" in chosen:
        centre_of = {m: c.kind for c in centres for m in c.machines}
        no_wait = {
            centre_of[_machine_ids(op)[0]]
            for p in products
            for op in p["routing"]
            if "max_wait_minutes" in op
        }
        free = [c for c in by_load if c.kind not in taken | no_wait] or by_load
        candidates = (
            [c for c in free if len(c.machines) > 2]
            or [c for c in free if len(c.machines) > 1]
            or free
        )
        crew = candidates[-1]
        features.crew_centre = crew.kind
        features.crew_id = f"crew-{crew.kind.lower()}"
        features.crew_capacity = max(1, len(crew.machines) - 1)
    if "materials" in chosen:
        count = {p["id"]: 0 for p in products}
        for draft in drafts:
            count[draft.product] += draft.quantity
        top = max(products, key=lambda p: (count[p["id"]], -products.index(p)))
        features.material_op = (top["id"], top["routing"][0]["id"])
    for centre in centres:
        calendar = None
        if "calendars" in chosen:
            three = centre.kind == features.three_shift_centre
            calendar = THREE_SHIFTS if three else TWO_SHIFTS
        hours = _Hours.of(calendar) if calendar else _Hours.always()
        for machine in centre.machines:
            features.hours[machine] = hours
            if calendar:
                features.calendar_of[machine] = str(calendar["id"])
    features.plant = _Hours.of(TWO_SHIFTS) if "calendars" in chosen else _Hours.always()
    return features


def _machine_ids(op: dict[str, Any]) -> list[str]:
    """Eligible machines of an operation (a list, or the keys of an object)."""
    return list(op["machines"])


class _Shop:
    """Machine, crew and stock bookings of the due-date simulation."""

    def __init__(self, features: _Features, *, stock: bool) -> None:
        self.f = features
        self.busy: dict[str, list[tuple[int, int]]] = {}
        self.last: dict[str, tuple[int, str | None]] = {}  # changeover machines
        self.crew: list[tuple[int, int]] = []
        self.supply = list(features.material_supply) if stock else []
        self.taken: list[tuple[int, int]] = []
        self.stock = stock

    def _machine_free(self, machine: str, start: int, end: int) -> int | None:
        """None when `[start, end)` is free on the machine, else a retry time."""
        intervals = self.busy.get(machine, [])
        k = bisect.bisect_left(intervals, (end, end)) - 1
        if k >= 0 and intervals[k][1] > start:
            return intervals[k][1]
        return None

    def _crew_free(self, start: int, end: int) -> int | None:
        overlapping = [b for b in self.crew if b[0] < end and b[1] > start]
        points = [start, *(a for a, _ in overlapping if a > start)]
        for point in points:
            holding = [b for a, b in overlapping if a <= point < b]
            if len(holding) >= self.f.crew_capacity:
                return min(holding)
        return None

    def _stock_ready(self, start: int, quantity: int) -> int:
        """The first time from `start` when `quantity` can be taken for good.

        Taking it must leave stock at or above zero at every later instant
        before the lead time, from which any quantity can be bought.
        """
        lead = MATERIAL_LEAD_DAYS * 1440
        candidates = sorted(
            {start, *(t for t, _ in self.supply if t > start), max(start, lead)}
        )
        for t in candidates:
            checks = {t, *(u for u, _ in self.supply), *(u for u, _ in self.taken)}
            if all(
                sum(q for v, q in self.supply if v <= u)
                - sum(q for v, q in self.taken if v <= u)
                >= quantity
                for u in checks
                if t <= u < lead
            ):
                return t
        return max(start, lead)

    def place(
        self,
        task: _Task,
        ready: int,
        *,
        family: str | None,
        crew: bool,
        consumes: int,
    ) -> tuple[str, int, int]:
        """Earliest-ending placement over the eligible machines; books it."""
        best: tuple[int, str, int] | None = None
        for machine, minutes in task.minutes.items():
            hours = self.f.hours[machine]
            start = ready
            if family is not None:
                # A changeover machine is filled in order, without gap
                # insertion, so the family it is set up for is known.
                last_end, last_family = self.last.get(machine, (0, ALLOYS[0]))
                setup = self.f.changeover(last_family, family)
                if setup:
                    own = self.f.hours[machine]
                    start = max(start, own.finish(own.next_work(last_end), setup))
                start = max(start, last_end)
            while True:
                start = hours.next_work(start)
                end = hours.finish(start, minutes)
                retry = self._machine_free(machine, start, end)
                if retry is None and crew:
                    retry = self._crew_free(start, end)
                if retry is None and consumes and self.stock:
                    ready_at = self._stock_ready(start, consumes)
                    retry = ready_at if ready_at > start else None
                if retry is None:
                    break
                start = max(retry, start + 1)
            if best is None or (end, machine, start) < best:
                best = (end, machine, start)
        assert best is not None
        end, machine, start = best
        bisect.insort(self.busy.setdefault(machine, []), (start, end))
        if family is not None:
            self.last[machine] = (end, family)
        if crew:
            self.crew.append((start, end))
        if consumes and self.stock:
            self.taken.append((start, consumes))
        return machine, start, end


def _simulate(
    drafts: list[_Draft],
    features: _Features,
    centre_of: dict[str, str],
    *,
    stock: bool,
) -> list[int]:
    """Completions of `drafts` placed first come, first served on one shop.

    With `stock` false the material is taken as available (an order alone).
    """
    shop = _Shop(features, stock=stock)
    completion = [0] * len(drafts)
    for position in sorted(range(len(drafts)), key=lambda i: drafts[i].released):
        draft = drafts[position]
        end: dict[str, int] = {}
        for task in draft.tasks:
            ready = draft.released
            if task.preds:
                ready = max(end[p] for p in task.preds) + task.min_wait
            centre = centre_of[next(iter(task.minutes))]
            family = (
                draft.options.get("alloy")
                if centre == features.changeover_centre
                else None
            )
            consumes = (
                draft.quantity
                if (draft.product, task.op_id) == features.material_op
                else 0
            )
            _, _, end[task.op_id] = shop.place(
                task,
                ready,
                family=family,
                crew=centre == features.crew_centre,
                consumes=consumes,
            )
        completion[position] = max(end.values())
    return completion


def _feature_dues(
    drafts: list[_Draft],
    features: _Features,
    centres: list[WorkCentre],
    due_factor: float,
) -> tuple[list[int], Callable[[int, float, float], int]]:
    """First-come-first-served completions, and a due date rule in working time.

    As in `generate`, but counted in working minutes of the plant's two-shift
    calendar: an order is promised its lead time alone in the plant (calendars,
    changeovers and crews included) times a slack, plus its queueing delay in
    a first-come-first-served simulation of the whole plant times a factor.
    The rule takes the order's index, slack and factor.
    """
    centre_of = {m: c.kind for c in centres for m in c.machines}
    fifo = _simulate(drafts, features, centre_of, stock=True)
    plant = features.plant
    assert plant is not None

    def due(k: int, slack: float, factor: float) -> int:
        draft = drafts[k]
        alone = _simulate([draft], features, centre_of, stock=False)[0]
        path = plant.worked(draft.released, alone)
        delay = max(0, plant.worked(draft.released, fifo[k]) - path)
        due_in = math.ceil(slack * path + factor * due_factor * delay)
        moment = plant.finish(plant.next_work(draft.released), max(60, due_in))
        return 60 * math.ceil(moment / 60)

    return fifo, due


def _apply_features(
    scenario: dict[str, Any], features: _Features, centres: list[WorkCentre]
) -> None:
    """Write the chosen features into the scenario (machines, products, orders)."""
    chosen = features.chosen
    calendars = []
    if "calendars" in chosen:
        calendars += [TWO_SHIFTS, THREE_SHIFTS]
    centre_of = {m: c.kind for c in centres for m in c.machines}
    for machine in scenario["machines"]:
        speed = machine.pop("speed")
        if machine["id"] in features.calendar_of:
            machine["calendar"] = features.calendar_of[machine["id"]]
        if centre_of[machine["id"]] == features.changeover_centre:
            machine["changeovers"] = ALLOY_CHANGEOVERS["id"]
            machine["initial_family"] = ALLOYS[0]
        machine["speed"] = speed
    alloy_products = set()
    for product in scenario["products"]:
        for op in product["routing"]:
            centre = centre_of[_machine_ids(op)[0]]
            if centre == features.changeover_centre:
                op["family_option"] = "alloy"
                alloy_products.add(product["id"])
            if centre == features.crew_centre:
                op["uses"] = {features.crew_id: 1}
            if (product["id"], op["id"]) == features.material_op:
                op["consumes"] = {MATERIAL_ID: 1}
        if product["id"] in alloy_products:
            product["options"]["alloy"] = list(ALLOYS)
        product["routing"] = [_ordered(op) for op in product["routing"]]
    sections: dict[str, Any] = {}
    if calendars:
        sections["calendars"] = calendars
    sections["machines"] = scenario.pop("machines")
    if "changeovers" in chosen:
        sections["changeovers"] = [ALLOY_CHANGEOVERS]
    if "crews" in chosen:
        sections["resources"] = [
            {"id": features.crew_id, "capacity": features.crew_capacity}
        ]
    if "materials" in chosen:
        stock, *receipts = features.material_supply
        sections["materials"] = [
            {
                "id": MATERIAL_ID,
                "unit": "bar",
                "on_hand": stock[1],
                "receipts": [{"at": _instant(t), "quantity": q} for t, q in receipts],
                "lead_time_minutes": MATERIAL_LEAD_DAYS * 1440,
            }
        ]
    tail = {k: scenario.pop(k) for k in ("products", "orders", "objective")}
    scenario.update(sections)
    scenario.update(tail)


def _draw_feature_options(
    rng: random.Random,
    features: _Features,
    centres: list[WorkCentre],
    products: list[dict[str, Any]],
    drafts: list[_Draft],
) -> None:
    """Give orders of the products that visit the changeover centre an alloy,
    and size the material's stock and receipts from the demand."""
    if features.changeover_centre is not None:
        centre_of = {m: c.kind for c in centres for m in c.machines}
        visiting = {
            p["id"]
            for p in products
            for op in p["routing"]
            if centre_of[_machine_ids(op)[0]] == features.changeover_centre
        }
        for draft in drafts:
            if draft.product in visiting:
                draft.options["alloy"] = rng.choices(ALLOYS, (0.5, 0.3, 0.2))[0]
    if features.material_op is not None:
        demand = sum(d.quantity for d in drafts if d.product == features.material_op[0])
        features.material_supply = (
            (0, max(1, round(0.4 * demand))),
            (2 * 1440 + 120, max(1, round(0.25 * demand))),
            (7 * 1440 + 120, max(1, round(0.25 * demand))),
        )


def generate(
    *,
    n_orders: int,
    n_ops: int,
    n_machines: int,
    seed: int,
    n_products: int | None = None,
    release_days: float = 3.0,
    due_factor: float = 1.0,
    features: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Build the scenario as a dict ready for JSON.

    Releases are spread over `release_days`, but over at most half the busy time
    of the bottleneck centre (its work divided by the sum of its speeds), so that
    a small plant is not left idle while its orders trickle in.

    Due dates: an order is promised its critical path times a slack, plus its
    queueing delay (its completion in a first-come-first-served schedule, less
    release and critical path) times a factor. Ordinary orders (`NORMAL_DUE`)
    get both at least one, so that schedule keeps all their promises (but for
    maximum waits, which it ignores). A share of rush orders (`RUSH_SHARE`,
    `RUSH_DUE`) is promised little more than its own lead time: they are late in
    that schedule, and putting them first delays others. So first come, first
    served leaves about `RUSH_SHARE` of the orders late, a good schedule fewer,
    and a poor one more. `due_factor` scales the queueing part: larger is easier.

    `features` (a subset of `FEATURES`) adds calendars, a changeover matrix, a
    crew and a material, drawn from a second random generator so that the
    plant and its orders stay those of the plain plant. Due dates are then
    counted in working time (see `_feature_dues`).
    """
    rng = random.Random(seed)
    centres = make_work_centres(rng, n_machines)
    speeds = {m: s for c in centres for m, s in zip(c.machines, c.speeds, strict=True)}
    machines = [
        {"id": m, "name": f"{c.kind.title()} machine {k + 1}", "speed": s}
        for c in centres
        for k, (m, s) in enumerate(zip(c.machines, c.speeds, strict=True))
    ]
    if n_products is None:
        n_products = min(6, 3 + n_orders // 80)
    usage = [0] * len(centres)
    products = [
        make_product(rng, f"P{k + 1}", centres, n_ops, usage) for k in range(n_products)
    ]
    weights = [rng.uniform(0.5, 1.5) for _ in products]

    n_customers = max(5, n_orders // 4)
    drafts = []
    for index in range(n_orders):
        product = rng.choices(products, weights)[0]
        options = {
            name: rng.choice(values) for name, values in product["options"].items()
        }
        quantity = rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
        priority = rng.choices((1, 2, 3, 4, 5), (0.3, 0.25, 0.2, 0.15, 0.1))[0]
        tasks = _tasks(product["routing"], options, quantity, speeds)
        drafts.append(
            _Draft(
                index=index,
                product=product["id"],
                options=options,
                quantity=quantity,
                priority=priority,
                release_draw=rng.random(),
                tasks=tasks,
                path=_critical_path(tasks),
            )
        )

    busy = _busy_time(drafts, centres)
    release_window = min(release_days * 1440, busy / 2)
    for draft in drafts:
        draft.released = 15 * int(draft.release_draw * release_window / 15)
    chosen: _Features | None = None
    if features:
        chosen = _choose_features(features, centres, products, drafts)
        feature_rng = random.Random(f"features-{seed}")
        _draw_feature_options(feature_rng, chosen, centres, products, drafts)
        completions, feature_due = _feature_dues(drafts, chosen, centres, due_factor)
        rush_share = FEATURE_RUSH_SHARE
    else:
        completions = _fifo_completions(drafts, list(speeds))
        rush_share = RUSH_SHARE

    orders = []
    for draft, completion in zip(drafts, completions, strict=True):
        slacks, factors = RUSH_DUE if rng.random() < rush_share else NORMAL_DUE
        slack, factor = rng.uniform(*slacks), rng.uniform(*factors)
        if chosen is None:
            delay = max(0.0, completion - draft.released - draft.path)
            due_in = slack * draft.path + factor * due_factor * delay
            due = draft.released + math.ceil(due_in / 60) * 60
        else:
            due = feature_due(draft.index, slack, factor)
        order: dict[str, Any] = {
            "id": f"SO-{10001 + draft.index}",
            "customer": f"CUST-{rng.randint(1, n_customers):03d}",
            "product": draft.product,
        }
        if draft.quantity != 1:
            order["quantity"] = draft.quantity
        if draft.options:
            order["options"] = draft.options
        order["released"] = _instant(draft.released)
        order["due"] = _instant(due)
        order["priority"] = draft.priority
        orders.append(order)

    scenario = {
        "name": f"synthetic-plant-{n_orders}x{n_ops}-m{n_machines}-s{seed}",
        "x-note": (
            f"Synthetic make-to-order plant made by benchmarks/generate_plant.py "
            f"(--orders {n_orders} --ops {n_ops} --machines {n_machines} "
            f"--seed {seed}). {len(centres)} work centres; the busiest needs "
            f"{busy / 1440:.1f} days of 24/7 work, and a first-come-first-served "
            f"schedule ends after {max(completions) / 1440:.1f} days."
        ),
        "timezone": "UTC",
        "start": _instant(0),
        "machines": machines,
        "products": products,
        "orders": orders,
        "objective": {"terms": ["weighted_tardiness", "flow_time"]},
    }
    if chosen is not None:
        _apply_features(scenario, chosen, centres)
        scenario["name"] += "-" + _features_label(features)
        scenario["x-note"] = _features_note(
            chosen, n_orders, n_ops, n_machines, seed, centres, busy, completions
        )
    return scenario


def _features_label(features: frozenset[str]) -> str:
    if features == frozenset(FEATURES):
        return "all"
    return "-".join(f for f in FEATURES if f in features)


def _features_note(
    chosen: _Features,
    n_orders: int,
    n_ops: int,
    n_machines: int,
    seed: int,
    centres: list[WorkCentre],
    busy: float,
    completions: list[int],
) -> str:
    """The `x-note` of a plant with features: where each one sits."""
    label = (
        "all"
        if chosen.chosen == frozenset(FEATURES)
        else ",".join(f for f in FEATURES if f in chosen.chosen)
    )
    parts = [
        f"Synthetic make-to-order plant made by benchmarks/generate_plant.py "
        f"(--orders {n_orders} --ops {n_ops} --machines {n_machines} "
        f"--seed {seed} --features {label}). {len(centres)} work centres; the "
        f"busiest needs {busy / 1440:.1f} days of 24/7 work."
    ]
    if chosen.three_shift_centre is not None:
        parts.append(
            f"Work centres run two shifts Monday to Friday, except "
            f"{chosen.three_shift_centre} (the busiest), which runs three (24/5); "
            f"the plant closes for a stocktake on the first Friday evening and "
            f"for Christmas."
        )
    if chosen.changeover_centre is not None:
        parts.append(
            f"{chosen.changeover_centre} needs a changeover between alloys (the "
            f"order option 'alloy')."
        )
    if chosen.crew_id is not None:
        parts.append(
            f"{chosen.crew_centre} operations need one of the "
            f"{chosen.crew_capacity} people of {chosen.crew_id}, one fewer than "
            f"its machines."
        )
    if chosen.material_op is not None:
        product, op = chosen.material_op
        parts.append(
            f"{product}/{op} consumes {MATERIAL_ID}: stock, two receipts, and "
            f"{MATERIAL_LEAD_DAYS} days' lead time for more."
        )
    parts.append(
        f"Due dates come from a first-come-first-served simulation in working "
        f"time, which ends after {max(completions) / 1440:.1f} days."
    )
    return " ".join(parts)


def dumps(value: Any, indent: int = 0, used: int = 0) -> str:
    """JSON with 2-space indentation, keeping short objects and lists on one line.

    `json.dumps(indent=2)` puts every list item on its own line, which makes a
    200-order file thousands of lines long and hard to read or diff.
    """
    flat = json.dumps(value, ensure_ascii=False)
    if (
        not isinstance(value, (dict, list))
        or not value
        or (indent and used + len(flat) <= JSON_WIDTH)
    ):
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            head = f"{pad}{json.dumps(key, ensure_ascii=False)}: "
            lines.append(head + dumps(item, indent + 2, len(head) + 1))
    else:
        lines = [pad + dumps(item, indent + 2, len(pad) + 1) for item in value]
    return (
        ("{\n" if isinstance(value, dict) else "[\n")
        + ",\n".join(lines)
        + "\n"
        + " " * indent
        + ("}" if isinstance(value, dict) else "]")
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate, and write the file (or stdout for `-o -`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--orders", type=_positive, default=200, help="number of orders"
    )
    parser.add_argument(
        "--ops", type=_positive, default=6, help="operations per routing"
    )
    parser.add_argument(
        "--machines", type=_positive, default=20, help="number of machines"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--products", type=_positive, default=None, help="number of products"
    )
    parser.add_argument(
        "--release-days",
        type=float,
        default=3.0,
        help="spread releases over at most this many days",
    )
    parser.add_argument(
        "--due-factor",
        type=float,
        default=1.0,
        help="larger gives later, easier due dates",
    )
    parser.add_argument(
        "--features",
        type=parse_features,
        default=frozenset(),
        help=f"comma list of {','.join(FEATURES)}, or 'all'",
    )
    parser.add_argument(
        "-o", "--output", default="-", help="output file, '-' for stdout"
    )
    args = parser.parse_args(argv)

    scenario = generate(
        n_orders=args.orders,
        n_ops=args.ops,
        n_machines=args.machines,
        seed=args.seed,
        n_products=args.products,
        release_days=args.release_days,
        due_factor=args.due_factor,
        features=args.features,
    )
    text = dumps(scenario) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        path = Path(args.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
