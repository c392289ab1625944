"""The whole-plant pass: changeovers in elapsed time, replayed in working time."""

from __future__ import annotations

import threading
import time

import pytest
from ortools.sat.python import cp_model

from mtosched import Problem, Scenario, SolveParams, build_problem, solve
from mtosched.cpsat.bounds import compute_windows
from mtosched.cpsat.model import ScheduleModel
from mtosched.cpsat.relaxed import relaxed_pass, replayed
from mtosched.heuristic.dispatch import dispatch
from mtosched.params import SearchParams, StopRequest, TimeAccount
from mtosched.problem.solution import Solution
from mtosched.verify.check import check as check_solution
from mtosched.verify.evaluate import evaluate
from tests.cpsat.test_changeovers import brute_force, paint_shop, random_shop
from tests.helpers import assert_checked


def _relaxed_optimum(problem: Problem, term: str) -> tuple[int, Solution]:
    """The relaxed model solved to optimality on `term`: its value and schedule."""
    sm = ScheduleModel(
        problem, compute_windows(problem), changeovers_in_working_time=False
    )
    sm.model.minimize(sm.term(term))  # type: ignore[arg-type]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(sm.model) == cp_model.OPTIMAL
    return round(solver.objective_value), sm.extract(solver)


def _night_shop() -> Problem:
    """Set up for black; three blacks, then a white after a 120-minute change.

    The booth works 06-10. In working time the change runs 09-10 and Tuesday
    06-07, so white ends Tuesday 08:00 (makespan 1,560); in elapsed time it
    runs 09-11, and white could end Tuesday 07:00 (1,500).
    """
    return build_problem(
        paint_shop(
            ["black", "black", "black", "white"],
            initial="black",
            calendar=True,
            terms=["makespan"],
        )
    )


def test_elapsed_changeovers_undercut_working_time_and_the_replay_restores_it() -> None:
    """The relaxed optimum breaks rule 10; its replay keeps the sequence and holds."""
    problem = _night_shop()
    value, relaxed = _relaxed_optimum(problem, "makespan")
    assert value == 1500
    assert not check_solution(problem, relaxed).ok
    exact = replayed(problem, relaxed)
    report = check_solution(problem, exact)
    assert report.ok, report.violations
    assert evaluate(problem, exact).terms["makespan"] == 1560
    by_start = sorted(range(4), key=lambda t: relaxed.placements[t].start)
    assert sorted(range(4), key=lambda t: exact.placements[t].start) == by_start


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("term", ["weighted_tardiness", "makespan"])
def test_the_relaxation_bounds_the_optimum_and_its_replay_checks(
    seed: int, term: str
) -> None:
    """On random paint shops (one booth on a calendar): relaxed optimum <=
    brute-force optimum <= its replay, and the replay passes the checker."""
    data = random_shop(seed)
    data["objective"] = {"terms": [term]}
    problem = build_problem(Scenario.model_validate(data))
    value, relaxed = _relaxed_optimum(problem, term)
    exact = replayed(problem, relaxed)
    report = check_solution(problem, exact)
    assert report.ok, report.violations
    optimum = brute_force(problem, term)
    assert value <= optimum <= evaluate(problem, exact).terms[term]  # type: ignore[index]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("lns_only", [True, False])
def test_the_pass_improves_a_poor_start_and_never_returns_worse(
    workers: int, lns_only: bool
) -> None:
    """From the due-date list schedule on a booth with colour changes, the pass
    finds a better exact schedule; started from that one again, it keeps it
    or finds better. Whether its workers search only neighbourhoods of the
    hint or one also searches the whole plant, with one worker or two."""
    colours = ["black", "white", "black", "white", "red", "black", "white", "red"]
    scenario = paint_shop(colours, calendar=True, terms=["changeover_minutes"])
    problem = build_problem(scenario)
    start = dispatch(problem)
    search = SearchParams(relaxed_lns_only=lns_only)
    params = SolveParams(time_limit=10, workers=workers, seed=0, search=search)
    account = TimeAccount()
    windows = compute_windows(problem, start)
    first = relaxed_pass(problem, windows, start, params, seconds=5, account=account)
    value = evaluate(problem, first.solution).terms["changeover_minutes"]
    assert value < evaluate(problem, start).terms["changeover_minutes"]
    assert first.kept >= 1 and first.found >= first.kept and first.feasible
    assert account.relaxed_found == first.found and account.relaxed > 0
    assert check_solution(problem, first.solution).ok
    again = relaxed_pass(
        problem, windows, first.solution, params, seconds=2, account=TimeAccount()
    )
    assert evaluate(problem, again.solution).terms["changeover_minutes"] <= value
    assert check_solution(problem, again.solution).ok


def _paint_orders(count: int) -> Problem:
    colours = ["black", "white", "red"]
    return build_problem(
        paint_shop(
            [colours[k % 3] for k in range(count)],
            calendar=True,
            terms=["weighted_tardiness", "changeover_minutes"],
        )
    )


