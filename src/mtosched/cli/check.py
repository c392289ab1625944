"""`mtosched check`: verify a schedule against its scenario.

The verifier is independent of the solver (no OR-Tools): it recomputes
feasibility and every objective term, so a schedule edited by hand or made
by another tool is judged the same way. Exit 0 valid, 5 a violation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mtosched.api import check as check_schedule
from mtosched.api import read_schedule
from mtosched.cli.common import (
    EXIT_GATE,
    EXIT_OK,
    DebugOpt,
    FilesArg,
    FormatOpt,
    FreezeOpt,
    PreviousOpt,
    Report,
    ScheduleNowOpt,
    StabilityToleranceOpt,
    localized,
    parse_instant,
    recorded_reference,
    require_previous,
    run_command,
    stdout,
)
from mtosched.cli.render import render_check
from mtosched.problem import build_problem
from mtosched.scenario import load_scenario


def check_command(
    files: FilesArg,
    schedule_file: Annotated[
        Path, typer.Option("--schedule", help="The schedule JSON to verify.")
    ],
    now: ScheduleNowOpt = None,
    previous: PreviousOpt = None,
    freeze: FreezeOpt = None,
    stability_tolerance: StabilityToleranceOpt = None,
    fmt: FormatOpt = Report.text,
    debug: DebugOpt = False,
) -> None:
    """Verify a schedule against its scenario, independently of the solver.

    With --previous (and --freeze), frozen operations must be where the
    previous schedule had them, and 'stability' is recomputed against it
    (tolerance: the option, else what the schedule records). Exit 0 when
    valid, 5 when a violation is found.

    Examples:
      mtosched check plant.json orders.json --schedule plan.json

      mtosched check plant.json orders.json --schedule tonight.json
      --previous last-night.json --freeze 8

    """
    moment = parse_instant(now, "--now")
    require_previous(previous, freeze, stability_tolerance)

    def body() -> int:
        scenario = load_scenario(*files)
        plan = read_schedule(schedule_file)
        at = localized(moment, scenario) or plan.start
        reference = recorded_reference(
            previous,
            plan,
            freeze=freeze,
            stability_tolerance=stability_tolerance,
        )
        problem = build_problem(scenario, now=at, previous=reference)
        report = check_schedule(problem, plan)
        if fmt is Report.json:
            print(
                json.dumps(
                    {
                        "ok": report.ok,
                        "violations": list(report.violations),
                        "objective": report.evaluation.terms
                        if report.evaluation
                        else None,
                    },
                    indent=2,
                )
            )
        else:
            render_check(stdout, report)
            if plan.previous is not None and previous is None:
                stdout.print(
                    "note: the schedule was rescheduled against "
                    f"{plan.previous.source}; pass it with --previous to verify "
                    "frozen operations and 'stability'",
                    markup=False,
                    highlight=False,
                )
        return EXIT_OK if report.ok else EXIT_GATE

    run_command(body, debug=debug, fmt=fmt)
