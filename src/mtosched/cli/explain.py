"""`mtosched explain`: why is this order late, and what would put it on time.

The scenario files and the order ids share the positional arguments, as
the issue wrote them (`explain FILE... --schedule S.json [ORDER...]`): an
argument that ends in `.json` or names an existing file is a scenario
file, anything else an order id (`--order` names an id that looks like a
file). Exit codes: 0 explained (late or not); 1 invalid input, including
an order id that the schedule does not have; 2 usage (a `--cluster` that
cannot be reached, too); 5 the schedule fails the independent check
against the scenario: a schedule that does not match its scenario cannot
be explained.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from mtosched.api import read_schedule
from mtosched.cli.common import (
    EXIT_GATE,
    EXIT_OK,
    EXIT_USAGE,
    ClusterOpt,
    DebugOpt,
    FormatOpt,
    FreezeOpt,
    ParallelOpt,
    PreviousOpt,
    QuietOpt,
    Report,
    ScheduleNowOpt,
    SeedOpt,
    StabilityToleranceOpt,
    WorkersOpt,
    localized,
    parse_instant,
    recorded_reference,
    require_previous,
    run_command,
    stderr,
    stdout,
)
from mtosched.cli.explain_view import render_explanation
from mtosched.errors import InputError, Issue
from mtosched.explain import (
    ExplainParams,
    ScheduleMismatchError,
    UnknownOrderError,
    explain,
)
from mtosched.scenario import load_scenario
from mtosched.sweep.errors import ClusterError


def split_arguments(arguments: list[str]) -> tuple[list[Path], list[str]]:
    """Scenario files (`.json` or existing files) and order ids, in order."""
    files: list[Path] = []
    orders: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if argument.lower().endswith(".json") or path.is_file():
            files.append(path)
        else:
            orders.append(argument)
    return files, orders


def explain_command(
    arguments: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE|ORDER",
            help="Scenario JSON files (merged in order), then the orders to "
            "explain (default: every late order).",
            show_default=False,
        ),
    ],
    schedule_file: Annotated[
        Path, typer.Option("--schedule", help="The schedule JSON to explain.")
    ],
    order: Annotated[
        list[str] | None,
        typer.Option("--order", help="An order to explain. Repeatable."),
    ] = None,
    what_if: Annotated[
        bool,
        typer.Option(
            "--what-if/--no-what-if",
            help="Re-solve with a few levers (priority, an extra shift, an "
            "earlier receipt) and report those that put the order on time.",
        ),
    ] = True,
    what_if_time: Annotated[
        float,
        typer.Option(min=0.01, help="Seconds for each what-if re-solve."),
    ] = 10.0,
    what_if_orders: Annotated[
        int, typer.Option(min=0, help="Try levers for at most this many orders.")
    ] = 3,
    workers: WorkersOpt = None,
    seed: SeedOpt = 0,
    cluster: ClusterOpt = None,
    parallel: ParallelOpt = False,
    now: ScheduleNowOpt = None,
    previous: PreviousOpt = None,
    freeze: FreezeOpt = None,
    stability_tolerance: StabilityToleranceOpt = None,
    fmt: FormatOpt = Report.text,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Explain why orders are late: critical chain, causes, what-ifs, plant.

    For each late order (or each order named): what every operation on its
    critical chain waited for, in minutes per cause, and levers re-solved
    for real (--what-if-time seconds each; all at once on Dask with
    --cluster or --parallel). Then the machines and crews where late
    orders waited. Exit 0 when explained, 2 when --cluster cannot be
    reached, 5 when the schedule does not match the scenario.

    Examples:
      mtosched explain plant.json orders.json --schedule plan.json

      mtosched explain plant.json --schedule plan.json SO-2414 --no-what-if

      mtosched explain plant.json --schedule plan.json --format json

      mtosched explain plant.json --schedule tonight.json
      --previous last-night.json --freeze 8

      mtosched explain plant.json --schedule plan.json --cluster
      tcp://10.0.0.5:8786

    """
    moment = parse_instant(now, "--now")
    require_previous(previous, freeze, stability_tolerance)
    files, named = split_arguments(arguments)
    named += order or []
    if not files:
        raise typer.BadParameter("give at least one scenario file", param_hint="FILE")

    def body() -> int:
        scenario = load_scenario(*files)
        plan = read_schedule(schedule_file)
        reference = recorded_reference(
            previous,
            plan,
            freeze=freeze,
            stability_tolerance=stability_tolerance,
        )
        live = fmt is Report.text and not quiet and stderr.is_terminal
        status = stderr.status("explaining…") if live else nullcontext()
        with status as shown:

            def progress(line: str) -> None:
                if shown is not None:
                    shown.update(line)

            params = ExplainParams(
                lever_time=what_if_time,
                what_if_orders=what_if_orders,
                workers=workers,
                seed=seed,
                progress=progress,
                cluster=cluster,
                parallel=parallel,
            )
            try:
                result = explain(
                    scenario,
                    plan,
                    named or None,
                    what_if=what_if,
                    params=params,
                    now=localized(moment, scenario),
                    previous=reference,
                )
            except ScheduleMismatchError as exc:
                hint = None
                if plan.previous is not None and previous is None:
                    hint = (
                        f"the schedule was rescheduled against {plan.previous.source}; "
                        "pass it with --previous"
                    )
                return _mismatch(exc, fmt is Report.json, str(schedule_file), hint)
            except ClusterError as exc:
                stderr.print(f"Cluster: {exc}", markup=False, highlight=False)
                return EXIT_USAGE
            except UnknownOrderError as exc:
                # name the schedule file for ids that it does not have
                issues = [
                    Issue(str(schedule_file), i.path, i.message) for i in exc.issues
                ]
                raise InputError(issues) from None
        if fmt is Report.json:
            data = result.model_dump(mode="json", by_alias=True)
            print(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            render_explanation(stdout, result)
        return EXIT_OK

    def _mismatch(
        exc: ScheduleMismatchError, as_json: bool, file: str, hint: str | None
    ) -> int:
        if as_json:
            document = {"explained": False, "violations": exc.violations}
            print(json.dumps(document, indent=2, ensure_ascii=False))
        stderr.print(
            f"[bold red]Cannot explain:[/bold red] {len(exc.violations)} violation(s): "
            "the schedule does not match the scenario",
            highlight=False,
        )
        for violation in exc.violations:
            stderr.print(f"  {file}: {violation}", markup=False, soft_wrap=True)
        if hint is not None:
            stderr.print(f"note: {hint}", markup=False, soft_wrap=True)
        return EXIT_GATE

    run_command(body, debug=debug, fmt=fmt)