def test_the_solver_runs_the_pass_between_the_sizes_it_is_for() -> None:
    """From `lns_min_tasks` to `relaxed_max_tasks` operations the pass runs and
    says so in the time account; outside that range it says why not."""
    problem = _paint_orders(12)
    runs = SearchParams(lns_min_tasks=10, relaxed_max_tasks=20)
    schedule = solve(problem, SolveParams(time_limit=6, workers=1, search=runs))
    assert_checked(problem, schedule)
    assert schedule.solver is not None and schedule.solver.timing is not None
    timing = schedule.solver.timing
    assert timing.relaxed_model == "run" and timing.relaxed_found >= 1
    assert timing.relaxed_presolve <= timing.relaxed
    assert timing.full_model.startswith("skipped")
    cases = {
        "skipped: more than 11 operations": SearchParams(
            lns_min_tasks=10, relaxed_max_tasks=11
        ),
        "skipped: the full model runs": SearchParams(),
    }
    colours = ["black", "white", "red"]
    around_the_clock = build_problem(
        paint_shop([colours[k % 3] for k in range(12)], calendar=False)
    )
    for reason, search in cases.items():
        schedule = solve(problem, SolveParams(time_limit=2, workers=1, search=search))
        assert_checked(problem, schedule)
        assert schedule.solver is not None and schedule.solver.timing is not None
        assert schedule.solver.timing.relaxed_model == reason
        assert schedule.solver.timing.relaxed == 0
    schedule = solve(around_the_clock, SolveParams(time_limit=2, search=runs))
    assert_checked(around_the_clock, schedule)
    assert schedule.solver is not None and schedule.solver.timing is not None
    timing = schedule.solver.timing
    assert timing.relaxed_model == "skipped: no changeovers on a calendar machine"


def test_makespan_keeps_the_engine_its_classic_tables_were_measured_with() -> None:
    """A makespan objective never runs the pass, at any size."""
    colours = ["black", "white", "red"]
    scenario = paint_shop(
        [colours[k % 3] for k in range(12)], calendar=True, terms=["makespan"]
    )
    problem = build_problem(scenario)
    search = SearchParams(lns_min_tasks=10, makespan_lns_min_tasks=10)
    schedule = solve(problem, SolveParams(time_limit=3, workers=1, search=search))
    assert_checked(problem, schedule)
    assert schedule.solver is not None and schedule.solver.timing is not None
    assert schedule.solver.timing.relaxed_model == "skipped: makespan"


def test_a_stop_request_ends_the_pass_with_its_best_replay() -> None:
    """A stop 5 s into a 60 s solve, while the pass runs (the climb on 30 paint
    jobs stalls in about a second), ends it within 2 s, checked."""
    problem = _paint_orders(30)
    stop = StopRequest()
    timer = threading.Timer(5.0, stop.request)
    search = SearchParams(lns_min_tasks=10)
    params = SolveParams(time_limit=60, workers=2, stop=stop, search=search)
    timer.start()
    began = time.monotonic()
    schedule = solve(problem, params)
    timer.join()
    assert time.monotonic() - began < 7
    assert_checked(problem, schedule)
    assert schedule.solver is not None and schedule.solver.interrupted
    assert schedule.solver.timing is not None
    assert schedule.solver.timing.relaxed_model == "run"
    assert schedule.solver.timing.relaxed > 0


def test_a_solve_stopped_before_it_starts_skips_the_pass_and_says_so() -> None:
    """A stop already requested: the first schedule is returned, no pass."""
    problem = _paint_orders(12)
    stop = StopRequest()
    stop.request()
    search = SearchParams(lns_min_tasks=10)
    schedule = solve(problem, SolveParams(time_limit=30, stop=stop, search=search))
    assert_checked(problem, schedule)
    assert schedule.solver is not None and schedule.solver.timing is not None
    assert schedule.solver.timing.relaxed_model == "skipped: stop requested"


@pytest.mark.parametrize(
    "setting",
    [
        {"relaxed_max_tasks": -1},
        {"relaxed_probing_level": -1},
        {"relaxed_min_seconds": -0.5},
    ],
)
def test_the_pass_settings_refuse_negative_values(setting: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        SearchParams(**setting)  # type: ignore[arg-type]


def test_a_pass_shorter_than_its_minimum_is_skipped() -> None:
    """The climb stalls early, but a minimum above the time left skips the pass."""
    problem = _paint_orders(12)
    search = SearchParams(lns_min_tasks=10, relaxed_min_seconds=100)
    schedule = solve(problem, SolveParams(time_limit=3, workers=1, search=search))
    assert_checked(problem, schedule)
    assert schedule.solver is not None and schedule.solver.timing is not None
    assert schedule.solver.timing.relaxed_model == "skipped: under 100 s left"
