"""Transfer lots in the CP-SAT model: exact with both sides of a pair free.

On drawn plants with lots on calendars with breaks (interruptible work or
not, set-ups, a choice of saws, lots chained over two steps), every step's
model must hold the dispatch schedule fixed as its hint (the lot bounds
are not too tight) and its optimum must pass the checker (not too loose),
whatever share of the plant a step frees, both sides of a pair included.
"""

from __future__ import annotations

from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.cpsat.test_batches import DAYS, START, assert_step_holds, instant
from tests.oracles.test_properties import PROPERTIES


def _hours(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """06:00-18:00 with one break of 10-30 minutes somewhere in the morning."""
    pause = draw(st.integers(10, 120))
    length = draw(st.integers(10, 30))

    def clock(minute: int) -> str:
        hours, minutes = divmod(6 * 60 + minute, 60)
        return f"{hours:02d}:{minutes:02d}"

    return {"id": name, "shifts": [
        {"days": DAYS, "from": "06:00", "to": clock(pause)},
        {"days": DAYS, "from": clock(pause + length), "to": "18:00"}]}  # fmt: skip


@st.composite
def lines(draw: st.DrawFn) -> dict[str, Any]:
    """Orders of several units, cut then welded then maybe painted, in lots."""
    calendars = [_hours(draw, "a"), _hours(draw, "b")]
    machines: list[dict[str, Any]] = []
    for name in ("SAW-1", "SAW-2", "WELD", "PAINT"):
        machine: dict[str, Any] = {"id": name}
        calendar = draw(st.sampled_from([None, "a", "b"]))
        if calendar is not None:
            machine["calendar"] = calendar
        machines.append(machine)
    orders = []
    for j in range(draw(st.integers(1, 4))):
        quantity = draw(st.integers(2, 6))

        def step(
            op: str, on: list[str], after: str | None, quantity: int = quantity
        ) -> dict[str, Any]:
            operation: dict[str, Any] = {
                "id": op,
                "machines": on,
                "minutes_per_unit": draw(st.integers(3, 15)),
            }
            if draw(st.integers(0, 2)) == 0:
                operation["setup_minutes"] = draw(st.sampled_from([5, 10]))
            if draw(st.integers(0, 2)) == 0:
                operation["interruptible"] = False
            if after is not None:
                operation["after"] = [after]
                if draw(st.integers(0, 3)) > 0:
                    operation["transfer_quantity"] = draw(st.integers(1, quantity - 1))
            return operation

        saws = draw(st.lists(st.sampled_from(["SAW-1", "SAW-2"]), min_size=1,
                             unique=True))  # fmt: skip
        routing = [step("cut", saws, None), step("weld", ["WELD"], "cut")]
        if draw(st.booleans()):
            routing.append(step("paint", ["PAINT"], "weld"))
        orders.append({
            "id": f"O{j}", "routing": routing, "quantity": quantity,
            "due": instant(draw(st.integers(0, 400))),
            "priority": draw(st.integers(1, 3)),
        })  # fmt: skip
    terms = draw(st.sampled_from(
        [["weighted_tardiness", "flow_time"], ["makespan"], ["flow_time"]]))  # fmt: skip
    return {
        "timezone": "UTC",
        "start": START,
        "calendars": calendars,
        "machines": machines,
        "orders": orders,
        "objective": {"terms": terms},
    }


@settings(PROPERTIES, max_examples=150)
@given(lines(), st.integers(0, 10**6))
def test_a_step_on_lot_lines_holds_its_incumbent_and_never_loses(
    data: dict[str, Any], seed: int
) -> None:
    """Every step's model holds the incumbent, and its optimum checks."""
    lots = sum(
        "transfer_quantity" in op for order in data["orders"] for op in order["routing"]
    )
    event("with lots" if lots else "no lots")
    assert_step_holds(data, seed)
