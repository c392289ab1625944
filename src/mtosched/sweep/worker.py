"""The function a Dask worker runs: one cell, solved as `schedule` would.

It imports only mtosched's core (no Dask), parses the scenario from the
JSON text the task carries, solves it and hands back the schedule as JSON
with the row. Every failure becomes a row, never an exception: an error
that a retry would only repeat must not cost the time limit twice. A
worker that dies is another matter; the Dask scheduler reruns its tasks.
"""

from __future__ import annotations

import time

from mtosched.api import solve
from mtosched.errors import InfeasibleError, InputError, NoScheduleFoundError
from mtosched.export.json_writer import schedule_json
from mtosched.params import SolveParams
from mtosched.scenario.loading import parse_scenario_text
from mtosched.sweep.cells import CellOutcome, CellTask, RowStatus, SweepRow


def run_cell(task: CellTask) -> CellOutcome:
    """Solve one cell; failures come back as rows with their status."""
    began = time.monotonic()

    def failed(status: RowStatus, error: str) -> SweepRow:
        return SweepRow(
            task.variant,
            task.seed,
            status,
            seconds=round(time.monotonic() - began, 3),
            error=error,
            key=task.key,
        )

    try:
        scenario = parse_scenario_text(task.scenario_json, f"variant {task.variant}")
        params = SolveParams(
            time_limit=task.time_limit,
            workers=task.workers,
            seed=task.seed,
            search=task.search,
        )
        schedule = solve(scenario, params, now=task.now, previous=task.previous)
    except InputError as exc:
        return CellOutcome(failed("invalid", str(exc)), issues=tuple(exc.issues))
    except InfeasibleError as exc:
        return CellOutcome(failed("infeasible", str(exc)), reasons=tuple(exc.reasons))
    except NoScheduleFoundError as exc:
        return CellOutcome(failed("unknown", str(exc) or "no schedule in time"))
    except Exception as exc:  # a bug: reported in the row, the sweep goes on
        return CellOutcome(failed("error", f"{type(exc).__name__}: {exc}"))
    row = SweepRow(
        task.variant,
        task.seed,
        schedule.status if schedule.status in ("optimal", "feasible") else "unknown",
        objective={str(t): v for t, v in schedule.objective.items()},
        kpis=schedule.kpis.model_dump(),
        seconds=round(time.monotonic() - began, 3),
        key=task.key,
    )
    return CellOutcome(row, schedule_json(schedule))
