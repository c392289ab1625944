"""`mtosched quote`: the delivery date we can promise a new order.

Exit codes: 0 quoted (at least one candidate has a promise; with --date, the
answer is yes for at least one); 1 invalid input; 2 usage (a `--cluster`
that cannot be reached, too); 3 no candidate
can be promised at all (e.g. a material with no lead time runs short); 4
nothing found within the time limit (with --date: undecided); 5 with
--date, the answer is no for every candidate, or the current schedule does
not match the scenario.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from mtosched.api import read_schedule
from mtosched.cli.common import (
    EXIT_GATE,
    EXIT_NO_SCHEDULE,
    EXIT_OK,
    EXIT_USAGE,
    ClusterOpt,
    DebugOpt,
    FormatOpt,
    ParallelOpt,
    Report,
    ScheduleNowOpt,
    SeedOpt,
    TimeLimitOpt,
    WorkersOpt,
    localized,
    parse_instant,
    require_writable,
    run_command,
    stderr,
    stdout,
)
from mtosched.cli.quote_view import render_quote
from mtosched.errors import InfeasibleError, NoScheduleFoundError
from mtosched.explain import ScheduleMismatchError
from mtosched.export import export_schedule, is_supported
from mtosched.params import SolveParams
from mtosched.promise.models import Quote
from mtosched.promise.quote import quote, split_candidates
from mtosched.scenario import load_scenario
from mtosched.sweep.errors import ClusterError


def quote_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Scenario JSON files (merged in order): the plant and the "
            "confirmed orders.",
            show_default=False,
        ),
    ],
    order_file: Annotated[
        Path,
        typer.Option(
            "--order",
            help="JSON with the new order under 'orders' (several orders = "
            "candidate configurations, each quoted on its own); its 'due' is "
            "the date the customer asks for.",
        ),
    ],
    schedule_file: Annotated[
        Path | None,
        typer.Option(
            "--schedule",
            help="The current plan; confirmed orders must not end later than in "
            "it (or than their due date). Default: solve it first.",
        ),
    ] = None,
    # Not common.FreezeOpt: here it freezes the start of --schedule, not of
    # a --previous plan, so its help and its check are quote's own.
    freeze: Annotated[
        float | None,
        typer.Option(
            "--freeze",
            min=0,
            metavar="HOURS",
            help="With --schedule: work it starts in the next HOURS stays put.",
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="Answer yes or no: can it be delivered by this instant?"),
    ] = None,
    now: ScheduleNowOpt = None,
    time_limit: TimeLimitOpt = 30.0,
    workers: WorkersOpt = None,
    seed: SeedOpt = 0,
    cluster: ClusterOpt = None,
    parallel: ParallelOpt = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write the schedule the promise implies (several candidates: "
            "one file each, the order id added to the name).",
        ),
    ] = None,
    fmt: FormatOpt = Report.text,
    debug: DebugOpt = False,
) -> None:
    """Quote a delivery date for a new order without delaying confirmed ones.

    The earliest completion over all schedules in which no confirmed order
    ends later than in the current plan (or than its due date, if later),
    proved by the independent checker, with the lower bound found and what
    holds it back. Several candidates are quoted at once on Dask with
    --cluster or --parallel.

    Examples:
      mtosched quote plant.json orders.json --order new-order.json

      mtosched quote plant.json orders.json --order new-order.json
      --schedule plan.json --freeze 8 -o with-new-order.json

      mtosched quote plant.json orders.json --order new-order.json
      --date 2026-12-18T17:00:00Z

      mtosched quote plant.json orders.json --order candidates.json
      --parallel --workers 1

    """
    began = time.monotonic()
    moment = parse_instant(now, "--now")
    asked = parse_instant(date, "--date")
    if freeze is not None and schedule_file is None:
        raise typer.BadParameter(
            "needs --schedule (the plan whose first hours stay put)",
            param_hint="--freeze",
        )
    if output is not None and not is_supported(str(output)):
        raise typer.BadParameter(f"'{output}': unsupported format", param_hint="-o")
    if output is not None:
        require_writable(output, "-o")  # before the solve, as for `schedule`

    def body() -> int:
        merged = load_scenario(*files, order_file)
        scenario, candidates = split_candidates(merged, str(order_file))
        current = read_schedule(schedule_file) if schedule_file else None
        # the limit covers reading the files too
        left = max(0.5, time_limit - (time.monotonic() - began))
        params = SolveParams(
            time_limit=left, workers=workers, seed=seed, cluster=cluster
        )
        try:
            result = quote(
                scenario,
                candidates,
                current=current,
                freeze_hours=freeze,
                date=localized(asked, scenario),
                params=params,
                now=localized(moment, scenario),
                parallel=parallel,
            )
        except ClusterError as exc:
            stderr.print(f"Cluster: {exc}", markup=False, highlight=False)
            return EXIT_USAGE
        except ScheduleMismatchError as exc:
            stderr.print(
                "[bold red]Cannot quote:[/bold red] the current schedule does not "
                "match the scenario",
                highlight=False,
            )
            for violation in exc.violations:
                stderr.print(
                    f"  {schedule_file}: {violation}", markup=False, soft_wrap=True
                )
            return EXIT_GATE
        written = _write(result, output)
        if fmt is Report.json:
            document = result.model_dump(mode="json", by_alias=True)
            document["outputs"] = written
            print(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            render_quote(stdout, result)
            for path in written:
                stdout.print(f"wrote {path}", markup=False, highlight=False)
        return _exit_code(result, asked is not None)

    def _exit_code(result: Quote, asked_date: bool) -> int:
        answers = result.candidates
        if asked_date:
            if any(c.answer == "yes" for c in answers):
                return EXIT_OK
            if any(c.answer == "undecided" for c in answers):
                return EXIT_NO_SCHEDULE
            return EXIT_GATE
        if any(c.promise is not None for c in answers):
            return EXIT_OK
        if all(c.status == "infeasible" for c in answers):
            raise InfeasibleError([r for c in answers for r in c.reasons])
        raise NoScheduleFoundError(
            f"no promise found within {time_limit:g} s for any candidate"
        )

    run_command(body, debug=debug, fmt=fmt)


def _write(result: Quote, output: Path | None) -> list[str]:
    """Each promised schedule, to `output` (or one file per candidate)."""
    if output is None:
        return []
    promised = [c for c in result.candidates if c.schedule is not None]
    written = []
    for candidate in promised:
        target = output
        if len(result.candidates) > 1:
            target = output.with_name(f"{output.stem}-{candidate.order}{output.suffix}")
        assert candidate.schedule is not None
        export_schedule(candidate.schedule, str(target))
        written.append(str(target))
    return written
