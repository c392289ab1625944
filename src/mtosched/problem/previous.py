"""The previous night's plan, as the reference for rescheduling.

Tonight's problem takes three things from it: operations inside the frozen
horizon keep their machine and start, every other operation that still
exists has a planned slot to stay close to (the `stability` term), and the
plan itself warm-starts the search.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from mtosched.scenario.fields import ObjectiveTerm

#: Weight of moving work planned within the next day; one less per day
#: further out, and never below 1 (work a week away matters least).
NEAREST_WEIGHT = 8


@dataclass(frozen=True, slots=True)
class PlannedOperation:
    """Where the previous plan ran one operation."""

    machine: str
    start: datetime
    setup_start: datetime | None = None


@dataclass(frozen=True)
class PreviousPlan:
    """Last night's schedule in scenario terms (ids and instants).

    `operations` maps (order id, operation id) to its planned slot.
    `freeze_hours` freezes what the plan started before now + that many
    hours; `stability_tolerance` is how many minutes a start may shift and
    still count as unmoved. With `add_stability`, the `stability` term joins
    an objective that does not name it, right after `weighted_tardiness`.
    """

    source: str
    operations: Mapping[tuple[str, str], PlannedOperation] = field(repr=False)
    freeze_hours: float | None = None
    stability_tolerance: int = 0
    add_stability: bool = True

    def __post_init__(self) -> None:
        if self.freeze_hours is not None and self.freeze_hours < 0:
            raise ValueError("freeze_hours must not be negative")
        if self.stability_tolerance < 0:
            raise ValueError("stability_tolerance must not be negative")

    def objective(self, terms: tuple[ObjectiveTerm, ...]) -> tuple[ObjectiveTerm, ...]:
        """The objective with `stability` placed where a planner expects it."""
        if not self.add_stability or "stability" in terms:
            return terms
        after = (
            terms.index("weighted_tardiness") + 1
            if "weighted_tardiness" in terms
            else 1
        )
        return (*terms[:after], "stability", *terms[after:])


def stability_weight(planned_start: int) -> int:
    """How much moving a task planned at this minute (from now) costs."""
    days_ahead = max(0, planned_start) // 1440
    return max(1, NEAREST_WEIGHT - days_ahead)
