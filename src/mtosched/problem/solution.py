"""A solution in problem terms: one placement per task, in minutes."""

from __future__ import annotations

from dataclasses import dataclass

from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement


@dataclass(frozen=True, slots=True)
class Solution:
    """Where and when every task of a `Problem` runs (same order as its tasks)."""

    placements: tuple[Placement, ...]

    def completion(self, problem: Problem, order: int) -> int:
        """When the order's last task ends (minutes from start)."""
        return max(self.placements[t].end for t in problem.orders[order].tasks)
