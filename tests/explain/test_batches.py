"""`explain` on batch machines: waiting for the load, and loads that hold the oven.

OVEN bakes up to three operations of one family together (contract rules
18-20); its loads are `OVEN/1`, `OVEN/2`, ... by start, as the schedule
names them. Every schedule is placed by hand and passes the checker
(`placed`); the expected minutes are worked out in each test's comment.
Minute 0 is Monday 30 November 2026, 06:00 UTC.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from mtosched import Scenario, build_problem
from mtosched.explain import explain
from tests.helpers import at, loaded, order, placed, plant
from tests.helpers.explained import assert_adds_up, nonzero, only

OVEN = {"id": "OVEN", "batch": {"capacity": 3, "size": "operations"}}


def bake(minutes: int, family: str, **extra: Any) -> dict[str, Any]:
    """An operation `bake` of `minutes` on OVEN, in recipe `family`."""
    return {"id": "bake", "machines": ["OVEN"], "minutes": minutes,
            "family": family, **extra}  # fmt: skip


def prep(minutes: int, machine: str = "M1") -> dict[str, Any]:
    """An operation `prep` of `minutes` on a plain machine."""
    return {"id": "prep", "machines": [machine], "minutes": minutes}


def oven_plant(
    tmp_path: Path,
    orders: list[dict[str, Any]],
    oven: dict[str, Any] | None = None,
    **sections: Any,
) -> Scenario:
    """M1, M2 (plain) and `oven` (OVEN by default), with `sections` added."""
    machines = ["M1", "M2", oven or OVEN]
    return loaded(tmp_path, plant(orders, machines=machines, **sections))


def test_a_ready_member_waits_for_the_last_member_of_its_load(
    tmp_path: Path,
) -> None:
    """B's bake is ready at 0; A's only after its prep on M1 [0, 120).

    They bake together in OVEN/1 [120, 180). The oven is free before, so
    B's 120 minutes are all `batch_wait` for A/bake (ready at 120, 08:00).
    B: span 180 = 120 + 60 of its own; due at 100, late by 80, all of it
    charged to the wait and, in the plant view, to OVEN. A never waited.
    """
    scenario = oven_plant(
        tmp_path,
        [order("A", 1000, prep(120), bake(60, "x")), order("B", 100, bake(60, "x"))],
    )
    problem = build_problem(scenario)
    schedule = placed(
        problem,
        ("A", "prep", "M1", 0, 120),
        ("A", "bake", "OVEN", 120, 180),
        ("B", "bake", "OVEN", 120, 180),
    )
    result = explain(scenario, schedule, ["A", "B"], what_if=False)
    a, b = only(result, "A"), only(result, "B")
    for explained in (a, b):
        assert_adds_up(explained)
    assert nonzero(b) == {"batch_wait": 120, "processing": 60}
    assert b.lateness_minutes == 80 and b.lateness_share["batch_wait"] == 80
    [cause] = b.causes
    assert cause.text == "load OVEN/1 waited for A/bake, ready Mon 30 Nov 08:00"
    [member] = cause.blockers
    assert (member.order, member.operation, member.batch) == ("A", "bake", "OVEN/1")
    assert member.ready == datetime.fromisoformat(at(120))
    assert [(s.operation, s.batch) for s in b.chain] == [("bake", "OVEN/1")]
    assert nonzero(a) == {"processing": 180}
    oven = next(row for row in result.plant if row.id == "OVEN")
    assert (oven.waiting_minutes, oven.lateness_minutes) == (120, 80)


def test_another_load_holds_the_oven_before_the_wait_for_members(
    tmp_path: Path,
) -> None:
    """C (recipe y) bakes alone in OVEN/1 [0, 90); A, B, D (x) in OVEN/2
    [150, 210). A's prep ends at 150 on M1, D's at 120 on M2.

    B is ready at 0: 0-90 the oven holds OVEN/1 (`machine_busy`, named as
    that load; a harder fact than waiting for members, so it comes first),
    90-150 `batch_wait` (A and D not ready until 120, then A until 150):
    60, naming A/bake, the last ready, at 150 (08:30). 90 + 60 + 60 = 210.
    """
    scenario = oven_plant(
        tmp_path,
        [
            order("A", 1000, prep(150), bake(60, "x")),
            order("B", 100, bake(60, "x")),
            order("C", 1000, bake(90, "y")),
            order("D", 1000, prep(120, "M2"), bake(60, "x")),
        ],
    )
    problem = build_problem(scenario)
    schedule = placed(
        problem,
        ("C", "bake", "OVEN", 0, 90),
        ("A", "prep", "M1", 0, 150),
        ("D", "prep", "M2", 0, 120),
        ("A", "bake", "OVEN", 150, 210),
        ("B", "bake", "OVEN", 150, 210),
        ("D", "bake", "OVEN", 150, 210),
    )
    b = only(explain(scenario, schedule, ["B"], what_if=False), "B")
    assert_adds_up(b)
    assert nonzero(b) == {"machine_busy": 90, "batch_wait": 60, "processing": 60}
    texts = {c.kind: c.text for c in b.causes}
    assert texts == {
        "machine_busy": "OVEN busy with load OVEN/1 (C/bake) Mon 30 Nov 06:00-07:30",
        "batch_wait": "load OVEN/2 waited for A/bake, ready Mon 30 Nov 08:30, "
        "and for D/bake",
    }
    wait = next(c for c in b.causes if c.kind == "batch_wait")
    assert [(m.order, m.ready) for m in wait.blockers] == [
        ("A", datetime.fromisoformat(at(150))),
        ("D", datetime.fromisoformat(at(120))),
    ]


def test_a_busy_load_is_named_whole_and_a_load_owns_its_changeover(
    tmp_path: Path,
) -> None:
    """OVEN starts set up for y; 30 min to change recipe. C and D (y) bake
    200 min in OVEN/1 [0, 200); E and F (x, ready at 0, not allowed into a
    y load) follow after the changeover [200, 230) in OVEN/2 [230, 290).

    E and F alike: 200 busy with OVEN/1, both members named; 30 changeover
    of their own load (F is not its first member, and the changeover is
    still its own); 60 of their own work.
    """
    scenario = oven_plant(
        tmp_path,
        [
            order("C", 1000, bake(200, "y")),
            order("D", 1000, bake(200, "y")),
            order("E", 100, bake(60, "x")),
            order("F", 100, bake(60, "x")),
        ],
        {**OVEN, "changeovers": "recipe", "initial_family": "y"},
        changeovers=[{"id": "recipe", "default_minutes": 30}],
    )
    problem = build_problem(scenario)
    schedule = placed(
        problem,
        ("C", "bake", "OVEN", 0, 200),
        ("D", "bake", "OVEN", 0, 200),
        ("E", "bake", "OVEN", 230, 290),
        ("F", "bake", "OVEN", 230, 290),
    )
    result = explain(scenario, schedule, ["E", "F"], what_if=False)
    for oid in ("E", "F"):
        explained = only(result, oid)
        assert_adds_up(explained)
        assert nonzero(explained) == {
            "machine_busy": 200,
            "changeover": 30,
            "processing": 60,
        }
        texts = {c.kind: c.text for c in explained.causes}
        assert texts == {
            "machine_busy": "OVEN busy with load OVEN/1 (C/bake and D/bake) "
            "Mon 30 Nov 06:00-09:20",
            "changeover": "OVEN changed over for its load OVEN/2 after load OVEN/1 "
            "(C/bake and D/bake)",
        }
        busy = next(c for c in explained.causes if c.kind == "machine_busy")
        assert [(m.order, m.batch) for m in busy.blockers] == [
            ("C", "OVEN/1"),
            ("D", "OVEN/1"),
        ]
        [step] = explained.chain
        assert step.setup_start == datetime.fromisoformat(at(200))


def test_the_whole_load_must_fit_before_the_next_one(tmp_path: Path) -> None:
    """A (120 min) and B (30 min) bake together in OVEN/2 [150, 270): the load
    lasts 120. C (recipe y) holds the oven [90, 150) as OVEN/1.

    Both are ready at 0. B alone would have fitted before C until minute
    60, but the load needs 120 min: it could start nowhere before C, so
    all 150 minutes are C's (the gap before it too short, then C itself).
    B stays in the oven for the whole load: 120 of its own.
    """
    scenario = oven_plant(
        tmp_path,
        [
            order("A", 1000, bake(120, "x")),
            order("B", 100, bake(30, "x")),
            order("C", 1000, bake(60, "y")),
        ],
    )
    problem = build_problem(scenario)
    schedule = placed(
        problem,
        ("C", "bake", "OVEN", 90, 150),
        ("A", "bake", "OVEN", 150, 270),
        ("B", "bake", "OVEN", 150, 270),
    )
    b = only(explain(scenario, schedule, ["B"], what_if=False), "B")
    assert_adds_up(b)
    assert nonzero(b) == {"machine_busy": 150, "processing": 120}
    [cause] = b.causes
    assert cause.text == "OVEN busy with load OVEN/1 (C/bake) Mon 30 Nov 07:30-08:30"


def test_a_member_waiting_for_material_keeps_its_load_waiting(
    tmp_path: Path,
) -> None:
    """A's bake needs a bolt that arrives at 100; B's needs none.

    They bake together in OVEN/1 [100, 160). A waits 100 for the bolt
    (`material`); B, ready at 0, waits the same 100 for A (`batch_wait`,
    A ready at 100, 07:40).
    """
    scenario = loaded(
        tmp_path,
        plant(
            [
                order("A", 1000, bake(60, "x", consumes={"bolt": 1})),
                order("B", 100, bake(60, "x")),
            ],
            machines=[OVEN],
            materials=[{"id": "bolt", "receipts": [{"at": at(100), "quantity": 1}]}],
        ),
    )
    problem = build_problem(scenario)
    schedule = placed(
        problem, ("A", "bake", "OVEN", 100, 160), ("B", "bake", "OVEN", 100, 160)
    )
    result = explain(scenario, schedule, ["A", "B"], what_if=False)
    a, b = only(result, "A"), only(result, "B")
    for explained in (a, b):
        assert_adds_up(explained)
    assert nonzero(a) == {"material": 100, "processing": 60}
    assert nonzero(b) == {"batch_wait": 100, "processing": 60}
    assert b.causes[0].text == "load OVEN/1 waited for A/bake, ready Mon 30 Nov 07:40"
