"""Reading an `Explanation` in tests: one order, its nonzero minutes, the invariants.

Shared by the explain tests and the format 1.1 loop test, which check the
same documented invariants on every explanation they make.
"""

from __future__ import annotations

from mtosched.explain import CAUSE_KINDS, Explanation, OrderExplanation


def only(explanation: Explanation, oid: str) -> OrderExplanation:
    """The one explained order with id `oid`."""
    found = [o for o in explanation.orders if o.order == oid]
    assert len(found) == 1
    return found[0]


def nonzero(explained: OrderExplanation) -> dict[str, int]:
    """Minutes per cause, the causes with none left out."""
    return {k: v for k, v in explained.minutes.items() if v}


def assert_adds_up(explained: OrderExplanation) -> None:
    """The documented invariants: minutes tile the span, shares the tardiness."""
    assert set(explained.minutes) == set(CAUSE_KINDS)
    assert sum(explained.minutes.values()) == explained.span_minutes
    assert sum(explained.lateness_share.values()) == explained.tardiness_minutes
    steps = sum(s.processing_minutes + s.waiting_minutes for s in explained.chain)
    assert steps == explained.span_minutes
