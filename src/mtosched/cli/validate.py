"""`mtosched validate`: check scenario files without solving.

Every problem is printed with its file and JSON path (exit 1), so that a
broken order file is found before the nightly run, not by it.
"""

from __future__ import annotations

import json
from typing import Any

from mtosched.cli.common import (
    EXIT_OK,
    DebugOpt,
    FilesArg,
    FormatOpt,
    NowOpt,
    Report,
    localized,
    parse_instant,
    run_command,
    stdout,
)
from mtosched.problem import build_problem
from mtosched.scenario import load_scenario


def validate_command(
    files: FilesArg,
    now: NowOpt = None,
    fmt: FormatOpt = Report.text,
    debug: DebugOpt = False,
) -> None:
    """Check scenario files and print every problem with file and JSON path.

    Example:
      mtosched validate plant.json orders.json

    """
    moment = parse_instant(now, "--now")

    def body() -> int:
        scenario = load_scenario(*files)
        problem = build_problem(scenario, now=localized(moment, scenario))
        summary: dict[str, Any] = {
            "valid": True,
            "errors": [],
            "orders": len(problem.orders),
            "operations": len(problem.tasks),
            "machines": len(problem.machines),
        }
        if fmt is Report.json:
            print(json.dumps(summary, indent=2))
        else:
            stdout.print(
                f"[green]Valid.[/green] {summary['orders']} orders to schedule, "
                f"{summary['operations']} operations on {summary['machines']} machines."
            )
        return EXIT_OK

    run_command(body, debug=debug, fmt=fmt)
