"""`diff_schedules` and `mtosched diff`: hand-made plan pairs with known answers.

Every plan here is tiny and built by hand: operations of 60 minutes, instants
as hours after Monday 30 Nov 2026 06:00 UTC, so each expected number can be
checked by reading the test.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mtosched.diff import diff_schedules
from mtosched.schedule import Schedule
from mtosched.schedule_diff import duration_text
from tests.helpers import run_cli, write_json

MONDAY = datetime(2026, 11, 30, 6, tzinfo=UTC)


def at(hours: float, offset: str = "Z") -> str:
    """The instant `hours` after Monday 06:00 UTC, written with `offset`."""
    moment = MONDAY + timedelta(hours=hours)
    if offset == "Z":
        return moment.isoformat().replace("+00:00", "Z")
    if offset == "naive":
        return moment.replace(tzinfo=None).isoformat()
    sign, hh, mm = offset[0], int(offset[1:3]), int(offset[4:6])
    shift = timedelta(hours=hh, minutes=mm) * (1 if sign == "+" else -1)
    return (moment + shift).replace(tzinfo=None).isoformat() + offset


def op(
    order: str, operation: str, machine: str, start: float, offset: str = "Z"
) -> dict[str, Any]:
    """A 60-minute operation starting `start` hours after Monday 06:00."""
    return {
        "order": order,
        "operation": operation,
        "machine": machine,
        "start": at(start, offset),
        "end": at(start + 1, offset),
    }


def order(
    oid: str, due: float, completion: float, customer: str | None = None
) -> dict[str, Any]:
    """An order due and completed at the given hours; lateness follows."""
    lateness = round((completion - due) * 60)
    return {
        "id": oid,
        "customer": customer,
        "due": at(due),
        "completion": at(completion),
        "lateness_minutes": lateness,
        "tardiness_minutes": max(0, lateness),
    }


def plan(
    orders: list[dict[str, Any]],
    operations: list[dict[str, Any]],
    *,
    start: str = "2026-11-30T06:00:00Z",
    timezone: str = "UTC",
    makespan: int | None = 600,
) -> dict[str, Any]:
    """A schedule document whose KPIs agree with its orders."""
    tardiness = [o["tardiness_minutes"] for o in orders]
    kpis: dict[str, Any] = {
        "orders": len(orders),
        "late_orders": sum(1 for t in tardiness if t),
        "on_time_rate": 1 - sum(1 for t in tardiness if t) / max(1, len(orders)),
        "total_tardiness_minutes": sum(tardiness),
        "max_lateness_minutes": max(o["lateness_minutes"] for o in orders),
    }
    if makespan is not None:
        kpis["makespan_minutes"] = makespan
    return {
        "start": start,
        "timezone": timezone,
        "status": "feasible",
        "objective": {"weighted_tardiness": sum(tardiness)},
        "orders": orders,
        "operations": operations,
        "kpis": kpis,
    }


def schedule(data: dict[str, Any]) -> Schedule:
    return Schedule.model_validate(data)


def two_orders() -> dict[str, Any]:
    """A on M1 then M2 (hours 0 and 1), B on M1 at hour 1; both on time."""
    return plan(
        [order("A", due=10, completion=2), order("B", due=10, completion=2)],
        [op("A", "cut", "M1", 0), op("A", "weld", "M2", 1), op("B", "cut", "M1", 1)],
    )


def test_identical_plans_have_no_differences() -> None:
    """A plan compared with itself: nothing moved, a plain summary."""
    same = schedule(two_orders())
    d = diff_schedules(same, same)
    assert d.moved == [] and d.orders_changed == []
    assert d.orders_new == [] and d.orders_gone == []
    assert d.counts.operations_compared == 3
    assert d.summary() == "0 of 3 operations moved"


def test_machine_change_at_the_same_time_is_a_move() -> None:
    """B/cut goes from M1 to M3 at the same instant: moved, delta 0."""
    new = two_orders()
    new["operations"][2]["machine"] = "M3"
    d = diff_schedules(schedule(two_orders()), schedule(new))
    assert [(m.order, m.operation) for m in d.moved] == [("B", "cut")]
    move = d.moved[0]
    assert (move.old_machine, move.new_machine) == ("M1", "M3")
    assert move.machine_changed and move.delta_minutes == 0
    assert d.counts.machine_changed == 1
    assert d.summary() == "1 of 3 operations moved (1 changed machine)"


def test_start_shift_counts_only_beyond_the_tolerance() -> None:
    """A/weld 20 min later, B/cut 15 min earlier; tolerance 15 keeps only A/weld.

    |-15| <= 15 is within the tolerance; 20 is beyond it.
    """
    new = two_orders()
    new["operations"][1] = op("A", "weld", "M2", 1 + 20 / 60)
    new["operations"][2] = op("B", "cut", "M1", 1 - 15 / 60)
    old = schedule(two_orders())
    strict = diff_schedules(old, schedule(new))
    assert [(m.operation, m.delta_minutes) for m in strict.moved] == [
        ("weld", 20),
        ("cut", -15),
    ]
    assert (strict.counts.later, strict.counts.earlier) == (1, 1)
    loose = diff_schedules(old, schedule(new), tolerance_minutes=15)
    assert [(m.order, m.delta_minutes) for m in loose.moved] == [("A", 20)]
    assert loose.counts.moved == 1 and loose.tolerance_minutes == 15


def test_machine_change_within_the_tolerance_is_still_a_move() -> None:
    """Five minutes later on another machine: the tolerance is only for time."""
    new = two_orders()
    new["operations"][0] = op("A", "cut", "M3", 5 / 60)
    d = diff_schedules(schedule(two_orders()), schedule(new), tolerance_minutes=30)
    assert [(m.new_machine, m.delta_minutes) for m in d.moved] == [("M3", 5)]


def test_moves_are_sorted_by_size_largest_first() -> None:
    """Shifts of +1 h, -3 h and +2 h come out as -3 h, +2 h, +1 h."""
    new = two_orders()
    new["operations"] = [
        op("A", "cut", "M1", 1),
        op("A", "weld", "M2", 3),
        op("B", "cut", "M1", -2),
    ]
    d = diff_schedules(schedule(two_orders()), schedule(new))
    assert [m.delta_minutes for m in d.moved] == [-180, 120, 60]


def test_new_order_gone_order_and_a_finished_operation() -> None:
    """Overnight B finished, A's cut is done, and C arrived with two operations."""
    new = plan(
        [order("A", due=10, completion=2), order("C", due=30, completion=4)],
        [op("A", "weld", "M2", 1), op("C", "cut", "M1", 2), op("C", "weld", "M2", 3)],
    )
    d = diff_schedules(schedule(two_orders()), schedule(new))
    assert [o.order for o in d.orders_new] == ["C"]
    assert [o.order for o in d.orders_gone] == ["B"]
    removed = {
        g.order: (g.whole_order, [p.operation for p in g.operations])
        for g in d.operations_removed
    }
    assert removed == {"A": (False, ["cut"]), "B": (True, ["cut"])}
    added = d.operations_added
    assert len(added) == 1 and added[0].whole_order
    assert [p.operation for p in added[0].operations] == ["cut", "weld"]
    assert (d.counts.operations_added, d.counts.operations_removed) == (2, 2)
    assert d.counts.operations_compared == 1 and d.moved == []
    assert d.summary() == (
        "0 of 1 operation moved; 1 new order, 1 order gone, "
        "1 operation gone from kept orders"
    )


