"""What the classic-format readers share: numbered lines and the scenario build.

The benchmark formats (JSPLIB, Brandimarte/Hurink) are bare integers, so the
only way to tell a user where a file is broken is its line number: every
reader works line by line through `DataLine` and reports `Issue(file,
"line N", ...)` rather than a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtosched.errors import InputError, Issue
from mtosched.scenario.models import Scenario

#: Every imported order is released at this instant; the classic instances have
#: no calendar, so any instant works and a fixed one keeps imports repeatable.
IMPORT_START = "2026-01-01T00:00:00Z"


@dataclass(frozen=True, slots=True)
class DataLine:
    """One non-blank, non-comment line: its 1-based number and its tokens."""

    number: int
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportedOperation:
    """One operation of a job: its index in the job and minutes per machine id."""

    index: int
    minutes: dict[str, int]


def read_text(path: Path) -> str:
    """Read a benchmark file, turning OS and encoding errors into input errors."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise InputError([Issue(str(path), "", f"cannot read: {reason}")]) from None


def data_lines(text: str) -> Iterator[DataLine]:
    """Yield the lines that carry data, skipping blanks and ``#`` comments.

    JSPLIB files open with a ``#`` block (ta files do not) and Brandimarte
    files end with blank lines; neither is data.
    """
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield DataLine(number, tuple(stripped.split()))


class LineReader:
    """Integers of one data line, consumed left to right with located errors."""

    def __init__(self, file: str, line: DataLine) -> None:
        self.file = file
        self.line = line
        self.position = 0

    def error(self, message: str) -> InputError:
        """An input error located at this line."""
        return InputError([Issue(self.file, f"line {self.line.number}", message)])

    def integer(self, what: str, *, minimum: int = 0) -> int:
        """The next token as an integer of at least `minimum`, named `what`."""
        if self.position >= len(self.line.tokens):
            raise self.error(f"the line ends where {what} was expected")
        token = self.line.tokens[self.position]
        self.position += 1
        try:
            value = int(token)
        except ValueError:
            raise self.error(f"{what}: '{token}' is not a whole number") from None
        if value < minimum:
            raise self.error(f"{what}: {value} is less than {minimum}")
        return value

    def machine(self, count: int, *, first: int) -> str:
        """The next token as a machine number in ``first..first+count-1``: its id."""
        # The range check names the numbering, so a 0-based file read as FJSP
        # (or the reverse) explains itself.
        number = self.integer("machine number", minimum=-(2**63))
        if not first <= number < first + count:
            raise self.error(
                f"machine {number} is out of range: the header declares "
                f"{count} machines, numbered from {first}"
            )
        return f"M{number}"

    def finish(self) -> None:
        """Refuse numbers left over: a miscounted line would shift every job."""
        left = len(self.line.tokens) - self.position
        if left:
            raise self.error(f"{left} unexpected value(s) at the end of the line")


def read_header(
    file: str,
    text: str,
    header: str,
    rest: Callable[[LineReader], None] | None = None,
) -> tuple[list[DataLine], int, int]:
    """The data lines and the header's job and machine counts.

    `header` describes the expected first line for the error message;
    `rest` reads whatever a format adds after the two counts.
    """
    lines = list(data_lines(text))
    if not lines:
        raise LineReader(file, DataLine(1, ())).error(
            f"no header '{header}' found (empty file?)"
        )
    reader = LineReader(file, lines[0])
    jobs = reader.integer("number of jobs", minimum=1)
    machines = reader.integer("number of machines", minimum=1)
    if rest is not None:
        rest(reader)
    reader.finish()
    check_job_count(file, lines, jobs)
    return lines, jobs, machines


def check_job_count(file: str, lines: Sequence[DataLine], jobs: int) -> None:
    """The header's job count must match the job lines: catches truncated files."""
    found = len(lines) - 1
    if found < jobs:
        last = lines[-1].number if lines else 1
        raise InputError(
            [
                Issue(
                    file,
                    f"line {last}",
                    f"the header declares {jobs} jobs but the file ends after "
                    f"{found} (truncated?)",
                )
            ]
        )
    if found > jobs:
        extra = lines[jobs + 1].number
        raise InputError(
            [
                Issue(
                    file,
                    f"line {extra}",
                    f"the header declares {jobs} jobs; this line is one too many",
                )
            ]
        )


def build_scenario(
    file: str,
    name: str,
    machines: Sequence[str],
    jobs: Sequence[Sequence[ImportedOperation]],
) -> Scenario:
    """A makespan scenario: one order per job, each an inline routing chain.

    The contract requires at least one minute per operation, yet a few
    classic files (orb07 and its Hurink variants) contain zero-minute
    operations. Such an operation is dropped: it occupies no machine time, and
    its predecessor still precedes its successor through the chain, so the
    optimal makespan is unchanged. An operation with a zero-minute alternative
    is dropped too (running it on that machine costs nothing). Operation ids
    keep their position in the job (``o0, o1, o3``), so a dropped one shows as
    a gap; a job left with no operation is left out.
    """
    orders: list[dict[str, Any]] = []
    for job_index, operations in enumerate(jobs):
        routing = [_operation(op) for op in operations if min(op.minutes.values()) > 0]
        if routing:
            orders.append(
                {
                    "id": f"J{job_index}",
                    "routing": routing,
                    "released": IMPORT_START,
                    # Any due date works for a makespan objective.
                    "due": IMPORT_START,
                }
            )
    if not orders:
        raise InputError([Issue(file, "", "no operation takes more than zero minutes")])
    data = {
        "name": name,
        "timezone": "UTC",
        "start": IMPORT_START,
        "machines": [{"id": machine} for machine in machines],
        "orders": orders,
        "objective": {"terms": ["makespan"]},
    }
    return Scenario.model_validate(data).with_origins(file)


def _operation(op: ImportedOperation) -> dict[str, Any]:
    """List form for one machine (the common case, easier to read), else object."""
    if len(op.minutes) == 1:
        ((machine, minutes),) = op.minutes.items()
        return {"id": f"o{op.index}", "machines": [machine], "minutes": minutes}
    return {"id": f"o{op.index}", "machines": dict(op.minutes)}
