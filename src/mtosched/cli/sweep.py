"""`mtosched sweep`: a base scenario and its what-if variants, solved on Dask.

It calls the public `mtosched.sweep` API; `cli/common.py` maps errors to
exit codes as for every command. 0 every cell has a schedule; 6 some cells
failed and the others' results are written; when every cell failed, the
base's first cell's code (1 invalid, 3 infeasible, 4 nothing in time, 70
internal); 1 the base is invalid; 2 usage (a bad option, a cluster that
cannot be reached); 130/143 stopped by SIGINT/SIGTERM, finished cells kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from mtosched.cli.common import (
    EXIT_USAGE,
    DebugOpt,
    FormatOpt,
    QuietOpt,
    Report,
    require_writable,
    run_command,
    stderr,
    stdout,
)
from mtosched.cli.render import shorten
from mtosched.cli.stopping import EXIT_CODES, run_stoppable
from mtosched.export import FORMATS
from mtosched.params import SolveParams, StopRequest
from mtosched.sweep import SweepProgress, SweepResult, compare, sweep
from mtosched.sweep.api import check_variant_name
from mtosched.sweep.compare import BASE, Comparison
from mtosched.sweep.errors import ClusterError

#: Columns of the table written to a file or pipe: it needs about 95.
_FILE_WIDTH = 100


def sweep_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Base scenario JSON files, merged in order.", show_default=False
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for summaries, best schedules and the cell cache "
            "(created if missing; a rerun skips the cells it holds).",
        ),
    ],
    variant: Annotated[
        list[str] | None,
        typer.Option(
            "--variant",
            metavar="NAME=OVERLAY.json",
            help="A variant: the overlay merged on top of the base. Repeatable.",
        ),
    ] = None,
    variants_dir: Annotated[
        Path | None,
        typer.Option(
            "--variants",
            metavar="DIR",
            help="Every *.json in DIR is a variant named after its file.",
        ),
    ] = None,
    seeds: Annotated[
        str, typer.Option(help="Comma-separated seeds, crossed with the variants.")
    ] = "0",
    time_limit: Annotated[
        float, typer.Option(min=0.01, help="Wall-clock seconds for each solve.")
    ] = 60.0,
    workers_per_solve: Annotated[
        int, typer.Option(min=1, help="CP-SAT workers in each solve.")
    ] = 1,
    cluster: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address (tcp://HOST:PORT); default "
            "$MTOSCHED_CLUSTER, else a local cluster with a process per core.",
        ),
    ] = None,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FORMAT",
            help="Also write each variant's best schedule as VARIANT.FORMAT "
            "(csv, xlsx, html, svg). Repeatable.",
        ),
    ] = None,
    fmt: FormatOpt = Report.text,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Solve a base scenario and what-if variants of it, and compare them.

    Each variant is an overlay: its list items are added to the base, an
    item with a base item's id replaces it, and its scalars (objective,
    start) win. The base alone is the variant 'base'. Every variant is
    solved with every seed, in parallel on Dask. Exit 0 when every cell has
    a schedule, 6 when some failed (the others are written), the failed
    cells' code when all did.

    Examples:
      mtosched sweep instances/bespoke-cars.json --variants instances/sweep
      --time-limit 10 --out sweep-out

      mtosched sweep plant.json orders.json --variant rush=rush.json
      --seeds 0,1,2 --cluster tcp://10.0.0.5:8786 --out week49 -o html

    """
    overlays = _variants(variant or [], variants_dir)
    seed_list = _seeds(seeds)
    formats = _formats(output or [])
    require_writable(out, "--out", folder=True)  # before any cluster starts
    params = SolveParams(time_limit=time_limit, workers=workers_per_solve)

    def body() -> int:
        live = not quiet and fmt is Report.text and stderr.is_terminal
        status = stderr.status("starting the cluster…") if live else None

        def show(p: SweepProgress) -> None:
            if status is None:
                return
            best = (
                "-" if p.best_weighted_tardiness is None else p.best_weighted_tardiness
            )
            status.update(
                f"cells {p.done}/{p.total} done · {p.running} running · "
                f"{p.failed} failed · best weighted tardiness {best}"
            )

        def run(stop: StopRequest) -> SweepResult:
            return sweep(
                files,
                overlays,
                replace(params, stop=stop),
                seeds=seed_list,
                cluster=cluster,
                out=out,
                formats=formats,
                on_progress=show,
            )

        try:
            if status is not None:
                with status:
                    result, stop = run_stoppable(run)
            else:
                result, stop = run_stoppable(run)
        except ClusterError as exc:
            stderr.print(f"[bold red]Cluster:[/bold red] {escape(str(exc))}")
            return EXIT_USAGE
        _report(result, out, fmt)
        if result.interrupted:
            stderr.print(
                f"interrupted ({stop.reason}): kept {len(result.rows)} finished "
                f"cell(s) in {out}"
            )
            return EXIT_CODES.get(stop.reason or "", EXIT_CODES["SIGINT"])
        return result.exit_code

    run_command(body, debug=debug, fmt=fmt)


