"""Why is this order late? Critical chains, causes in minutes, what-ifs.

`explain(scenario, schedule)` walks each late order's critical chain back
from its last operation (`chain.py`), attributes every minute from the
planning start to its completion to one cause (`attribution.py`), re-solves
with a few levers to find changes that put it on time (`levers.py`,
`whatif.py`) and charges the lateness to machines and crews (`plant.py`).
"""

# Defined with the other exceptions; named here too, as `explain` raises them.
from mtosched.errors import ScheduleMismatchError, UnknownOrderError
from mtosched.explain.changes import apply_change
from mtosched.explain.explainer import ExplainParams, explain
from mtosched.explain.levers import describe_change
from mtosched.explain.report import (
    Cause,
    ChainStep,
    Explanation,
    LeverResult,
    OrderExplanation,
    PlantRow,
)
from mtosched.explain.words import CAUSE_KINDS, CAUSE_LABELS, CauseKind

__all__ = [
    "CAUSE_KINDS",
    "CAUSE_LABELS",
    "Cause",
    "CauseKind",
    "ChainStep",
    "ExplainParams",
    "Explanation",
    "LeverResult",
    "OrderExplanation",
    "PlantRow",
    "ScheduleMismatchError",
    "UnknownOrderError",
    "apply_change",
    "describe_change",
    "explain",
]
