"""What every command shares: exit codes, consoles, error mapping, options.

Exceptions become exit codes here and only here (docs/format.md):
0 ok, 1 invalid input, 2 usage, 3 infeasible, 4 nothing found in time,
5 a gate failed, 70 internal error, 141 the reader closed the pipe.

Command modules import from this one and never from `app.py`, which only
registers them: so no module of `cli/` imports a module that imports it.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from typer.core import TyperGroup

from mtosched.api import previous_plan
from mtosched.cli.render import LINE_WIDTH, issues_json, render_issues, shorten
from mtosched.cli.startup import EXIT_INTERRUPTED
from mtosched.errors import InfeasibleError, InputError, Issue, NoScheduleFoundError
from mtosched.export import unwritable, unwritable_folder
from mtosched.problem.previous import PreviousPlan
from mtosched.scenario.models import Scenario
from mtosched.schedule import Schedule

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INFEASIBLE = 0, 1, 2, 3
EXIT_NO_SCHEDULE, EXIT_GATE, EXIT_INTERNAL = 4, 5, 70
#: The reader closed the pipe (`| head`): what a shell reports for SIGPIPE.
EXIT_BROKEN_PIPE = 141


def reader_left() -> NoReturn:
    """The reader closed our stdout pipe (`| head`): end quietly with 141.

    stdout is pointed at /dev/null so that the interpreter's final flush
    stays silent too. SystemExit, not an exception a command could catch
    as an error: whatever the command was doing, nobody reads it any more.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(EXIT_BROKEN_PIPE)


class PipeConsole(Console):
    """A Rich console whose closed pipe is the contract's 141: use no other.

    Rich's own `on_broken_pipe` exits 1, which said "invalid input" for
    `mtosched show plan.json | head` (issue 16).
    """

    def on_broken_pipe(self) -> None:
        """Called by Rich when a write meets a closed pipe."""
        reader_left()


#: Data goes to stdout; diagnostics and progress to stderr.
stdout = PipeConsole(highlight=False)
stderr = PipeConsole(stderr=True, highlight=False)


class Commands(TyperGroup):
    """The command group: a reader closing the pipe ends every command with 141.

    Commands that `print` outside `run_command` (`schema`), and output
    still buffered when a command returns, would meet click's own mapping
    of a broken pipe to exit 1; this catches them all in one place.
    """

    def invoke(self, ctx: Any) -> Any:  # typer's click Context has no public name
        """Run the chosen command; a closed pipe, however met, exits 141."""
        try:
            try:
                return super().invoke(ctx)
            finally:
                # the last buffered output meets a closed pipe here, not
                # in the interpreter's final flush (exit 120, "Exception ignored")
                sys.stdout.flush()
        except BrokenPipeError:
            reader_left()


class Report(StrEnum):
    """The `--format` of a report: for people or for scripts."""

    text = "text"
    json = "json"


# Options and arguments that several commands take, each declared once so
# that its name, help and bounds cannot drift apart between commands.

FilesArg = Annotated[
    list[Path],
    typer.Argument(help="Scenario JSON files, merged in order.", show_default=False),
]
FormatOpt = Annotated[
    Report, typer.Option("--format", help="'text' for people, 'json' for scripts.")
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of internal errors.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No live progress line.")]
NowOpt = Annotated[
    str | None,
    typer.Option(help="Planning start (ISO 8601); overrides the scenario's 'start'."),
]
ScheduleNowOpt = Annotated[
    str | None,
    typer.Option(
        help="Planning start (ISO 8601; default: the --schedule file's, else "
        "the scenario's 'start')."
    ),
]
TimeLimitOpt = Annotated[
    float,
    typer.Option(
        min=0.01, help="Wall-clock seconds for the whole run, reading files included."
    ),
]
WorkersOpt = Annotated[
    int | None, typer.Option(min=1, help="CP-SAT workers (default: cores, max 8).")
]
SeedOpt = Annotated[int, typer.Option(help="Random seed of the search.")]
PreviousOpt = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="Last night's schedule JSON: tonight's is rescheduled against it "
        "(warm start, stability, frozen horizon).",
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
# explain's re-solves and quote's candidates: independent solves that run
# at once on Dask when asked (issue 18); without either option, and without
# $MTOSCHED_CLUSTER, one after another in this process as before.
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        metavar="ADDR",
        help="Solve them at once on the Dask scheduler at ADDR (tcp://HOST:PORT; "
        "default $MTOSCHED_CLUSTER). Each solve gets --workers CP-SAT workers "
        "(default 1).",
    ),
]
ParallelOpt = Annotated[
    bool,
    typer.Option(
        "--parallel",
        help="Solve them at once on a local Dask cluster (a process per core) "
        "when no --cluster is given.",
    ),
]
StabilityToleranceOpt = Annotated[
    int | None,
    typer.Option(
        "--stability-tolerance",
        min=0,
        metavar="MINUTES",
        help="With --previous: a start may shift this much and count as unmoved "
        "(default 0).",
    ),
]


