"""The `mtosched` command line: thin, over the public API.

Exceptions become exit codes here and only here (docs/format.md):
0 ok, 1 invalid input, 2 usage, 3 infeasible, 4 nothing found in time,
5 a gate failed, 70 internal error.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from mtosched import __version__
from mtosched.api import check as check_schedule
from mtosched.api import previous_plan, read_schedule, solve
from mtosched.cli.diffing import diff_command
from mtosched.cli.explaining import explain_command
from mtosched.cli.importing import import_command
from mtosched.cli.options import parse_instant
from mtosched.cli.quoting import quote_command
from mtosched.cli.render import (
    LINE_WIDTH,
    issues_json,
    render_check,
    render_issues,
    render_schedule,
    render_timing,
    schedule_report,
    shorten,
)
from mtosched.cli.show import show
from mtosched.cli.stopping import EXIT_CODES, run_stoppable
from mtosched.cli.sweep import sweep_command
from mtosched.errors import InfeasibleError, InputError, Issue, NoScheduleFoundError
from mtosched.export import FORMATS, export_schedules, is_supported, unwritable
from mtosched.export.json_writer import schedule_json
from mtosched.params import SolveParams, SolveProgress, StopRequest
from mtosched.problem import build_problem
from mtosched.scenario import load_scenario
from mtosched.scenario.models import Scenario
from mtosched.schedule import Schedule

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INFEASIBLE = 0, 1, 2, 3
EXIT_NO_SCHEDULE, EXIT_GATE, EXIT_INTERNAL = 4, 5, 70
#: The reader closed the pipe (`| head`): what a shell reports for SIGPIPE.
EXIT_BROKEN_PIPE = 141

app = typer.Typer(
    name="mtosched",
    help="Make-to-order production scheduling: orders and routings in, a "
    "machine schedule that minimizes lateness out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    """Report format: for people or for scripts."""

    text = "text"
    json = "json"


stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)

FilesArg = Annotated[
    list[Path],
    typer.Argument(help="Scenario JSON files, merged in order.", show_default=False),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", help="'text' for people, 'json' for scripts.")
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of internal errors.")
]
PreviousOpt = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="Last night's schedule JSON: reschedule against it (warm start, "
        "stability, frozen horizon).",
    ),
]
FreezeOpt = Annotated[
    float | None,
    typer.Option(
        "--freeze",
        min=0,
        metavar="HOURS",
        help="With --previous: what it started before now + HOURS keeps its "
        "machine and start.",
    ),
]
ToleranceOpt = Annotated[
    int | None,
    typer.Option(
        "--stability-tolerance",
        min=0,
        metavar="MINUTES",
        help="With --previous: a start may shift this much and count as unmoved "
        "(default 0).",
    ),
]


def _fail(code: int) -> NoReturn:
    raise typer.Exit(code)


def _run(action: Callable[[], int], *, debug: bool, fmt: Format) -> NoReturn:
    """Run a command body and map every outcome to the contract's exit code."""
    try:
        code = action()
    except InputError as exc:
        _report_input(exc.issues, fmt)
        _fail(EXIT_INPUT)
    except InfeasibleError as exc:
        if fmt is Format.json:
            print(
                json.dumps({"status": "infeasible", "reasons": exc.reasons}, indent=2)
            )
        stderr.print(
            "[bold red]Infeasible:[/bold red] no schedule meets every hard constraint."
        )
        for reason in exc.reasons:
            stderr.print(
                f"  {shorten(reason, LINE_WIDTH)}", markup=False, soft_wrap=True
            )
        _fail(EXIT_INFEASIBLE)
    except NoScheduleFoundError as exc:
        if fmt is Format.json:
            print(json.dumps({"status": "unknown", "reason": str(exc)}, indent=2))
        stderr.print(f"[bold red]No schedule:[/bold red] {exc}", highlight=False)
        _fail(EXIT_NO_SCHEDULE)
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        stderr.print("interrupted")
        _fail(130)
    except BrokenPipeError:
        # `mtosched ... | head` closed the pipe: not a bug. Point stdout at
        # /dev/null so the interpreter's final flush stays silent too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        _fail(EXIT_BROKEN_PIPE)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        stderr.print(
            f"[bold red]Internal error:[/bold red] {type(exc).__name__}: {exc}\n"
            "This is a bug in mtosched; please report it with the input files "
            "(run again with --debug for the traceback).",
            markup=True,
            highlight=False,
        )
        _fail(EXIT_INTERNAL)
    _fail(code)


