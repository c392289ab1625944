"""`mtosched schedule`: solve a scenario and write the schedule.

The nightly run: read the scenario files, solve within the time limit
(optionally against last night's plan), print a summary and write every
`-o` file, all or none. Signals stop the search but keep the best schedule
(`stopping.py`); `--fail-on-late` turns late orders into exit 5.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import replace
from typing import Annotated

import typer

from mtosched.api import previous_plan, solve
from mtosched.cli.common import (
    EXIT_GATE,
    EXIT_OK,
    DebugOpt,
    FilesArg,
    FormatOpt,
    FreezeOpt,
    NowOpt,
    PreviousOpt,
    QuietOpt,
    Report,
    SeedOpt,
    StabilityToleranceOpt,
    TimeLimitOpt,
    WorkersOpt,
    localized,
    parse_instant,
    require_previous,
    require_writable,
    run_command,
    stderr,
    stdout,
)
from mtosched.cli.render import render_schedule, render_timing, schedule_report
from mtosched.cli.stopping import EXIT_CODES, run_stoppable
from mtosched.export import FORMATS, export_schedules, is_supported
from mtosched.export.json_writer import schedule_json
from mtosched.params import SolveParams, SolveProgress, StopRequest
from mtosched.scenario import load_scenario
from mtosched.schedule import Schedule


def schedule_command(
    files: FilesArg,
    now: NowOpt = None,
    time_limit: TimeLimitOpt = 60.0,
    workers: WorkersOpt = None,
    seed: SeedOpt = 0,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "-o",
            "--output",
            help="Write the schedule in the format its extension names "
            "(.json, .csv, .xlsx, .svg, .html); '-' = JSON to stdout. Repeatable.",
        ),
    ] = None,
    fmt: FormatOpt = Report.text,
    fail_on_late: Annotated[
        bool, typer.Option(help="Exit 5 when any order is late (a CI gate).")
    ] = False,
    quiet: QuietOpt = False,
    previous: PreviousOpt = None,
    freeze: FreezeOpt = None,
    stability_tolerance: StabilityToleranceOpt = None,
    stability: Annotated[
        bool,
        typer.Option(
            help="With --previous: add the 'stability' term after weighted "
            "tardiness when the objective does not name it."
        ),
    ] = True,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Print where the solve's time went (also under solver.timing "
            "in the JSON output).",
        ),
    ] = False,
    portfolio: Annotated[
        int,
        typer.Option(
            min=1,
            help="Race N diverse searches on Dask and keep the best (1: off).",
        ),
    ] = 1,
    cluster: Annotated[
        str | None,
        typer.Option(help="Dask scheduler for --portfolio (default: local)."),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Solve a scenario, print a summary and write the schedule.

    Ctrl-C or SIGTERM stops the search within a second or two: the best
    schedule so far is written and reported as interrupted, and the exit
    code is 130 (SIGINT) or 143 (SIGTERM). A second signal stops at once.

    Examples:
      mtosched schedule instances/bespoke-cars.json

      mtosched schedule plant.json orders.json --time-limit 30 -o plan.json -o plan.csv

      mtosched schedule plant.json orders.json -o - --fail-on-late > plan.json

      mtosched schedule plant.json orders.json --now 2026-12-01T22:00+01:00
      --previous last-night.json --freeze 8 -o tonight.json

    """
    targets = output or []
    for target in targets:
        if target != "-" and not is_supported(target):
            raise typer.BadParameter(
                f"'{target}': unsupported output format "
                f"(use {', '.join(sorted(FORMATS))}, or '-')",
                param_hint="-o",
            )
    _check_targets(targets)
    moment = parse_instant(now, "--now")
    require_previous(previous, freeze, stability_tolerance)

    def body() -> int:
        started = time.monotonic()  # the limit counts reading the files too
        scenario = load_scenario(*files)
        plan = (
            previous_plan(
                previous,
                freeze_hours=freeze,
                stability_tolerance=stability_tolerance or 0,
                add_stability=stability,
            )
            if previous is not None
            else None
        )
        planning_start = localized(moment, scenario)
        live = not quiet and stderr.is_terminal
        params = SolveParams(
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            portfolio=portfolio,
            cluster=cluster,
        )

        def run(stop: StopRequest) -> Schedule:
            return solve(
                scenario,
                replace(params, stop=stop),
                now=planning_start,
                previous=plan,
                started=started,
            )

        if live:
            with stderr.status("solving…") as status:

                def show(p: SolveProgress) -> None:
                    best = "-" if p.objective is None else f"{p.objective:.0f}"
                    bound = "-" if p.bound is None else f"{p.bound:.0f}"
                    status.update(
                        f"solving {p.stage}: {p.elapsed:5.1f} s  "
                        f"best {best}  bound {bound}"
                    )

                params = replace(params, progress=show)
                result, stop = run_stoppable(run)
        else:
            result, stop = run_stoppable(run)
        if verbose:
            render_timing(stderr, result)
        files_out = [target for target in targets if target != "-"]
        export_schedules(result, files_out)  # all or none
        if "-" in targets:
            write_stdout(schedule_json(result))
        written = list(targets)
        summary_console = stderr if "-" in targets else stdout
        if fmt is Report.json:
            if "-" in targets:
                stderr.print_json(
                    json.dumps(schedule_report(result, written), default=str)
                )
            else:
                print(
                    json.dumps(schedule_report(result, written), indent=2, default=str)
                )
        else:
            render_schedule(summary_console, result)
            for target in written:
                if target != "-":
                    summary_console.print(f"wrote {target}")
        if result.solver is not None and result.solver.interrupted:
            stderr.print(
                f"interrupted ({stop.reason}): wrote the best schedule found so far"
            )
            return EXIT_CODES.get(stop.reason or "", EXIT_CODES["SIGINT"])
        if fail_on_late and result.kpis.late_orders:
            stderr.print(f"gate failed: {result.kpis.late_orders} late order(s)")
            return EXIT_GATE
        return EXIT_OK

    run_command(body, debug=debug, fmt=fmt)


def _check_targets(targets: list[str]) -> None:
    """Every `-o` file must be writable before the solve starts (exit 2)."""
    for target in targets:
        if target != "-":
            require_writable(target, "-o")


def write_stdout(text: str) -> None:
    """Write all of `text` to standard output, or raise BrokenPipeError.

    `sys.stdout` dropped the rest of a short write into a pipe whose reader
    had gone (`| head`) and the run ended 0; `os.write` reports it, so the
    run ends 141 as documented (issue 16).
    """
    sys.stdout.flush()
    view = memoryview(text.encode("utf-8"))
    descriptor = sys.stdout.fileno()
    while view:
        view = view[os.write(descriptor, view) :]
