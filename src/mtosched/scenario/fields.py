"""The field types every contract model is built from, and their limits.

Instants, ids, minutes, quantities and the objective terms, each with the
bounds that keep CP-SAT's 64-bit arithmetic exact (issue 16).
`models.py` assembles the sections of a scenario file from these.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
)


def _parse_instant(value: Any) -> Any:
    """Accept only ISO 8601 strings: numbers would be read as Unix seconds."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("an instant must be an ISO 8601 string")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"'{value}' is not an ISO 8601 instant (e.g. 2026-11-30T06:00:00Z)"
        ) from None


#: An instant as written; a naive one is read in the scenario's time zone later.
Instant = Annotated[
    datetime,
    BeforeValidator(_parse_instant),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
]


def _check_id(value: str) -> str:
    if value != value.strip() or not value:
        raise ValueError("an id must be non-empty, without surrounding spaces")
    return value


Id = Annotated[str, AfterValidator(_check_id)]

#: The longest duration, wait or lead time accepted: a century of minutes.
#: Far beyond any real plan, and small enough that sums over a million tasks
#: stay exact in CP-SAT's 64-bit integers (issue 16: 1e20 minutes crashed it).
MAX_MINUTES = 100 * 366 * 1440
#: The largest count accepted for an order, a capacity or a per-unit amount.
MAX_QUANTITY = 1_000_000
#: The largest stock or receipt: per-unit amounts times quantities fit below it.
MAX_STOCK = MAX_QUANTITY * MAX_QUANTITY
#: The largest order priority. Priority x tardiness summed over a million
#: orders on a century-long horizon stays below 2**63, the range of CP-SAT's
#: objective (issue 16: a priority of 1e15 overflowed it).
MAX_PRIORITY = 10_000
#: Machine speeds accepted: a thousand times slower or faster than nominal.
#: Without a floor, 1e-999999 made the exact duration overflow `decimal`.
MIN_SPEED, MAX_SPEED = Decimal("0.001"), Decimal(1000)

Minutes = Annotated[int, Field(ge=0, le=MAX_MINUTES, strict=True)]
PositiveMinutes = Annotated[int, Field(ge=1, le=MAX_MINUTES, strict=True)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True)]
Stock = Annotated[int, Field(ge=0, le=MAX_STOCK, strict=True)]
Priority = Annotated[int, Field(ge=1, le=MAX_PRIORITY, strict=True)]
ClockTime = Annotated[
    str, Field(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", examples=["06:00"])
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ObjectiveTerm = Literal[
    "weighted_tardiness",
    "max_lateness",
    "late_orders",
    "earliness",
    "flow_time",
    "makespan",
    "changeover_minutes",
    "stability",
]
DEFAULT_OBJECTIVE: tuple[ObjectiveTerm, ...] = ("weighted_tardiness", "flow_time")