def _report_input(issues: list[Issue], fmt: Format) -> None:
    if fmt is Format.json:
        print(json.dumps({"valid": False, "errors": issues_json(issues)}, indent=2))
    render_issues(stderr, issues, "Invalid input")


def _localized(now: datetime | None, scenario: Scenario) -> datetime | None:
    from zoneinfo import ZoneInfo

    from mtosched.scenario.references import localize, scenario_zone

    if now is None:
        return None
    return localize(now, scenario_zone(scenario) or ZoneInfo("UTC"))


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
    now: Annotated[
        str | None,
        typer.Option(
            help="Planning start (ISO 8601); overrides the scenario's 'start'."
        ),
    ] = None,
    time_limit: Annotated[
        float, typer.Option(min=0.01, help="Wall-clock seconds for the whole solve.")
    ] = 60.0,
    workers: Annotated[
        int | None, typer.Option(min=1, help="CP-SAT workers (default: cores, max 8).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "-o",
            "--output",
            help="Write the schedule in the format its extension names "
            "(.json, .csv, .xlsx, .svg, .html); '-' = JSON to stdout. Repeatable.",
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
    fail_on_late: Annotated[
        bool, typer.Option(help="Exit 5 when any order is late (a CI gate).")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No live progress line.")
    ] = False,
    previous: PreviousOpt = None,
    freeze: FreezeOpt = None,
    stability_tolerance: ToleranceOpt = None,
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
    _require_previous(previous, freeze, stability_tolerance)

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
        localized = _localized(moment, scenario)
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
                now=localized,
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
        if fmt is Format.json:
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

    _run(body, debug=debug, fmt=fmt)


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


def _require_previous(
    previous: Path | None, freeze: float | None, tolerance: int | None
) -> None:
    """--freeze and --stability-tolerance only mean something with --previous."""
    if previous is not None:
        return
    for value, name in ((freeze, "--freeze"), (tolerance, "--stability-tolerance")):
        if value is not None:
            raise typer.BadParameter(
                "needs --previous (the schedule to keep close to)", param_hint=name
            )


@app.command()
def validate(
    files: FilesArg,
    now: Annotated[str | None, typer.Option(help="Planning start override.")] = None,
    fmt: FormatOpt = Format.text,
    debug: DebugOpt = False,
) -> None:
    """Check scenario files and print every problem with file and JSON path.

    Example:
      mtosched validate plant.json orders.json

    """
    moment = parse_instant(now, "--now")

    def body() -> int:
        scenario = load_scenario(*files)
        problem = build_problem(scenario, now=_localized(moment, scenario))
        summary: dict[str, Any] = {
            "valid": True,
            "errors": [],
            "orders": len(problem.orders),
            "operations": len(problem.tasks),
            "machines": len(problem.machines),
        }
        if fmt is Format.json:
            print(json.dumps(summary, indent=2))
        else:
            stdout.print(
                f"[green]Valid.[/green] {summary['orders']} orders to schedule, "
                f"{summary['operations']} operations on {summary['machines']} machines."
            )
        return EXIT_OK

    _run(body, debug=debug, fmt=fmt)


@app.command("check")
def check_command(
    files: FilesArg,
    schedule_file: Annotated[
        Path, typer.Option("--schedule", help="The schedule JSON to verify.")
    ],
    now: Annotated[str | None, typer.Option(help="Planning start override.")] = None,
    previous: PreviousOpt = None,
    freeze: FreezeOpt = None,
    stability_tolerance: ToleranceOpt = None,
    fmt: FormatOpt = Format.text,
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
    _require_previous(previous, freeze, stability_tolerance)

    def body() -> int:
        scenario = load_scenario(*files)
        plan = read_schedule(schedule_file)
        at = _localized(moment, scenario) or plan.start
        reference = None
        if previous is not None:
            recorded = plan.previous
            tolerance = stability_tolerance
            if tolerance is None:
                tolerance = recorded.stability_tolerance_minutes if recorded else 0
            reference = previous_plan(
                previous,
                freeze_hours=freeze,
                stability_tolerance=tolerance,
                add_stability="stability" in plan.objective,
            )
        problem = build_problem(scenario, now=at, previous=reference)
        report = check_schedule(problem, plan)
        if fmt is Format.json:
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

    _run(body, debug=debug, fmt=fmt)


app.command("show")(show)
app.command("import")(import_command)
app.command("diff")(diff_command)
app.command("quote")(quote_command)
app.command("explain")(explain_command)
app.command("sweep")(sweep_command)


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
