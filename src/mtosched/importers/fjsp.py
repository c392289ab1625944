"""Read the flexible job-shop format of Brandimarte and Hurink et al.

The format (``mk01.txt``, Hurink ``edata/la01.txt``...): a header ``n m
[avg]`` (jobs, machines, and an optional average flexibility, ignored), then
one line per job: the number of operations, then per operation in
precedence order ``k`` followed by ``k`` pairs ``machine duration``, machines
numbered from 1. Machine ``k`` becomes ``Mk`` (as numbered in the file) and
job ``j`` (from 0) becomes order ``Jj``. Every machine of the header is
created, even one no operation uses (the header of mk06 declares 15, its data
use 10): unused machines cannot change the makespan.
"""

from __future__ import annotations

from pathlib import Path

from mtosched.importers.common import (
    ImportedOperation,
    LineReader,
    build_scenario,
    read_header,
    read_text,
)
from mtosched.scenario.models import Scenario


def read_fjsp(path: Path | str) -> Scenario:
    """Read a Brandimarte/Hurink file; the scenario is named after the file's stem.

    Raises `InputError` naming the file and line of the first problem.
    """
    path = Path(path)
    return parse_fjsp(read_text(path), file=str(path), name=path.stem)


def parse_fjsp(text: str, *, file: str, name: str) -> Scenario:
    """Parse FJSP text; `file` only names the source in error messages."""
    lines, _, machines = read_header(
        file, text, "jobs machines [flexibility]", _skip_flexibility
    )
    routings = [_job(LineReader(file, line), machines) for line in lines[1:]]
    return build_scenario(
        file, name, [f"M{k}" for k in range(1, machines + 1)], routings
    )


def _skip_flexibility(header: LineReader) -> None:
    """Accept the optional average flexibility, but only if it is a number."""
    tokens = header.line.tokens
    if header.position < len(tokens):
        token = tokens[header.position]
        try:
            float(token)
        except ValueError:
            raise header.error(
                f"average flexibility: '{token}' is not a number"
            ) from None
        header.position += 1


def _job(reader: LineReader, machines: int) -> list[ImportedOperation]:
    """One job line: its operations in order, each with its eligible machines."""
    count = reader.integer("number of operations", minimum=1)
    operations: list[ImportedOperation] = []
    for index in range(count):
        options = reader.integer(
            f"operation {index + 1}: number of machines", minimum=1
        )
        minutes: dict[str, int] = {}
        for _ in range(options):
            machine = reader.machine(machines, first=1)
            duration = reader.integer("duration", minimum=0)
            if machine in minutes:
                raise reader.error(
                    f"operation {index + 1} lists machine {machine[1:]} twice"
                )
            minutes[machine] = duration
        operations.append(ImportedOperation(index, minutes))
    reader.finish()
    return operations
