"""The `mtosched` command line: thin, over the public API."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from mtosched import __version__
from mtosched.api import check as check_schedule
from mtosched.api import previous_plan, read_schedule, solve
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
    ScheduleNowOpt,
    SeedOpt,
    StabilityToleranceOpt,
    TimeLimitOpt,
    WorkersOpt,
    localized,
    parse_instant,
    recorded_reference,
    require_previous,
    run_command,
    stderr,
    stdout,
)
from mtosched.cli.diffing import diff_command
from mtosched.cli.explaining import explain_command
from mtosched.cli.importing import import_command
from mtosched.cli.quoting import quote_command
from mtosched.cli.render import (
    render_check,
    render_schedule,
    render_timing,
    schedule_report,
)
from mtosched.cli.show import show
from mtosched.cli.stopping import EXIT_CODES, run_stoppable
from mtosched.export import FORMATS, export_schedules, is_supported, unwritable
from mtosched.export.json_writer import schedule_json
from mtosched.params import SolveParams, SolveProgress, StopRequest
from mtosched.problem import build_problem
from mtosched.scenario import load_scenario
from mtosched.schedule import Schedule

app = typer.Typer(
    name="mtosched",
    help="Make-to-order production scheduling: orders and routings in, a "
    "machine schedule that minimizes lateness out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"mtosched {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Schedule make-to-order production with CP-SAT."""


@app.command()
def schedule(
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
        params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)

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
    """Every `-o` file must be writable before the solve starts (exit 2).

    Found only after the solve, a missing folder cost the whole run and left
    the earlier outputs written (issue 16).
    """
    for target in targets:
        if target == "-":
            continue
        reason = unwritable(Path(target))
        if reason is not None:
            raise typer.BadParameter(
                f"'{target}': cannot write there: {reason}", param_hint="-o"
            )


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


@app.command()
def validate(
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


@app.command("check")
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


app.command("show")(show)
app.command("import")(import_command)
app.command("diff")(diff_command)
app.command("quote")(quote_command)
app.command("explain")(explain_command)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a scenario file."""
    from mtosched.scenario.schema import scenario_schema

    print(json.dumps(scenario_schema(), indent=2))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit:
        raise