def _variants(specs: list[str], folder: Path | None) -> dict[str, Path]:
    """NAME=OVERLAY pairs and a folder's files, by name; clashes are usage errors."""
    found: list[tuple[str, Path]] = []
    if folder is not None:
        if not folder.is_dir():
            raise typer.BadParameter(
                f"'{folder}' is not a folder", param_hint="--variants"
            )
        found.extend((p.stem, p) for p in sorted(folder.glob("*.json")))
    for spec in specs:
        name, sep, file = spec.partition("=")
        if not sep:
            name, file = Path(spec).stem, spec
        found.append((name, Path(file)))
    overlays: dict[str, Path] = {}
    for name, path in found:
        try:
            check_variant_name(name)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--variant") from None
        if name == BASE or name in overlays:
            raise typer.BadParameter(
                f"variant name '{name}' is used twice (or is 'base', the base alone)",
                param_hint="--variant",
            )
        overlays[name] = path
    return overlays


def _seeds(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(
            f"'{text}': give whole numbers separated by commas, e.g. 0,1,2",
            param_hint="--seeds",
        ) from None
    if not values:
        raise typer.BadParameter("at least one seed is needed", param_hint="--seeds")
    return values


def _formats(values: list[str]) -> list[str]:
    """`-o html` or `-o .html` to the extension the exporters know."""
    suffixes = []
    for value in values:
        suffix = "." + value.lower().lstrip(".")
        if suffix not in FORMATS:
            known = ", ".join(s.lstrip(".") for s in sorted(FORMATS))
            raise typer.BadParameter(
                f"'{value}': unsupported format (use {known})", param_hint="-o"
            )
        suffixes.append(suffix)
    return suffixes


def _report(result: SweepResult, out: Path, fmt: Report) -> None:
    lines = compare(result)
    if fmt is Report.json:
        document = {
            **result.to_json(),
            "variants": [line.to_json() for line in lines],
            "interrupted": result.interrupted,
            "exit_code": result.exit_code,
            "out": str(out),
        }
        print(json.dumps(document, indent=2))
        return
    if not stdout.is_terminal:
        stdout.width = max(stdout.width, _FILE_WIDTH)  # a log file has no edge
    stdout.print(_table(lines))
    for row in result.failed:
        stdout.print(
            f"[red]{escape(row.variant)} seed {row.seed}: {row.status}[/red] "
            f"{escape(shorten(row.error or '', 300))}",
            soft_wrap=True,
        )
    stdout.print(f"{result.summary()}; wrote {escape(str(out))}", markup=True)


def _table(lines: list[Comparison]) -> Table:
    """The comparison; "(+n)" is the difference from the base."""
    table = Table(
        title="What-if sweep (best seed per variant; (±n) against base)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for column in (
        "variant", "seed", "status", "w.tardiness", "late", "on time",
        "makespan", "busiest", "s",
    ):  # fmt: skip
        left = column == "variant"
        table.add_column(column, justify="left" if left else "right", no_wrap=left)
    for line in lines:
        if line.weighted_tardiness is None:
            table.add_row(escape(shorten(line.variant, 24)), "-", line.status)
            continue
        busiest = "-"
        if line.busiest_machine is not None and line.busiest_utilization is not None:
            busiest = f"{escape(shorten(line.busiest_machine, 12))} "
            busiest += f"{line.busiest_utilization:.0%}"
        table.add_row(
            escape(shorten(line.variant, 24)),
            str(line.seed),
            line.status,
            f"{line.weighted_tardiness}{_delta(line.delta_weighted_tardiness, str)}",
            f"{line.late_orders}{_delta(line.delta_late_orders, str)}",
            f"{line.on_time_rate:.0%}" if line.on_time_rate is not None else "-",
            _duration(line.makespan_minutes or 0),
            busiest,
            f"{line.seconds:.1f}",
        )
    return table


def _delta(value: int | None, show: Callable[[int], str]) -> str:
    """` (+300)` in red for worse, green for better; nothing when unchanged."""
    if not value:
        return ""
    colour = "red" if value > 0 else "green"
    sign = "+" if value > 0 else "-"
    return f" [{colour}]({sign}{show(abs(value))})[/{colour}]"


def _duration(minutes: int) -> str:
    """Minutes as `44d07h` (days and hours): makespans are weeks long."""
    days, rest = divmod(minutes, 1440)
    return f"{days}d{rest // 60:02d}h" if days else f"{rest // 60}h{rest % 60:02d}"
