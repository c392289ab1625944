"""Objective terms over a built model, one expression per term.

Tardiness, earliness, late orders, maximum lateness, flow time, makespan,
changeover minutes and stability, each from the model's completions and
task variables. Every auxiliary variable a term adds is registered with
the rule that gives its value in a schedule, so that a hint is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.tasks import TaskVars
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm

LinearExpr = cp_model.LinearExprT


class Terms:
    """Builds objective terms on one model (the model caches them)."""

    def __init__(
        self,
        model: cp_model.CpModel,
        problem: Problem,
        windows: Windows,
        task_vars: Sequence[TaskVars],
        completion: Sequence[LinearExpr],
        changeover_minutes: Sequence[LinearExpr],
        hint: Callable[[cp_model.IntVar, ValueRule], None],
    ) -> None:
        self.model = model
        self.problem = problem
        self.windows = windows
        self.vars = task_vars
        self.completion = completion
        self.changeover_minutes = changeover_minutes
        self._hint = hint

    def build(self, term: ObjectiveTerm) -> LinearExpr:
        """The expression of `term`, with its auxiliary variables."""
        model, orders, horizon = self.model, self.problem.orders, self.windows.horizon
        floor = self.windows.order_floor
        parts: list[LinearExpr] = []
        if term == "weighted_tardiness":
            for j, order in enumerate(orders):
                if order.due >= horizon:
                    continue  # cannot be late within the horizon
                late_by = self.completion[j] - order.due
                rule = ValueRule("tardiness", j)
                tardy = self._excess(late_by, horizon - order.due, rule, f"T{j}")
                parts.append(order.priority * tardy)
            return sum(parts, start=0)
        if term == "earliness":
            for j, order in enumerate(orders):
                early_by = order.due - self.completion[j]
                rule = ValueRule("earliness", j)
                early = self._excess(early_by, order.due - floor[j], rule, f"E{j}")
                parts.append(order.priority * early)
            return sum(parts, start=0)
        if term == "late_orders":
            for j, order in enumerate(orders):
                completion = self.completion[j]
                if isinstance(completion, int):
                    parts.append(order.priority * int(completion > order.due))
                    continue
                late = model.new_bool_var(f"late{j}")
                model.add(completion <= order.due).only_enforce_if(~late)
                model.add(completion >= order.due + 1).only_enforce_if(late)
                self._hint(late, ValueRule("late", j))
                parts.append(order.priority * late)
            return sum(parts, start=0)
        if term == "max_lateness":
            if not orders:
                return 0
            low = min(floor[j] - o.due for j, o in enumerate(orders))
            high = max(horizon - o.due for o in orders)
            lateness = model.new_int_var(low, max(low, high), "Lmax")
            model.add_max_equality(
                lateness, [self.completion[j] - o.due for j, o in enumerate(orders)]
            )
            self._hint(lateness, ValueRule("max_lateness", 0))
            return lateness
        if term == "flow_time":
            released = sum(order.released for order in orders)
            return sum(self.completion, start=0) - released
        if term == "makespan":
            ends = [v.end for v in self.vars]
            if not ends:
                return 0
            fixed = [e for e in ends if isinstance(e, int)]
            if len(fixed) > 1:  # one constant stands for all of them
                ends = [e for e in ends if not isinstance(e, int)] + [max(fixed)]
            makespan = model.new_int_var(0, horizon, "makespan")
            model.add_max_equality(makespan, ends)
            self._hint(makespan, ValueRule("makespan", 0))
            return makespan
        if term == "changeover_minutes":
            return sum(self.changeover_minutes, start=0)
        return self._stability()

    def _excess(
        self, amount: LinearExpr, most: int, rule: ValueRule, name: str
    ) -> LinearExpr:
        """max(0, `amount`): a number when all the order's work is pinned."""
        if isinstance(amount, int):
            return max(0, amount)
        excess = self.model.new_int_var(0, max(0, most), name)
        self.model.add_max_equality(excess, [0, amount])
        self._hint(excess, rule)
        return excess

    def _stability(self) -> LinearExpr:
        """Sum of weight * moved, where staying means same machine, start in tolerance.

        Only the direction stay ⇒ in place is posted: minimizing pushes every
        `stay` that can be true to true, and a bound on the sum stays exact.
        """
        baseline = self.problem.baseline
        if baseline is None:
            return 0
        parts: list[LinearExpr] = []
        for t, slot in sorted(baseline.planned.items()):
            weight = baseline.weights[t]
            task_vars = self.vars[t]
            machines = set(task_vars.presence)
            if task_vars.machine is not None:
                machines.add(task_vars.machine)
            if slot.machine not in machines:
                parts.append(weight)  # its machine can no longer run it
                continue
            if isinstance(task_vars.start, int):  # fixed or pinned
                assert task_vars.machine is not None
                moved = baseline.moved(t, task_vars.machine, task_vars.start)
                parts.append(weight * int(moved))
                continue
            stay = self.model.new_bool_var(f"stay{t}")
            if slot.machine in task_vars.presence:
                self.model.add_implication(stay, task_vars.presence[slot.machine])
            start = task_vars.start
            self.model.add(start >= slot.start - baseline.tolerance).only_enforce_if(
                stay
            )
            self.model.add(start <= slot.start + baseline.tolerance).only_enforce_if(
                stay
            )
            self._hint(stay, ValueRule("stay", t))
            parts.append(weight - weight * stay)
        return sum(parts, start=0)


@dataclass(frozen=True)
class ValueRule:
    """How an auxiliary variable's value follows from a schedule (its hint)."""

    kind: str
    #: the order, or for "stay" the task, the variable belongs to
    index: int

    def value(self, problem: Problem, solution: Solution) -> int:
        """The variable's value in `solution`."""
        if self.kind == "stay":
            place, baseline = solution.placements[self.index], problem.baseline
            assert baseline is not None
            return int(not baseline.moved(self.index, place.machine, place.start))
        if self.kind == "makespan":
            return max(p.end for p in solution.placements)
        if self.kind == "max_lateness":
            return max(
                solution.completion(problem, j) - o.due
                for j, o in enumerate(problem.orders)
            )
        completion = solution.completion(problem, self.index)
        due = problem.orders[self.index].due
        if self.kind == "tardiness":
            return max(0, completion - due)
        if self.kind == "earliness":
            return max(0, due - completion)
        if self.kind == "late":
            return int(completion > due)
        return completion