def test_orders_becoming_late_and_on_time() -> None:
    """A slips from 2 h early to 3 h late, B from 1 h late to on time.

    A: due 10, completion 8 -> 13 (+5 h). B: due 5, completion 6 -> 5 (-1 h),
    lateness 0 is on time.
    """
    old = plan(
        [order("A", due=10, completion=8), order("B", due=5, completion=6)],
        [op("A", "cut", "M1", 7), op("B", "cut", "M2", 5)],
    )
    new = plan(
        [order("A", due=10, completion=13), order("B", due=5, completion=5)],
        [op("A", "cut", "M1", 12), op("B", "cut", "M2", 4)],
    )
    d = diff_schedules(schedule(old), schedule(new))
    by_id = {c.order: c for c in d.orders_changed}
    a, b = by_id["A"], by_id["B"]
    assert (a.became, a.completion_delta_minutes) == ("late", 300)
    assert (a.old_lateness_minutes, a.new_lateness_minutes) == (-120, 180)
    assert (b.became, b.completion_delta_minutes) == ("on_time", -60)
    assert [c.order for c in d.orders_changed] == ["A", "B"]  # largest move first
    assert d.counts.became_late == d.counts.became_on_time == 1
    assert d.counts.max_order_delay_minutes == 300
    assert d.counts.max_order_gain_minutes == 60
    assert d.kpis["late_orders"].delta == 0  # one in, one out
    assert d.kpis["total_tardiness_minutes"].delta == 180 - 60
    assert d.summary() == (
        "2 of 2 operations moved, 1 order later (max +5 h), "
        "1 order earlier (max \u22121 h), 1 order became late, "
        "1 order became on time"
    )


def test_a_tiny_slip_that_makes_an_order_late_is_always_reported() -> None:
    """One minute past due with a 30-minute tolerance: listed, but not "later"."""
    old = plan([order("A", due=10, completion=10)], [op("A", "cut", "M1", 9)])
    new = plan([order("A", due=10, completion=10 + 1 / 60)], [op("A", "cut", "M1", 9)])
    d = diff_schedules(schedule(old), schedule(new), tolerance_minutes=30)
    assert [(c.order, c.became) for c in d.orders_changed] == [("A", "late")]
    assert d.counts.orders_later == 0 and d.counts.became_late == 1


