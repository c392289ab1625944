#!/usr/bin/env python3
"""Generate a synthetic make-to-order plant scenario for benchmarking mtosched.

The shipped instances are small and hand-made, so they say little about how the
solver scales. This script makes plants of any size with the same structure as a
real job shop: work centres of two or three alternative machines that differ in
speed, a few configurable products whose options add or remove operations, mostly
chain routings with an occasional parallel branch that joins later, and due dates
that a decent schedule can mostly, but not always, meet.

The output follows the scenario contract (`docs/format.md`) and
uses only what the scheduler supports today: no calendars, changeovers, secondary
resources or materials. The same arguments and seed always give the same file,
byte for byte, so a benchmark result can be tied to its input.

Example:
    python benchmarks/generate_plant.py --orders 200 --ops 6 --machines 20 --seed 1 \
        -o benchmarks/data/plant-200x6.json
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import sys
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
        "when", "min_wait_minutes", "max_wait_minutes",
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


def _busy_time(drafts: list[_Draft], centres: list[WorkCentre]) -> float:
    """Minutes the busiest work centre needs for all orders: the plant's load.

    Work is counted at speed 1 and divided by the sum of the centre's speeds.
    """
    speeds = {m: s for c in centres for m, s in zip(c.machines, c.speeds, strict=True)}
    centre_of = {m: c.kind for c in centres for m in c.machines}
    work = {c.kind: 0.0 for c in centres}
    for draft in drafts:
        for task in draft.tasks:
            at_speed_1 = sum(d * speeds[m] for m, d in task.minutes.items())
            work[centre_of[next(iter(task.minutes))]] += at_speed_1 / len(task.minutes)
    return max(work[c.kind] / sum(c.speeds) for c in centres)


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


def generate(
    *,
    n_orders: int,
    n_ops: int,
    n_machines: int,
    seed: int,
    n_products: int | None = None,
    release_days: float = 3.0,
    due_factor: float = 1.0,
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
    completions = _fifo_completions(drafts, list(speeds))

    orders = []
    for draft, completion in zip(drafts, completions, strict=True):
        slacks, factors = RUSH_DUE if rng.random() < RUSH_SHARE else NORMAL_DUE
        slack, factor = rng.uniform(*slacks), rng.uniform(*factors)
        delay = max(0.0, completion - draft.released - draft.path)
        due_in = slack * draft.path + factor * due_factor * delay
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
        order["due"] = _instant(draft.released + math.ceil(due_in / 60) * 60)
        order["priority"] = draft.priority
        orders.append(order)

    return {
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
