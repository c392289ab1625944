"""A tiny plant with a schedule placed by hand, for the report tests.

The reports are tested on a schedule that no solver change can move: two
machines in two work centres, four orders of one product (cut 2 h on SAW-1,
then paint 5 h on PAINT-1), placed back to back from Mon 30 Nov 06:00 in
Europe/Berlin (UTC+1, so a report that forgets the zone is an hour off):

    SAW-1    O-1 06-08  O-2 08-10  O-3 10-12  O-4 12-14
    PAINT-1  O-1 08-13  O-2 13-18  O-3 18-23  O-4 23-04 (Tue)

O-1 is due at 12:00 and is 60 minutes late; O-2 finishes exactly on time;
O-3 is 3 h early, O-4 2 h early. PAINT-1 is busy across midnight: 16 h on
Monday (08:00-24:00) and 4 h on Tuesday.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtosched import Problem, Schedule, build_problem
from tests.helpers import loaded, placed, plant

ORDERS = ("O-1", "O-2", "O-3", "O-4")
DUE = ("12:00", "18:00", "2026-12-01T02:00", "2026-12-01T06:00")


def report_plant(
    order_ids: tuple[str, ...] = ORDERS, customer: str = "Bäckerei Ölz & Söhne"
) -> dict[str, Any]:
    """The scenario document; `order_ids` renames the four orders."""
    due = [d if "T" in d else f"2026-11-30T{d}" for d in DUE]
    return plant(
        [
            {"id": oid, "customer": customer, "product": "shelf", "due": d}
            for oid, d in zip(order_ids, due, strict=True)
        ],
        machines=[
            {"id": "SAW-1", "name": "Panel saw", "work_center": "cutting"},
            {"id": "PAINT-1", "name": "Paint line", "work_center": "finishing"},
        ],
        products=[
            {
                "id": "shelf",
                "routing": [
                    {"id": "cut", "machines": ["SAW-1"], "minutes": 120},
                    {"id": "paint", "machines": ["PAINT-1"], "minutes": 300},
                ],
            }
        ],
        start="2026-11-30T06:00:00",
        name="report-plant",
        timezone="Europe/Berlin",
    )


def hand_schedule(
    tmp_path: Path, order_ids: tuple[str, ...] = ORDERS, customer: str | None = None
) -> tuple[Problem, Schedule]:
    """The scenario written to `tmp_path`, compiled, and placed as drawn above."""
    document = (
        report_plant(order_ids)
        if customer is None
        else report_plant(order_ids, customer)
    )
    problem = build_problem(loaded(tmp_path, document))
    cuts = [
        (oid, "cut", "SAW-1", 120 * k, 120 * (k + 1)) for k, oid in enumerate(order_ids)
    ]
    paints = [
        (oid, "paint", "PAINT-1", 120 + 300 * k, 120 + 300 * (k + 1))
        for k, oid in enumerate(order_ids)
    ]
    return problem, placed(problem, *cuts, *paints)


def busy_line(tmp_path: Path, orders: int) -> tuple[Problem, Schedule]:
    """`orders` one-hour jobs back to back on one machine, in order, from 06:00."""
    document = plant(
        [
            {"id": f"J{k:03d}", "product": "p", "due": "2026-12-31T00:00:00Z"}
            for k in range(orders)
        ],
        machines=["M1"],
        products=[
            {"id": "p", "routing": [{"id": "op", "machines": ["M1"], "minutes": 60}]}
        ],
        start="2026-11-30T06:00:00Z",
        name="busy-line",
    )
    problem = build_problem(loaded(tmp_path, document, "line"))
    rows = [(f"J{k:03d}", "op", "M1", 60 * k, 60 * (k + 1)) for k in range(orders)]
    return problem, placed(problem, *rows)


def changeover_pair(tmp_path: Path) -> tuple[Problem, Schedule]:
    """Red, then blue on one paint line from 06:00 UTC, 90 minutes to switch.

    Red paints 06:00-08:00; the changeover runs 08:00-09:30; blue paints
    09:30-11:30, so blue's operation has setup_start 08:00.
    """
    document = plant(
        [
            {"id": "RED", "product": "red", "due": "2026-11-30T12:00:00Z"},
            {"id": "BLUE", "product": "blue", "due": "2026-11-30T12:00:00Z"},
        ],
        machines=[{"id": "PAINT-1", "changeovers": "colours"}],
        products=[
            {
                "id": colour,
                "routing": [
                    {
                        "id": "paint",
                        "machines": ["PAINT-1"],
                        "minutes": 120,
                        "family": colour,
                    }
                ],
            }
            for colour in ("red", "blue")
        ],
        start="2026-11-30T06:00:00Z",
        name="colour-change",
        changeovers=[{"id": "colours", "default_minutes": 90}],
    )
    problem = build_problem(loaded(tmp_path, document, "colours"))
    return problem, placed(
        problem,
        ("RED", "paint", "PAINT-1", 0, 120),
        ("BLUE", "paint", "PAINT-1", 210, 330),
    )
