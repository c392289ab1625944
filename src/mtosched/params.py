"""Solve parameters and progress reports, shared by the API and the CLI."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SolveProgress:
    """A progress report: the current stage's incumbent and proved bound.

    `elapsed` is wall-clock seconds since `solve` started; `objective` and
    `bound` are in the stage term's units (minutes, or weighted minutes).
    """

    stage: str
    objective: float | None
    bound: float | None
    elapsed: float


ProgressCallback = Callable[[SolveProgress], None]


def default_workers() -> int:
    """All cores up to 8: CP-SAT's portfolio gains little beyond that here."""
    return max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How long and how to search.

    `time_limit` is wall-clock seconds for the whole solve, all lexicographic
    stages together. With `workers=1` and a fixed `seed`, a solve that ends
    before the time limit is repeatable run to run.
    """

    time_limit: float = 60.0
    workers: int | None = None
    seed: int = 0
    progress: ProgressCallback | None = None
    log_search: bool = False

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")
        if self.workers is not None and self.workers < 1:
            raise ValueError("workers must be at least 1")

    @property
    def effective_workers(self) -> int:
        """The worker count actually used."""
        return self.workers or default_workers()
