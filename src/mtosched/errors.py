"""Typed exceptions that the CLI maps to exit codes in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in the input, located by file and JSON path."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}: {self.path}" if self.path else self.file
        return f"{location}: {self.message}"


class MtoschedError(Exception):
    """Base class of every error mtosched raises on purpose."""


class InputError(MtoschedError):
    """The input cannot be used; carries every issue found, not just the first."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Issue]]]:
        # Rebuilt from its issues, not its message: a cluster job returns
        # the error to the client pickled (the default rebuilt it from text).
        return type(self), (self.issues,)


class InfeasibleError(MtoschedError):
    """No schedule satisfies the hard constraints; `reasons` says which ones."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))

    def __reduce__(self) -> tuple[type[InfeasibleError], tuple[list[str]]]:
        # Rebuilt from its reasons, as `InputError` is from its issues.
        return type(self), (self.reasons,)


class NoScheduleFoundError(MtoschedError):
    """The time limit ran out before any feasible schedule was found."""


class ScheduleMismatchError(MtoschedError):
    """A schedule does not fit its scenario; `violations` says where.

    Raised by `explain` and `quote`, which can only reason about a schedule
    that the scenario could have produced.
    """

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        super().__init__("; ".join(violations))

    def __reduce__(self) -> tuple[type[ScheduleMismatchError], tuple[list[str]]]:
        # Rebuilt from its violations, as `InputError` is from its issues.
        return type(self), (self.violations,)


class UnknownOrderError(InputError):
    """An order asked about is not in the schedule (unknown, or not scheduled)."""


class PromiseCheckError(MtoschedError):
    """A quoted promise failed its own proof: a bug, reported rather than hidden."""
