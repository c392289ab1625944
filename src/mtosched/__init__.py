"""mtosched: make-to-order production scheduling with CP-SAT.

from mtosched import load_scenario, solve, SolveParams
scenario = load_scenario("instances/bespoke-cars.json")
schedule = solve(scenario, SolveParams(time_limit=10))
print(schedule.summary())
"""

from importlib.metadata import PackageNotFoundError, version

from mtosched.api import check, previous_plan, read_schedule, solve
from mtosched.diff import diff_schedules
from mtosched.errors import (
    InfeasibleError,
    InputError,
    Issue,
    MtoschedError,
    NoScheduleFoundError,
)
from mtosched.explain import explain
from mtosched.params import SearchParams, SolveParams, SolveProgress
from mtosched.problem import Problem, build_problem
from mtosched.problem.solution import Solution
from mtosched.promise.models import CandidateQuote, Quote
from mtosched.promise.quote import quote
from mtosched.scenario import Scenario, load_scenario
from mtosched.schedule import Schedule
from mtosched.sweep import SweepResult, SweepRow, sweep
from mtosched.verify.check import CheckReport

try:
    __version__ = version("mtosched")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "CandidateQuote",
    "CheckReport",
    "InfeasibleError",
    "InputError",
    "Issue",
    "MtoschedError",
    "NoScheduleFoundError",
    "Problem",
    "Quote",
    "Scenario",
    "Schedule",
    "SearchParams",
    "Solution",
    "SolveParams",
    "SolveProgress",
    "SweepResult",
    "SweepRow",
    "__version__",
    "build_problem",
    "check",
    "diff_schedules",
    "explain",
    "load_scenario",
    "previous_plan",
    "quote",
    "read_schedule",
    "solve",
    "sweep",
]
