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
    DataLine,
    ImportedOperation,
    LineReader,
    build_scenario,
    check_job_count,
    data_lines,
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
    lines = list(data_lines(text))
    if not lines:
        raise LineReader(file, DataLine(1, ())).error(
            "no header 'jobs machines' found (empty file?)"
        )
    header = LineReader(file, lines[0])
    jobs = header.integer("number of jobs", minimum=1)
    machines = header.integer("number of machines", minimum=1)
    header.finish()
    check_job_count(file, lines, jobs)
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
