"""`mtosched.sweep`: many independent solves of one base and its variants.

The CLI's `sweep` command calls exactly this. Variants are overlays on the
base (see `overlay`), crossed with seeds; every cell is one solve on the
Dask executor, its outcome cached in `out` and reported as it finishes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mtosched.errors import InputError
from mtosched.params import SolveParams
from mtosched.scenario import Scenario, load_scenario
from mtosched.schedule import Schedule
from mtosched.sweep.cache import load_cell, store_cell
from mtosched.sweep.cells import (
    CellOutcome,
    CellTask,
    SweepResult,
    SweepRow,
    cell_key,
)
from mtosched.sweep.compare import BASE
from mtosched.sweep.overlay import apply_overlay, read_overlay

if TYPE_CHECKING:
    from distributed import Client

#: A variant name is also a file name in the output folder.
VARIANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
#: Names the output folder uses for its own files.
RESERVED_NAMES = frozenset({"summary", "cells"})

#: Where a scenario comes from: parsed already, one file, or files to merge.
ScenarioSource = Scenario | str | Path | Sequence[str | Path]


@dataclass(frozen=True, slots=True)
class SweepProgress:
    """How far a sweep is: cells finished, running (busy worker slots), failed.

    `best_weighted_tardiness` is the lowest of any finished cell so far;
    `last` is the row that just finished (None for the first report).
    """

    total: int
    done: int
    running: int
    failed: int
    best_weighted_tardiness: int | None
    last: SweepRow | None = None


SweepProgressCallback = Callable[[SweepProgress], None]


def check_variant_name(name: str) -> None:
    """Refuse names that are no file name or clash with the folder's own files."""
    if not VARIANT_NAME.fullmatch(name) or name.lower() in RESERVED_NAMES:
        raise ValueError(
            f"variant name '{name}': use letters, digits, '.', '_' and '-' "
            f"(at most 64, not {', '.join(sorted(RESERVED_NAMES))})"
        )


