"""The typed result of `explain`, with its JSON form (`model_dump(mode="json")`).

Instants carry the plant's offset like the schedule's; durations are whole
minutes. `OrderExplanation.minutes` adds up to `span_minutes` (completion
minus the planning start) and `lateness_share` to `tardiness_minutes`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from mtosched.explain.words import CauseKind, duration
from mtosched.scenario.fields import Instant


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Blocker(_Result):
    """Another order's operation that held a machine or a resource.

    For `batch_wait`, a member of the waiting operation's own load that was
    not yet ready, with `ready` saying when it was.
    """

    order: str
    operation: str
    machine: str
    busy_from: Instant = Field(description="Its changeover start, else its start.")
    end: Instant
    running: bool = False
    frozen: bool = False
    batch: str | None = Field(
        default=None, description="Its load's id on a batch machine (`OVEN-1/3`)."
    )
    ready: Instant | None = Field(
        default=None,
        description="For `batch_wait`: when this member could go into the load.",
    )


class Cause(_Result):
    """Minutes of a chain spent on one cause, and what exactly it was.

    `from`/`to` span the first to the last minute attributed (the minutes
    need not be contiguous: a machine busy with the same order before and
    after a night). `text` says it in a planner's words.
    """

    kind: CauseKind
    minutes: int
    from_: Instant = Field(alias="from")
    to: Instant
    text: str
    machine: str | None = None
    blockers: list[Blocker] = []
    resource: str | None = None
    material: str | None = None
    arrival: Instant | None = Field(
        default=None, description="When the material it waited for arrived."
    )
    closed: list[str] = Field(
        default=[], description="Machines and resources not working then."
    )
    closures: list[str] = Field(
        default=[], description="Reasons of dated closures in the window."
    )
    lateness_share: int = Field(
        default=0, description="Its share of the tardiness (minutes)."
    )


class ChainStep(_Result):
    """One operation of the critical chain, first operation first."""

    operation: str
    machine: str
    ready: Instant
    binding: Literal["predecessor", "release", "start", "running"]
    predecessor: str | None = None
    setup_start: Instant | None = None
    start: Instant
    end: Instant
    batch: str | None = Field(
        default=None, description="Its load's id on a batch machine (`OVEN-1/3`)."
    )
    running: bool = False
    frozen: bool = False
    processing_minutes: int
    waiting_minutes: int = Field(
        description="Minutes of the step that are not own processing."
    )
    causes: list[Cause]


class PriorityChange(_Result):
    """Give the order a higher priority than every other order."""

    kind: Literal["priority"] = "priority"
    order: str
    priority: int
    previous: int


class ExtraShiftChange(_Result):
    """Let a machine (and the crews its operation needs) work `[from, to)`.

    Written into the scenario as a weekly shift on that weekday and time,
    with closures on its other weeks from `weeks_from` to `weeks_to`.
    """

    kind: Literal["extra_shift"] = "extra_shift"
    machine: str | None
    resources: list[str] = []
    from_: Instant = Field(alias="from")
    to: Instant
    weeks_from: Instant
    weeks_to: Instant


class ReceiptMove(_Result):
    """One receipt moved earlier."""

    quantity: int
    at: Instant
    previous: Instant


class MaterialChange(_Result):
    """Receive a material earlier: receipts moved, or a shorter lead time."""

    kind: Literal["expedite_material"] = "expedite_material"
    material: str
    receipts: list[ReceiptMove] = []
    lead_time_minutes: int | None = None
    previous_lead_time_minutes: int | None = None


class NoChange(_Result):
    """The control: the same scenario, re-solved with the what-if time limit."""

    kind: Literal["resolve"] = "resolve"


Change = Annotated[
    PriorityChange | ExtraShiftChange | MaterialChange | NoChange,
    Field(discriminator="kind"),
]


class SideEffect(_Result):
    """Another order that ends up later than in the explained schedule."""

    order: str
    lateness_before: int
    lateness_after: int

    @property
    def text(self) -> str:
        """`SO-1007 late by 3h00` or `SO-1007 2h00 later (late by 5h00)`."""
        if self.lateness_before <= 0:
            return f"{self.order} late by {duration(self.lateness_after)}"
        return (
            f"{self.order} {duration(self.lateness_after - self.lateness_before)} "
            f"later (late by {duration(self.lateness_after)})"
        )


class LeverResult(_Result):
    """One what-if: a change, re-solved for real, and what it did."""

    kind: Literal["resolve", "priority", "extra_shift", "expedite_material"]
    text: str
    change: Change
    outcome: Literal["on_time", "improved", "no_better", "failed"]
    lateness_minutes: int | None = None
    improvement_minutes: int | None = Field(
        default=None, description="Tardiness removed, in minutes."
    )
    side_effects: list[SideEffect] = []
    weighted_tardiness_before: int | None = None
    weighted_tardiness_after: int | None = None
    late_orders_before: int | None = None
    late_orders_after: int | None = None
    status: str | None = Field(default=None, description="The re-solve's status.")
    seconds: float = 0.0
    note: str | None = None


class WhatIf(_Result):
    """The levers tried for one order (empty when none was tried, see `note`)."""

    levers: list[LeverResult] = []
    note: str | None = None


class OrderExplanation(_Result):
    """Why one order completes when it does."""

    order: str
    customer: str | None = None
    priority: int
    released: Instant
    due: Instant
    completion: Instant
    lateness_minutes: int
    tardiness_minutes: int
    span_minutes: int = Field(description="Completion minus the planning start.")
    processing_minutes: int
    waiting_minutes: int
    minutes: dict[CauseKind, int] = Field(description="Adds up to span_minutes.")
    lateness_share: dict[CauseKind, int] = Field(
        description="Adds up to tardiness_minutes; zero when on time."
    )
    story: str
    chain: list[ChainStep]
    causes: list[Cause] = Field(description="The chain's causes, largest first.")
    what_if: WhatIf | None = None


class PlantRow(_Result):
    """A machine or resource: its load and the lateness it caused."""

    id: str
    kind: Literal["machine", "resource"]
    name: str | None = None
    utilization: float | None = None
    waiting_minutes: int = Field(
        description="Minutes late orders' chains waited at it (busy, changeover, "
        "non-working)."
    )
    lateness_minutes: int = Field(description="Share of tardiness caused at it.")
    late_orders: list[str] = []


class Explanation(_Result):
    """`explain`'s answer: the orders explained, then the plant view."""

    scenario: str | None = None
    start: Instant
    timezone: str
    late_orders: int
    orders: list[OrderExplanation]
    plant: list[PlantRow]
    what_if_seconds: float = 0.0
    notes: list[str] = []

    def summary(self) -> str:
        """One line for logs."""
        late = [o for o in self.orders if o.tardiness_minutes > 0]
        top = next((row for row in self.plant if row.lateness_minutes > 0), None)
        where = f"; most lateness at {top.id}" if top else ""
        return (
            f"{len(self.orders)} order(s) explained, {len(late)} late "
            f"(of {self.late_orders} late in the schedule){where}"
        )
