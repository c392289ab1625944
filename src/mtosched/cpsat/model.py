"""The CP-SAT model of a `Problem`: variables, constraints, objective terms.

Constraint families are added in a fixed order by one method each, so the
model is built identically every time (reproducible with one worker).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from mtosched.cpsat.batches import add_batches, one_per_batch
from mtosched.cpsat.bounds import Windows, narrowed
from mtosched.cpsat.changeovers import HintRule, add_changeovers
from mtosched.cpsat.lots import TransferLots
from mtosched.cpsat.tasks import CalendarEncoding, TaskVars, add_task
from mtosched.cpsat.terms import Terms, ValueRule
from mtosched.problem.model import Problem
from mtosched.problem.parts import Placement
from mtosched.problem.solution import Solution
from mtosched.scenario.fields import ObjectiveTerm

LinearExpr = cp_model.LinearExprT


class ScheduleModel:
    """Builds and owns one `cp_model.CpModel` for a problem.

    With `guard_deadlines=True`, deadlines and maximum waits are posted behind
    one assumption literal per order and kind, so that an infeasibility core
    can name the orders involved; `guard_placements` (task -> placement) does
    the same for frozen work, keyed ("frozen", task). With
    `changeovers_in_working_time=False` changeovers on calendar machines
    count elapsed minutes: a relaxation whose schedules must be replayed
    under the contract's rules (relaxed.py).
    """

    def __init__(
        self,
        problem: Problem,
        windows: Windows,
        *,
        guard_deadlines: bool = False,
        pinned: dict[int, Placement] | None = None,
        guard_placements: dict[int, Placement] | None = None,
        calendar_encoding: CalendarEncoding = "elapsed",
        changeovers_in_working_time: bool = True,
    ) -> None:
        self.problem = problem
        # A neighbourhood's free tasks live between the pinned work.
        self.windows = narrowed(problem, windows, pinned) if pinned else windows
        self.model = cp_model.CpModel()
        self.vars: list[TaskVars] = []
        self.intervals: dict[int, list[cp_model.IntervalVar]] = {}
        self.completion: list[LinearExpr] = []
        # (kind, order index) -> assumption literal, for infeasibility cores
        self.guards: dict[tuple[str, int], cp_model.IntVar] = {}
        self._guarded = guard_deadlines
        self._term_cache: dict[ObjectiveTerm, LinearExpr] = {}
        self._aux_hints: list[tuple[cp_model.IntVar, HintRule]] = []
        self._pinned = pinned or {}
        self._calendar_encoding = calendar_encoding
        self._add_tasks(use_deadline_domains=not guard_deadlines)
        # before anything reads an end: a joiner's end becomes its batch's
        batches = add_batches(
            self.model,
            problem,
            self.vars,
            self.windows,
            self.intervals,
            use_deadline_domains=not guard_deadlines,
        )
        self._aux_hints.extend(batches.hints)
        self._add_machine_capacity()
        self._changeovers = add_changeovers(
            self.model,
            problem,
            self.vars,
            self.windows,
            batches.leads,
            working_time=changeovers_in_working_time,
        )
        self._aux_hints.extend(self._changeovers.hints)
        self._add_resource_capacity()
        self._add_material_balance()
        self.lots = TransferLots(self.model, problem, self.vars, self.windows)
        self._add_precedences()
        self._add_completions()
        if guard_deadlines:
            self._add_guarded_deadlines()
        for t, place in (guard_placements or {}).items():
            self._add_guarded_placement(t, place)

    # --- variables -------------------------------------------------------

    def _add_tasks(self, *, use_deadline_domains: bool) -> None:
        batching = frozenset(
            m for m, machine in enumerate(self.problem.machines) if machine.batches
        )
        for t in range(len(self.problem.tasks)):
            self.vars.append(
                add_task(
                    self.model,
                    self.problem,
                    self.windows,
                    t,
                    use_deadline_domains=use_deadline_domains,
                    machine_intervals=self.intervals,
                    pinned=self._pinned.get(t),
                    calendar_encoding=self._calendar_encoding,
                    held_back=batching,
                )
            )

    # --- constraints -----------------------------------------------------

    def _add_machine_capacity(self) -> None:
        for machine in sorted(self.intervals):
            intervals = self.intervals[machine]
            if self.problem.machines[machine].batches:
                intervals = one_per_batch(self.vars, machine, intervals)
            if len(intervals) > 1:
                self.model.add_no_overlap(intervals)

    def _hint(self, variable: cp_model.IntVar, rule: ValueRule) -> None:
        self._aux_hints.append((variable, lambda s: rule.value(self.problem, s)))

    def _add_resource_capacity(self) -> None:
        for r, resource in enumerate(self.problem.resources):
            intervals, demands = [], []
            for t, task in enumerate(self.problem.tasks):
                for used, amount in task.uses:
                    if used == r:
                        intervals.append(self.vars[t].interval)
                        demands.append(amount)
            if intervals:
                self.model.add_cumulative(intervals, demands, resource.capacity)

    def _add_material_balance(self) -> None:
        """Stock never negative: a reservoir of arrivals and starts (rule 13)."""
        for k, material in enumerate(self.problem.materials):
            times: list[LinearExpr] = []
            changes: list[int] = []
            for t, task in enumerate(self.problem.tasks):
                # running work has none: it took its material before start
                for used, quantity in task.consumes:
                    if used == k:
                        times.append(self.vars[t].start)
                        changes.append(-quantity)
            if not times:
                continue
            demand = -sum(changes)
            supply = list(material.supply)
            if material.lead_time is not None:
                supply.append((material.lead_time, demand))
            for at, quantity in supply:
                times.append(at)
                changes.append(quantity)
            self.model.add_reservoir_constraint(
                times, changes, 0, max(0, sum(q for _, q in supply))
            )

    def _add_precedences(self) -> None:
        lots = self.lots
        for t, task in enumerate(self.problem.tasks):
            if not task.predecessors:
                continue  # running work among them: its past is history
            if task.transfer is not None:
                lots.add(t)
                continue
            start = self.vars[t].start
            ends = [self.vars[p].end for p in task.predecessors]
            fixed_ends = [end for end in ends if isinstance(end, int)]
            if isinstance(start, int) and len(fixed_ends) == len(ends):
                # fixed or pinned on both sides: nothing to decide, but a
                # violation (frozen work after a late predecessor) must
                # still make the model infeasible
                kept = start >= max(fixed_ends) + task.min_wait and (
                    task.max_wait is None or start <= max(fixed_ends) + task.max_wait
                )
                if not kept:
                    self.model.add_bool_or([])
                continue
            for end in ends:
                self.model.add(start >= end + task.min_wait)
            if task.max_wait is None:
                continue
            if len(ends) == 1:
                latest: LinearExpr = ends[0]
            else:
                latest_var = self.model.new_int_var(
                    -self.windows.horizon, self.windows.horizon, f"t{t}_latest_pred"
                )
                self.model.add_max_equality(latest_var, ends)
                latest = latest_var
            constraint = self.model.add(start <= latest + task.max_wait)
            if self._guarded:
                constraint.only_enforce_if(self._guard("max_wait", task.order))

    def _guard(self, kind: str, order: int) -> cp_model.IntVar:
        key = (kind, order)
        if key not in self.guards:
            self.guards[key] = self.model.new_bool_var(f"{kind}_{order}")
        return self.guards[key]

    def _add_completions(self) -> None:
        for index, order in enumerate(self.problem.orders):
            sinks = [
                t
                for t in order.tasks
                if not any(s in order.tasks for s in self.problem.successors[t])
            ]
            ends = [self.vars[t].end for t in sinks]
            if len(ends) == 1:
                self.completion.append(ends[0])
                continue
            fixed_ends = [end for end in ends if isinstance(end, int)]
            if len(fixed_ends) == len(ends):  # pinned or fixed
                self.completion.append(max(fixed_ends))
                continue
            completion = self.model.new_int_var(
                self.windows.order_floor[index], self.windows.horizon, f"C{index}"
            )
            self.model.add_max_equality(completion, ends)
            self.completion.append(completion)
            self._hint(completion, ValueRule("completion", index))

    def _add_guarded_placement(self, t: int, place: Placement) -> None:
        guard = self._guard("frozen", t)
        task_vars = self.vars[t]
        if place.machine in task_vars.presence:
            self.model.add_implication(guard, task_vars.presence[place.machine])
        elif task_vars.machine != place.machine:
            self.model.add_bool_or([~guard])
        self.model.add(task_vars.start == place.start).only_enforce_if(guard)

    def _add_guarded_deadlines(self) -> None:
        for index, order in enumerate(self.problem.orders):
            if order.deadline is None:
                continue
            self.model.add(self.completion[index] <= order.deadline).only_enforce_if(
                self._guard("deadline", index)
            )

    # --- objective terms -------------------------------------------------

    @property
    def local_search_crashes(self) -> bool:
        """Whether CP-SAT's local search must stay off for this model.

        OR-Tools 9.15 crashed (SIGSEGV) in it without presolve and with two
        workers, on a step with lot start groups and on a 180-task step of
        the nightly plant (changeover circuits); OR-Tools #5357 traces such
        a crash to the local search's circuit code (benchmarks/RESULTS.md).
        """
        return bool(self._changeovers.circuits or self.lots.group_literals)

    def term(self, term: ObjectiveTerm) -> LinearExpr:
        """The expression of one objective term (built once, then cached)."""
        if term not in self._term_cache:
            terms = Terms(
                self.model,
                self.problem,
                self.windows,
                self.vars,
                self.completion,
                self._changeovers.minutes,
                self._hint,
            )
            self._term_cache[term] = terms.build(term)
        return self._term_cache[term]

    # --- hints and solutions ---------------------------------------------

    def add_hint(self, solution: Solution) -> None:
        """Hint every decision and auxiliary variable with a full solution."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for t, task_vars in enumerate(self.vars):
            place = solution.placements[t]
            if isinstance(task_vars.start, cp_model.IntVar):
                self.model.add_hint(task_vars.start, place.start)
            if isinstance(task_vars.end, cp_model.IntVar):
                self.model.add_hint(task_vars.end, place.end)
            own_end = place.end
            if isinstance(task_vars.work_end, cp_model.IntVar):
                # a batch member's own work may end before its batch
                own_end = self._own_end(t, place)
                self.model.add_hint(task_vars.work_end, own_end)
            if isinstance(task_vars.duration, cp_model.IntVar):
                self.model.add_hint(task_vars.duration, own_end - place.start)
            for machine, literal in task_vars.presence.items():
                self.model.add_hint(literal, machine == place.machine)
            for literal, machine, elapsed in task_vars.groups:
                chosen = machine == place.machine and own_end - place.start == elapsed
                self.model.add_hint(literal, chosen)
        for variable, rule in self._aux_hints:
            self.model.add_hint(variable, rule(solution))

    def _own_end(self, t: int, place: Placement) -> int:
        """When task `t`'s own work placed so ends (its batch may end later)."""
        task = self.problem.tasks[t]
        mode = next((d for d in task.modes if d.machine == place.machine), None)
        end = self.problem.end_of(task, mode, place.start) if mode else None
        return place.end if end is None else end

    def extract(
        self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback
    ) -> Solution:
        """Read the placements of the current solution."""
        placements = []
        for t, task in enumerate(self.problem.tasks):
            constant = task.fixed or self._pinned.get(t)
            if constant is not None:
                placements.append(constant)
                continue
            task_vars = self.vars[t]
            start = int(solver.value(task_vars.start))
            end = int(solver.value(task_vars.end))
            if task_vars.presence:
                machine = next(
                    m
                    for m, lit in task_vars.presence.items()
                    if solver.boolean_value(lit)
                )
            else:
                assert task_vars.machine is not None
                machine = task_vars.machine
            placements.append(Placement(machine, start, end))
        return Solution(tuple(placements))
