"""mtosched: make-to-order production scheduling with CP-SAT.

from mtosched import load_scenario, solve, SolveParams
scenario = load_scenario("instances/bespoke-cars.json")
schedule = solve(scenario, SolveParams(time_limit=10))
print(schedule.summary())

The public names are imported when first used (PEP 562), so `import
mtosched` itself costs nothing: the command line can put its Ctrl-C
handling in place before the second of imports that a Ctrl-C used to
interrupt with a traceback (issue 16).
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mtosched.api import check as check
    from mtosched.api import previous_plan as previous_plan
    from mtosched.api import read_schedule as read_schedule
    from mtosched.api import solve as solve
    from mtosched.diff import diff_schedules as diff_schedules
    from mtosched.errors import InfeasibleError as InfeasibleError
    from mtosched.errors import InputError as InputError
    from mtosched.errors import Issue as Issue
    from mtosched.errors import MtoschedError as MtoschedError
    from mtosched.errors import NoScheduleFoundError as NoScheduleFoundError
    from mtosched.explain import explain as explain
    from mtosched.params import SearchParams as SearchParams
    from mtosched.params import SolveParams as SolveParams
    from mtosched.params import SolveProgress as SolveProgress
    from mtosched.problem import Problem as Problem
    from mtosched.problem import build_problem as build_problem
    from mtosched.problem.solution import Solution as Solution
    from mtosched.promise.models import CandidateQuote as CandidateQuote
    from mtosched.promise.models import Quote as Quote
    from mtosched.promise.quote import quote as quote
    from mtosched.scenario import Scenario as Scenario
    from mtosched.scenario import load_scenario as load_scenario
    from mtosched.schedule import Schedule as Schedule
    from mtosched.sweep import SweepResult as SweepResult
    from mtosched.sweep import SweepRow as SweepRow
    from mtosched.sweep import sweep as sweep
    from mtosched.verify.check import CheckReport as CheckReport

    __version__: str

#: Each public name and the module it comes from.
_HOMES = {
    "check": "mtosched.api",
    "previous_plan": "mtosched.api",
    "read_schedule": "mtosched.api",
    "solve": "mtosched.api",
    "diff_schedules": "mtosched.diff",
    "InfeasibleError": "mtosched.errors",
    "InputError": "mtosched.errors",
    "Issue": "mtosched.errors",
    "MtoschedError": "mtosched.errors",
    "NoScheduleFoundError": "mtosched.errors",
    "explain": "mtosched.explain",
    "SearchParams": "mtosched.params",
    "SolveParams": "mtosched.params",
    "SolveProgress": "mtosched.params",
    "Problem": "mtosched.problem",
    "build_problem": "mtosched.problem",
    "Solution": "mtosched.problem.solution",
    "CandidateQuote": "mtosched.promise.models",
    "Quote": "mtosched.promise.models",
    "quote": "mtosched.promise.quote",
    "Scenario": "mtosched.scenario",
    "load_scenario": "mtosched.scenario",
    "Schedule": "mtosched.schedule",
    "SweepResult": "mtosched.sweep",
    "SweepRow": "mtosched.sweep",
    "sweep": "mtosched.sweep",
    "CheckReport": "mtosched.verify.check",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use, then keep it like an eager import."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value: Any = version("mtosched")
        except PackageNotFoundError:  # running from a source tree without install
            value = "0+unknown"
    elif name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module 'mtosched' has no attribute '{name}'")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """`mtosched.explain` and `mtosched.sweep` stay the functions.

    Importing the subpackage of the same name binds it on this package;
    the eager imports this module once made rebound the function after
    that, so the name never meant the subpackage and still does not.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _HOMES.get(name) == value.__name__:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
