"""One factory for every CP-SAT call, and a run that honours a stop request.

Stages, neighbourhood steps, the infeasibility diagnosis and quotes all get
their solver here, so that workers, seed, logging and the reservoir encoding
are set in one place, and a caller's `StopRequest` (Ctrl-C in the CLI)
reaches whichever call is under way.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from mtosched.params import SolveParams


def configured_solver(
    params: SolveParams,
    seconds: float,
    *,
    light: bool = False,
    workers: int | None = None,
    seed: int | None = None,
) -> cp_model.CpSolver:
    """A CP-SAT solver with the run's workers, seed and logging, for `seconds`.

    Reservoirs (stock) are not expanded into Booleans: on the training
    plants expansion made a 1,600-variable step model take over 2 s of
    presolve. A `light` solver (neighbourhood steps) skips presolve and
    symmetry detection, which took a whole step on calendar plants while
    the search itself needs a fraction of a second (benchmarks/RESULTS.md).
    `workers` and `seed` override the run's (an infeasibility core needs
    one worker; sequence-keeping steps draw a seed per step).
    """
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.num_workers = workers or params.effective_workers
    parameters.random_seed = params.seed if seed is None else seed
    parameters.max_time_in_seconds = max(0.05, seconds)
    parameters.log_search_progress = params.log_search
    parameters.expand_reservoir_constraints = False
    # with a stop request the caller handles SIGINT; CP-SAT must not eat it
    parameters.catch_sigint_signal = params.stop is None
    if light:
        parameters.cp_model_presolve = False
        parameters.symmetry_level = 0
        parameters.cp_model_probing_level = 0
    for name, value in params.search.cp_sat:
        # text format reads every field type, repeated ones included
        parameters.merge_text_format(f"{name}: {value}")
    return solver


def without_local_search(solver: cp_model.CpSolver) -> None:
    """Turn off CP-SAT's local search: feasibility jump and violation LS.

    For models where it crashed (`ScheduleModel.local_search_crashes`);
    the step still starts from its hint and searches with the others.
    """
    parameters = solver.parameters
    parameters.use_feasibility_jump = False
    for name in ("ls", "ls_lin"):
        parameters.ignore_subsolvers.append(name)


class PresolveClock:
    """Notes when CP-SAT's presolve ends, from its log, without printing it."""

    def __init__(self, solver: cp_model.CpSolver, params: SolveParams) -> None:
        self.began = time.monotonic()
        self.presolved: float | None = None
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = params.log_search
        solver.log_callback = self._line

    def _line(self, line: str) -> None:
        if self.presolved is None and line.startswith("Presolved "):
            self.presolved = time.monotonic()

    def split(self) -> tuple[float, float]:
        """Seconds of presolve and of search since the clock was set."""
        now = time.monotonic()
        end = self.presolved if self.presolved is not None else now
        return end - self.began, now - end


def run_solver(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    params: SolveParams,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> int:
    """Solve `model`, stopping early when the caller asks the solve to stop."""
    if params.stop is None:
        return int(solver.solve(model, callback))
    if params.stop.requested:
        return int(cp_model.UNKNOWN)
    with params.stop.forwarding(solver.stop_search):
        return int(solver.solve(model, callback))