def test_offsets_and_a_later_start_move_nothing_by_themselves() -> None:
    """Tonight's plan starts a day later and writes +01:00; the same instants match.

    B/cut at hour 1 is 07:00Z = 08:00+01:00: no move although the text differs.
    """
    old = two_orders()
    new = plan(
        old["orders"],
        [
            op(o["order"], o["operation"], o["machine"], h, "+01:00")
            for o, h in zip(old["operations"], (0, 1, 1), strict=True)
        ],
        start="2026-12-01T07:00:00+01:00",
    )
    assert new["operations"][2]["start"] == "2026-11-30T08:00:00+01:00"
    d = diff_schedules(schedule(old), schedule(new))
    assert d.moved == [] and d.counts.operations_compared == 3
    assert d.start_shift_minutes == 1440


def test_naive_instants_are_read_in_the_schedule_time_zone() -> None:
    """07:00 without offset in Berlin (UTC+1 in winter) is 06:00Z: no move."""
    old = two_orders()
    new = plan(
        old["orders"],
        [
            op(o["order"], o["operation"], o["machine"], h, "+01:00")
            for o, h in zip(old["operations"], (0, 1, 1), strict=True)
        ],
        timezone="Europe/Berlin",
    )
    for o in new["operations"]:
        o["start"] = o["start"].removesuffix("+01:00")
    d = diff_schedules(schedule(old), schedule(new))
    assert d.moved == []
    assert d.new_start.utcoffset() == timedelta(hours=1)


def test_kpi_deltas_skip_a_kpi_one_file_leaves_out() -> None:
    """Makespan is optional in a file: compared only when both state it."""
    old = schedule(two_orders())
    shorter = two_orders()
    shorter["kpis"]["makespan_minutes"] = 540
    assert diff_schedules(old, schedule(shorter)).kpis["makespan_minutes"].delta == -60
    silent = schedule(
        plan(two_orders()["orders"], two_orders()["operations"], makespan=None)
    )
    kpis = diff_schedules(old, silent).kpis
    assert "makespan_minutes" not in kpis
    assert kpis["orders"].delta == 0


def test_bad_arguments_are_value_errors() -> None:
    """A negative tolerance or an operation listed twice cannot be compared."""
    good = schedule(two_orders())
    with pytest.raises(ValueError, match="tolerance"):
        diff_schedules(good, good, tolerance_minutes=-1)
    twice = two_orders()
    twice["operations"].append(op("A", "cut", "M1", 5))
    with pytest.raises(ValueError, match="new schedule lists an operation twice"):
        diff_schedules(good, schedule(twice))


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 min"),
        (45, "+45 min"),
        (125, "+2 h 05 min"),
        (310, "+5 h 10 min"),
        (-(1440 + 180), "\u22121 d 3 h"),
        (1440 + 5, "+1 d 0 h 05 min"),
        (-60, "\u22121 h"),
    ],
)
def test_duration_text(minutes: int, text: str) -> None:
    """Signed human durations, a true minus for negatives."""
    assert duration_text(minutes) == text


def test_duration_text_unsigned() -> None:
    """Without sign for amounts that are not changes."""
    assert duration_text(1500, signed=False) == "1 d 1 h"


# --- the command -----------------------------------------------------------


