"""Read the OR-Library / JSPLIB job-shop format into a makespan scenario.

The format (``ft06``, ``la01``, ``ta01``...): ``#`` comment lines anywhere,
a header ``n m`` (jobs, machines), then one line per job with ``m`` pairs
``machine duration`` in technological order, machines numbered from 0.
Machine ``k`` becomes ``Mk`` and job ``j`` becomes order ``Jj`` so that a
schedule reads against the paper's numbering.
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


def read_jsplib(path: Path | str) -> Scenario:
    """Read a JSPLIB file; the scenario is named after the file's stem.

    Raises `InputError` naming the file and line of the first problem.
    """
    path = Path(path)
    return parse_jsplib(read_text(path), file=str(path), name=path.stem)


def parse_jsplib(text: str, *, file: str, name: str) -> Scenario:
    """Parse JSPLIB text; `file` only names the source in error messages."""
    lines, _, machines = read_header(file, text, "jobs machines")
    routings: list[list[ImportedOperation]] = []
    for line in lines[1:]:
        reader = LineReader(file, line)
        routing = [
            ImportedOperation(
                index,
                {
                    reader.machine(machines, first=0): reader.integer(
                        "duration", minimum=0
                    )
                },
            )
            for index in range(machines)
        ]
        reader.finish()
        routings.append(routing)
    return build_scenario(file, name, [f"M{k}" for k in range(machines)], routings)
