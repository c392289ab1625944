"""The list schedule of the `batches-120` benchmark plant passes the checker.

The plant has a batch furnace and multi-unit orders with transfer lots; the
schedule is the heuristic's, the judge is the checker written from the
contract, so the two were never fitted to each other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mtosched import build_problem, check, load_scenario
from mtosched.heuristic.dispatch import dispatch
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.schedule_mapping import build_schedule
from mtosched.verify.check import check as check_solution
from mtosched.verify.sequences import changeovers, machine_units
from tests.helpers import ROOT

PLANT = ROOT.parent / "shared" / "benchmarks" / "plants" / "batches-120.json"
pytestmark = pytest.mark.skipif(
    not PLANT.is_file(), reason="shared/benchmarks not available"
)


@pytest.fixture(scope="module")
def dispatched() -> tuple[Problem, Solution]:
    problem = build_problem(load_scenario(Path(PLANT)))
    return problem, dispatch(problem)


def test_dispatch_passes_the_checker(dispatched: tuple[Problem, Solution]) -> None:
    problem, solution = dispatched
    report = check_solution(problem, solution)
    assert report.ok, report.violations[:5]


def test_the_plan_really_batches_and_overlaps(
    dispatched: tuple[Problem, Solution],
) -> None:
    """Loads of several orders and lots that overlap: the rules are exercised."""
    problem, solution = dispatched
    loads = [
        unit
        for machine, units in machine_units(problem, solution).items()
        if problem.machines[machine].batches
        for unit in units
        if len(unit.members) > 1
    ]
    assert loads
    overlapping = [
        (t, p)
        for t, task in enumerate(problem.tasks)
        if task.transfer is not None
        for p in task.predecessors
        if solution.placements[t].start < solution.placements[p].end
    ]
    assert overlapping


def test_each_load_is_changed_over_into_once(
    dispatched: tuple[Problem, Solution],
) -> None:
    problem, solution = dispatched
    served = [t for c in changeovers(problem, solution) for t in c.served]
    assert len(served) == len(set(served))
    leads = [c.task for c in changeovers(problem, solution)]
    assert len(leads) == len(set(leads))


def test_the_written_schedule_reads_back_clean(
    dispatched: tuple[Problem, Solution],
) -> None:
    """Batch ids, setup starts and objective survive the round trip."""
    problem, solution = dispatched
    report = check_solution(problem, solution)
    assert report.evaluation is not None
    schedule = build_schedule(problem, solution, report.evaluation, status="feasible")
    assert check(problem, schedule).ok