def parse_instant(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 option value; a bad one is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not an ISO 8601 instant (e.g. 2026-11-30T06:00:00Z)",
            param_hint=option,
        ) from None


def require_writable(path: str | Path, option: str, *, folder: bool = False) -> None:
    """Exit 2 naming `path` and why it cannot be written there, before any work.

    Found only after the solve, a missing folder cost the whole run (exit 70)
    and left the earlier outputs written (issue 16). `folder`: a folder to
    write files in, created when missing (`sweep --out`).
    """
    reason = unwritable_folder(Path(path)) if folder else unwritable(Path(path))
    if reason is not None:
        raise typer.BadParameter(
            f"'{path}': cannot write there: {reason}", param_hint=option
        )


def localized(now: datetime | None, scenario: Scenario) -> datetime | None:
    """`--now` in the scenario's zone (UTC without one); naive means local."""
    from zoneinfo import ZoneInfo

    from mtosched.scenario.references import localize, scenario_zone

    if now is None:
        return None
    return localize(now, scenario_zone(scenario) or ZoneInfo("UTC"))


def require_previous(
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


def recorded_reference(
    previous: Path | None,
    plan: Schedule,
    *,
    freeze: float | None,
    stability_tolerance: int | None,
) -> PreviousPlan | None:
    """The plan `plan` was rescheduled from, to verify or explain it against.

    The tolerance is the option's, else the one `plan` records; the
    'stability' term counts only when `plan`'s objective names it, so that
    `check` and `explain` judge a schedule by the objective it was made for.
    """
    if previous is None:
        return None
    tolerance = stability_tolerance
    if tolerance is None:
        recorded = plan.previous
        tolerance = recorded.stability_tolerance_minutes if recorded else 0
    return previous_plan(
        previous,
        freeze_hours=freeze,
        stability_tolerance=tolerance,
        add_stability="stability" in plan.objective,
    )


def run_command(action: Callable[[], int], *, debug: bool, fmt: Report) -> NoReturn:
    """Run a command body and map every outcome to the contract's exit code."""
    try:
        code = action()
    except InputError as exc:
        _report_input(exc.issues, fmt)
        raise typer.Exit(EXIT_INPUT) from None
    except InfeasibleError as exc:
        if fmt is Report.json:
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
        raise typer.Exit(EXIT_INFEASIBLE) from None
    except NoScheduleFoundError as exc:
        if fmt is Report.json:
            print(json.dumps({"status": "unknown", "reason": str(exc)}, indent=2))
        stderr.print(f"[bold red]No schedule:[/bold red] {exc}", highlight=False)
        raise typer.Exit(EXIT_NO_SCHEDULE) from None
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        stderr.print("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        reader_left()  # `mtosched ... | head` closed the pipe: not a bug
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
        raise typer.Exit(EXIT_INTERNAL) from None
    raise typer.Exit(code)


def _report_input(issues: list[Issue], fmt: Report) -> None:
    if fmt is Report.json:
        print(json.dumps({"valid": False, "errors": issues_json(issues)}, indent=2))
    render_issues(stderr, issues, "Invalid input")
