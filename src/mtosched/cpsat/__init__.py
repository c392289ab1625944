"""The CP-SAT solver layer: the only package that imports OR-Tools."""

from mtosched.cpsat.solver import SolveOutcome, StageResult, solve_problem

__all__ = ["SolveOutcome", "StageResult", "solve_problem"]
