"""The one CP-SAT solver factory: run settings, light steps, extra parameters."""

from __future__ import annotations

from mtosched.cpsat.running import configured_solver, without_local_search
from mtosched.params import SearchParams, SolveParams, StopRequest


def test_the_factory_sets_workers_seed_time_and_no_reservoir_expansion() -> None:
    solver = configured_solver(SolveParams(workers=2, seed=7), 3.0)
    p = solver.parameters
    assert (p.num_workers, p.random_seed, p.max_time_in_seconds) == (2, 7, 3.0)
    assert not p.expand_reservoir_constraints
    assert p.cp_model_presolve  # only light steps skip presolve
    assert p.catch_sigint_signal  # no stop request: CP-SAT may take Ctrl-C


def test_light_steps_skip_presolve_and_a_stop_request_owns_sigint() -> None:
    params = SolveParams(workers=1, stop=StopRequest())
    p = configured_solver(params, 1.0, light=True).parameters
    assert not p.cp_model_presolve and p.symmetry_level == 0
    assert not p.catch_sigint_signal


def test_extra_cp_sat_parameters_reach_every_call() -> None:
    search = SearchParams(
        cp_sat=(("linearization_level", "2"), ("ignore_subsolvers", '"fj"'))
    )
    p = configured_solver(SolveParams(search=search), 1.0).parameters
    assert p.linearization_level == 2
    assert list(p.ignore_subsolvers) == ["fj"]


def test_without_local_search_drops_feasibility_jump_and_violation_ls() -> None:
    """OR-Tools 9.15 crashed in them on steps without presolve (#5357)."""
    solver = configured_solver(SolveParams(workers=2), 1.0, light=True)
    without_local_search(solver)
    p = solver.parameters
    assert not p.use_feasibility_jump
    assert list(p.ignore_subsolvers) == ["ls", "ls_lin"]
    assert not p.cp_model_presolve and p.num_workers == 2  # the step's own
