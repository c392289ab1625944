"""The problem layer: a scenario compiled to integer minutes and indices."""

from mtosched.problem.build import build_problem
from mtosched.problem.model import Problem
from mtosched.problem.parts import MachineInfo, Mode, OrderInfo, Placement, Task

__all__ = [
    "MachineInfo",
    "Mode",
    "OrderInfo",
    "Placement",
    "Problem",
    "Task",
    "build_problem",
]
