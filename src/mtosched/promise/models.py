"""What `quote` answers: a promise per candidate, its bound and its limits.

Kept apart from the quoting flow so that the CLI, the JSON output and
embedders read one small, stable shape.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mtosched.scenario.fields import Instant
from mtosched.schedule import Schedule


class Limit(BaseModel):
    """One thing that holds the promise back, in `explain`'s vocabulary."""

    model_config = ConfigDict(frozen=True)

    kind: str
    minutes: int
    text: str


class CandidateQuote(BaseModel):
    """The answer for one candidate configuration of the new order."""

    model_config = ConfigDict(frozen=True)

    order: str
    customer: str | None = None
    product: str | None = None
    options: dict[str, str] = {}
    requested: Instant = Field(description="The due date the order asks for.")
    promise: Instant | None = Field(
        default=None, description="The earliest completion found; none if none."
    )
    lower_bound: Instant | None = Field(
        default=None, description="No schedule completes the order earlier."
    )
    gap_minutes: int | None = None
    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    meets_request: bool | None = None
    date: Instant | None = Field(default=None, description="The date asked about.")
    answer: Literal["yes", "no", "undecided"] | None = None
    limits: list[Limit] = []
    reasons: list[str] = Field(
        default=[], description="Why no date can be promised (status infeasible)."
    )
    seconds: float = 0.0
    schedule: Schedule | None = Field(default=None, exclude=True)


class Quote(BaseModel):
    """`quote`'s answer: one entry per candidate, earliest promise first."""

    model_config = ConfigDict(frozen=True)

    scenario: str | None = None
    start: Instant
    timezone: str
    current: Literal["given", "solved"]
    frozen_until: Instant | None = None
    candidates: list[CandidateQuote]

    @property
    def best(self) -> CandidateQuote | None:
        """The candidate with the earliest promise."""
        promised = [c for c in self.candidates if c.promise is not None]
        return min(promised, key=lambda c: c.promise or c.requested, default=None)