def sweep(
    base: ScenarioSource,
    variants: Mapping[str, ScenarioSource],
    params: SolveParams | None = None,
    *,
    seeds: Sequence[int] = (0,),
    client: Client | None = None,
    cluster: str | None = None,
    out: str | Path | None = None,
    formats: Sequence[str] = (),
    on_progress: SweepProgressCallback | None = None,
) -> SweepResult:
    """Solve the base and every variant with every seed; the best per variant.

    `params` gives each solve's time limit, CP-SAT workers (default 1) and
    search settings; its `seed` is replaced by `seeds` and its `stop`, when
    requested, cancels the cells not yet finished. Runs on `client`, else
    on the cluster at `cluster` (or `MTOSCHED_CLUSTER`), else on a local
    cluster started for the call. With `out`, cells are cached there and
    the summaries and best schedules (plus `formats`, e.g. ".html") are
    written. Raises `InputError` when the base itself is unusable; a bad
    variant is a row with status "invalid".
    """
    from mtosched import __version__

    params = params or SolveParams()
    seeds = tuple(dict.fromkeys(seeds))  # a seed given twice runs once
    if not seeds:
        raise ValueError("at least one seed is needed")
    for name in variants:
        if name == BASE:
            raise ValueError("'base' is the base alone; name the variant otherwise")
        check_variant_name(name)
    base_scenario = _scenario(base)  # an unusable base stops everything
    folder = None if out is None else Path(out)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    names = (BASE, *variants)
    workers = params.workers or 1
    state = _State(names, seeds, folder, on_progress)
    tasks: list[CellTask] = []
    for name in names:
        try:
            scenario = (
                base_scenario
                if name == BASE
                else apply_overlay(base_scenario, _overlay(variants[name]))
            )
        except InputError as exc:
            for seed in seeds:
                row = SweepRow(name, seed, "invalid", error=str(exc))
                state.finish(CellOutcome(row, issues=tuple(exc.issues)))
            continue
        text = scenario.model_dump_json(by_alias=True, exclude_none=True)
        for seed in seeds:
            key = cell_key(
                text,
                seed=seed,
                time_limit=params.time_limit,
                workers=workers,
                search=params.search,
                version=__version__,
            )
            cached = None if folder is None else load_cell(folder, key)
            if cached is not None:
                # two variants with the same content share their cells
                state.finish(replace(cached, row=replace(cached.row, variant=name)))
                continue
            tasks.append(
                CellTask(
                    name, seed, key, text, params.time_limit, workers, params.search
                )
            )
    state.total = len(state.outcomes) + len(tasks)

    def finish(interrupted: bool) -> SweepResult:
        result = state.result(interrupted)
        if folder is not None:
            from mtosched.sweep.report import write_report

            write_report(result, folder, formats)
        return result

    if not tasks:
        return finish(False)
    # Imported here: Dask takes a second to load, and a sweep whose cells
    # are all cached must not pay for it.
    from mtosched.sweep.executor import (
        dask_client,
        local_workers,
        run_tasks,
        worker_slots,
    )

    # a local cluster gets one process per `workers` cores: no oversubscription
    local = max(1, min(len(tasks), local_workers() // workers))
    opened = (
        nullcontext(client)
        if client is not None
        else dask_client(cluster, workers=local)
    )
    with opened as active:
        state.slots = worker_slots(active)
        state.report()
        stopped = run_tasks(
            active, tasks, state.finish, stop=lambda: params.stop_requested
        )
        # written before a local cluster shuts down, which takes a while
        return finish(stopped)


def _scenario(source: ScenarioSource) -> Scenario:
    if isinstance(source, Scenario):
        return source
    if isinstance(source, str | Path):
        return load_scenario(source)
    return load_scenario(*source)


def _overlay(source: ScenarioSource) -> Scenario:
    if isinstance(source, Scenario):
        return source
    if isinstance(source, str | Path):
        return read_overlay(source)
    return read_overlay(*source)


class _State:
    """Outcomes as they arrive: the best schedule per variant, progress, files."""

    def __init__(
        self,
        names: tuple[str, ...],
        seeds: tuple[int, ...],
        folder: Path | None,
        on_progress: SweepProgressCallback | None,
    ) -> None:
        self.names, self.seeds, self.folder = names, seeds, folder
        self.on_progress = on_progress
        self.outcomes: list[CellOutcome] = []
        #: variant -> (rank, seed position, schedule JSON) of its best cell
        self.best: dict[str, tuple[tuple[int, ...], int, str]] = {}
        self.total = 0
        self.slots = 1
        self.lowest: int | None = None

    def finish(self, outcome: CellOutcome) -> None:
        """Record a finished (or cached, or refused) cell."""
        self.outcomes.append(outcome)
        row = outcome.row
        if row.ok and outcome.schedule_json is not None:
            rank = tuple(row.objective.values())
            entry = (rank, self.seeds.index(row.seed), outcome.schedule_json)
            kept = self.best.get(row.variant)
            if kept is None or entry[:2] < kept[:2]:
                self.best[row.variant] = entry
            tardiness = int(row.kpis.get("weighted_tardiness", 0))
            self.lowest = (
                tardiness if self.lowest is None else min(self.lowest, tardiness)
            )
        if self.folder is not None and not row.cached:
            store_cell(self.folder, outcome)
            from mtosched.sweep.report import write_progress

            write_progress(self.result(False, with_schedules=False), self.folder)
        self.report(row)

    def report(self, last: SweepRow | None = None) -> None:
        """Tell the progress callback, once the total is known."""
        if self.on_progress is None or not self.total:
            return
        done = len(self.outcomes)
        failed = sum(1 for o in self.outcomes if not o.row.ok)
        running = min(self.slots, self.total - done)
        self.on_progress(
            SweepProgress(self.total, done, running, failed, self.lowest, last)
        )

    def result(self, interrupted: bool, *, with_schedules: bool = True) -> SweepResult:
        """The rows in variant and seed order, with the best schedules."""
        order = {name: i for i, name in enumerate(self.names)}

        def position(row: SweepRow) -> tuple[int, int]:
            return order[row.variant], self.seeds.index(row.seed)

        rows = tuple(sorted((o.row for o in self.outcomes), key=position))
        best = {
            name: self.seeds[self.best[name][1]]
            for name in self.names
            if name in self.best
        }
        schedules: dict[str, Schedule] = {}
        if with_schedules:
            schedules = {
                name: Schedule.model_validate_json(self.best[name][2]) for name in best
            }
        return SweepResult(rows, best, schedules, self.names, interrupted)