def moved_pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two files: B/cut moves 2 h 05 min later to M3 and B becomes late."""
    name = "[bold]Kä[/x]"  # markup in a customer name must print as is
    a = order("A", due=10, completion=2)
    old = plan(
        [a, order("B", due=3, completion=2, customer=name)],
        two_orders()["operations"],
    )
    new = plan(
        [a, order("B", due=3, completion=2 + 125 / 60, customer=name)],
        [*two_orders()["operations"][:2], op("B", "cut", "M3", 1 + 125 / 60)],
    )
    return (
        write_json(tmp_path / "old.json", old),
        write_json(tmp_path / "new.json", new),
    )


@pytest.mark.cli
def test_cli_text_lists_moved_operations_and_exits_0(tmp_path: Path) -> None:
    """Differences are a report, not a failure; markup in names is printed as is."""
    old, new = moved_pair(tmp_path)
    result = run_cli("diff", old, new)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1 of 3 operations moved (1 changed machine)" in out
    assert "1 order became late" in out
    assert "Moved operations (1)" in out and "M1 → M3" in out
    assert "+2 h 05 min" in out
    assert "Became late (1)" in out and "[bold]Kä[/x]" in out
    # Every order was early before: max lateness keeps its minus sign.
    assert "max lateness    │   \u22121 h │" in out


@pytest.mark.cli
def test_cli_json_has_the_numbers(tmp_path: Path) -> None:
    """`--format json` is one document with the documented keys."""
    old, new = moved_pair(tmp_path)
    result = run_cli("diff", old, new, "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {
        "summary",
        "old_start",
        "new_start",
        "start_shift_minutes",
        "tolerance_minutes",
        "counts",
        "moved",
        "operations_removed",
        "operations_added",
        "orders_changed",
        "orders_new",
        "orders_gone",
        "kpis",
    }
    assert doc["counts"]["moved"] == 1 and doc["counts"]["became_late"] == 1
    [move] = doc["moved"]
    assert move["order"] == "B" and move["delta_minutes"] == 125
    assert (move["old_machine"], move["new_machine"]) == ("M1", "M3")
    assert move["old_start"] == "2026-11-30T07:00:00Z"
    assert doc["kpis"]["late_orders"] == {"old": 0, "new": 1, "delta": 1}
    assert doc["orders_changed"][0]["customer"] == "[bold]Kä[/x]"


@pytest.mark.cli
def test_cli_tolerance_and_limit(tmp_path: Path) -> None:
    """--tolerance hides small shifts; --limit caps rows and says how many are left."""
    old = write_json(tmp_path / "old.json", two_orders())
    later = two_orders()
    later["operations"] = [
        op(o["order"], o["operation"], o["machine"], h)
        for o, h in zip(later["operations"], (0.5, 1.5, 1.25), strict=True)
    ]
    new = write_json(tmp_path / "new.json", later)
    capped = run_cli("diff", old, new, "--limit", "1")
    assert capped.returncode == 0, capped.stderr
    assert "3 of 3 operations moved" in capped.stdout
    assert "… and 2 more (--limit 0 shows all)" in capped.stdout
    loose = run_cli("diff", old, new, "--tolerance", "20", "--format", "json")
    assert json.loads(loose.stdout)["counts"]["moved"] == 2


@pytest.mark.cli
def test_cli_broken_files_exit_1_naming_the_file(tmp_path: Path) -> None:
    """Invalid JSON and a non-schedule: both named with where, no traceback."""
    good = write_json(tmp_path / "good.json", two_orders())
    torn = tmp_path / "torn.json"
    torn.write_text('{"start": ', encoding="utf-8")
    result = run_cli("diff", good, torn)
    assert result.returncode == 1
    assert "torn.json" in result.stderr and "invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    no_kpis = two_orders()
    del no_kpis["kpis"]
    other = write_json(tmp_path / "other.json", no_kpis)
    both = run_cli("diff", torn, other)
    assert both.returncode == 1
    assert "torn.json" in both.stderr
    assert "other.json: kpis" in both.stderr
    missing = run_cli("diff", good, tmp_path / "nowhere.json", "--format", "json")
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["errors"][0]["file"].endswith("nowhere.json")


@pytest.mark.cli
def test_cli_operation_listed_twice_is_invalid_input(tmp_path: Path) -> None:
    """A hand-edited file with a duplicate operation names it by JSON path."""
    twice = two_orders()
    twice["operations"].append(op("A", "cut", "M1", 5))
    good = write_json(tmp_path / "good.json", two_orders())
    bad = write_json(tmp_path / "twice.json", twice)
    result = run_cli("diff", good, bad)
    assert result.returncode == 1
    assert (
        "twice.json: operations[3]: order 'A' operation 'cut' is listed twice"
        in result.stderr
    )


@pytest.mark.cli
def test_cli_unknown_time_zone_is_invalid_input(tmp_path: Path) -> None:
    """A hand-edited time zone name is reported at its JSON path, exit 1."""
    good = write_json(tmp_path / "good.json", two_orders())
    bad = write_json(tmp_path / "zone.json", {**two_orders(), "timezone": "Mars/Base"})
    result = run_cli("diff", good, bad)
    assert result.returncode == 1
    assert "zone.json: timezone: unknown time zone 'Mars/Base'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.cli
def test_cli_text_lists_new_gone_and_finished_work(tmp_path: Path) -> None:
    """B finished, A's cut is done, C arrived: each gets its own table."""
    new = plan(
        [order("A", due=10, completion=2), order("C", due=30, completion=4)],
        [op("A", "weld", "M2", 1), op("C", "cut", "M1", 2), op("C", "weld", "M2", 3)],
    )
    old_file = write_json(tmp_path / "old.json", two_orders())
    new_file = write_json(tmp_path / "new.json", new)
    result = run_cli("diff", old_file, new_file)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "New orders (1)" in out and "Gone orders (1): finished or dropped" in out
    assert "Operations removed from kept orders (1)" in out and "cut (M1)" in out
    assert "Moved operations" not in out
