"""`mtosched import`: turn a classic benchmark file into a scenario JSON file.

So that "try mtosched on ft06" is one command: the imported scenario is an
ordinary scenario file that `validate`, `schedule` and `check` accept.
Broken input exits 1 with the file and line, through the shared `run_command`.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mtosched.cli.common import (
    EXIT_OK,
    DebugOpt,
    Report,
    require_writable,
    run_command,
    stderr,
)
from mtosched.export.atomic import write_atomically
from mtosched.importers import READERS


class Source(StrEnum):
    """The benchmark formats `import` reads (an unknown one is a usage error)."""

    jsplib = "jsplib"
    fjsp = "fjsp"


def import_command(
    source: Annotated[
        Source,
        typer.Argument(
            help="'jsplib': OR-Library/JSPLIB job shop; "
            "'fjsp': Brandimarte/Hurink flexible job shop.",
            show_default=False,
        ),
    ],
    file: Annotated[
        Path, typer.Argument(help="The benchmark text file.", show_default=False)
    ],
    output: Annotated[
        str,
        typer.Option(
            "-o", "--output", help="Scenario JSON file to write; '-' = stdout."
        ),
    ] = "-",
    debug: DebugOpt = False,
) -> None:
    """Import a classic benchmark instance as a makespan scenario.

    One order per job, machines working around the clock, everything released
    at the scenario's start. Zero-minute operations are dropped (they cannot
    change the makespan, and the contract needs at least one minute).

    Examples:
      mtosched import jsplib ft06 -o ft06.json

      mtosched import fjsp mk01.txt | mtosched validate /dev/stdin

    """
    if output != "-":
        require_writable(output, "-o")  # before reading, as `schedule -o` does

    def body() -> int:
        scenario = READERS[source.value](file)
        data = scenario.model_dump(mode="json", by_alias=True, exclude_unset=True)
        text = json.dumps(data, indent=2) + "\n"
        if output == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomically(Path(output), text)
            operations = sum(len(o.routing or []) for o in scenario.orders)
            stderr.print(
                f"wrote {output}: {len(scenario.orders)} orders, {operations} "
                f"operations on {len(scenario.machines)} machines",
                markup=False,
            )
        return EXIT_OK

    run_command(body, debug=debug, fmt=Report.text)
