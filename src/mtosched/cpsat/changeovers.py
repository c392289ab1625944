"""Sequence-dependent changeovers: a circuit per machine that has a matrix.

Arc i -> j means j directly follows i on the machine and needs the matrix's
minutes of machine working time between them (contract rule 10). On a
machine calendar that is a constraint on the working-time axis: W(start_j) -
W(end_i) >= minutes, where W counts working minutes. W of a start or an end
is read off the period that contains it with element constraints: exact at
minute resolution, for a few small integer variables per task.

`working_time=False` counts the minutes as elapsed time instead: a
relaxation (a gap holds at most as many working minutes as elapsed ones),
without the element constraints, for the whole-plant pass (relaxed.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from ortools.sat.python import cp_model

from mtosched.cpsat.batch_rules import batch_node
from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.tasks import TaskVars
from mtosched.problem.model import Problem
from mtosched.problem.solution import Solution
from mtosched.problem.worktime import WorkingTime

HintRule = Callable[[Solution], int]


@dataclass
class ChangeoverModel:
    """The changeover-minutes parts and how to hint their variables."""

    minutes: list[cp_model.LinearExprT]
    hints: list[tuple[cp_model.IntVar, HintRule]]
    #: circuit constraints added (one per machine with a matrix and work on it)
    circuits: int = 0


def _period_of(hours: WorkingTime, minute: int) -> int:
    """Index of the period containing `minute` (or the last one before it)."""
    best = 0
    for k, (a, _) in enumerate(hours.periods):
        if a > minute:
            break
        best = k
    return best


def _start_of(solution: Solution, *, task: int) -> int:
    return solution.placements[task].start


def _end_of(solution: Solution, *, task: int) -> int:
    return solution.placements[task].end


class _Axis:
    """Working-time positions W(start) and W(end) of tasks on one machine."""

    def __init__(
        self, model: cp_model.CpModel, hours: WorkingTime, horizon: int
    ) -> None:
        self.model, self.hours = model, hours
        self.lows: list[int] = []
        self.highs: list[int] = []
        self.offsets: list[int] = []
        worked = 0
        for a, b in hours.periods:
            if a >= horizon and self.lows:
                break  # nothing of the model lies beyond the horizon
            self.lows.append(a)
            self.highs.append(b)
            self.offsets.append(a - worked)  # W(x) = x - offset inside the period
            worked += b - a
        self.hints: list[tuple[cp_model.IntVar, HintRule]] = []

    def position(
        self,
        moment: cp_model.IntVar,
        name: str,
        *,
        is_end: bool,
        rule: HintRule,
        present: cp_model.IntVar | None,
    ) -> cp_model.LinearExpr:
        """W(moment): working minutes before a start, or up to an end.

        Only binding while the task runs on this machine (`present`): on
        another machine its times follow another calendar.
        """
        model = self.model
        index = model.new_int_var(0, len(self.lows) - 1, f"{name}_p")
        low = model.new_int_var(min(self.lows), max(self.lows), f"{name}_lo")
        high = model.new_int_var(min(self.highs), max(self.highs), f"{name}_hi")
        offset = model.new_int_var(min(self.offsets), max(self.offsets), f"{name}_o")
        model.add_element(index, self.lows, low)
        model.add_element(index, self.highs, high)
        model.add_element(index, self.offsets, offset)
        shift = 1 if is_end else 0  # the minute before an end is working time
        inside = [
            model.add(moment >= low + shift),
            model.add(moment <= high - 1 + shift),
        ]
        if present is not None:
            for constraint in inside:
                constraint.only_enforce_if(present)
        periods = list(range(len(self.lows)))
        for variable, values in (
            (index, periods),
            (low, self.lows),
            (high, self.highs),
            (offset, self.offsets),
        ):
            read = partial(self._read, values=values, rule=rule, shift=shift)
            self.hints.append((variable, read))
        return moment - offset

    def _read(
        self, solution: Solution, *, values: list[int], rule: HintRule, shift: int
    ) -> int:
        return values[_period_of(self.hours, rule(solution) - shift)]


class _Sequences:
    """Machine sequences of the last hinted solution, computed once per solution.

    On a batch machine a batch is one node: the member `batch_node` names.
    """

    def __init__(self, problem: Problem, constant: list[bool]) -> None:
        self.solution: Solution | None = None
        self.position: dict[int, dict[int, int]] = {}
        self.problem, self.constant = problem, constant

    def of(self, solution: Solution, machine: int) -> dict[int, int]:
        if solution is not self.solution:
            by_machine: dict[int, list[int]] = {}
            for t, place in enumerate(solution.placements):
                by_machine.setdefault(place.machine, []).append(t)
            self.position = {}
            for m, tasks in by_machine.items():
                tasks.sort(key=lambda t: (solution.placements[t].start, t))
                if self.problem.machines[m].batches:
                    tasks = self._nodes(solution, m, tasks)
                self.position[m] = {t: k for k, t in enumerate(tasks)}
            self.solution = solution
        return self.position.get(machine, {})

    def _nodes(self, solution: Solution, m: int, tasks: list[int]) -> list[int]:
        """One node per batch, in time order (rule 18)."""
        batches: dict[int, list[int]] = {}
        for t in tasks:
            batches.setdefault(solution.placements[t].start, []).append(t)
        return [
            batch_node(self.problem, m, members, self.constant)
            for members in batches.values()
        ]

    def is_empty(self, solution: Solution, *, machine: int) -> int:
        return int(not self.of(solution, machine))

    def is_first(self, solution: Solution, *, machine: int, t: int) -> int:
        return int(self.of(solution, machine).get(t) == 0)

    def is_last(self, solution: Solution, *, machine: int, t: int) -> int:
        order = self.of(solution, machine)
        return int(t in order and order[t] == len(order) - 1)

    def follows(self, solution: Solution, *, machine: int, t: int, u: int) -> int:
        order = self.of(solution, machine)
        return int(t in order and u in order and order[u] == order[t] + 1)


class _Reach:
    """Which direct neighbours a task can have on one machine.

    Constant work there (running, frozen, or pinned by neighbourhood search)
    splits the machine's time into gaps. A free task can only sit in a gap
    its window overlaps, so only the constants bounding such gaps can be its
    neighbours, and two constants are neighbours only when consecutive.
    Every pruned arc is one no schedule of the model can use.
    """

    def __init__(self, task_vars: list[TaskVars], windows: Windows, nodes: list[int]):
        self.vars, self.windows = task_vars, windows
        fixed = [t for t in nodes if isinstance(task_vars[t].start, int)]
        fixed.sort(key=lambda t: (self._start(t), t))
        self.fixed = fixed
        self.rank = {t: k for k, t in enumerate(fixed)}

    def _start(self, t: int) -> int:
        start = self.vars[t].start
        assert isinstance(start, int)
        return start

    def _end(self, t: int) -> int:
        end = self.vars[t].end
        assert isinstance(end, int)
        return end

    def _gap_after(self, k: int) -> tuple[float, float]:
        """Times between constant k (-1: the machine's start) and the next one."""
        low = self._end(self.fixed[k]) if k >= 0 else -math.inf
        nxt = k + 1
        high = self._start(self.fixed[nxt]) if nxt < len(self.fixed) else math.inf
        return low, high

    def _fits(self, t: int, gap: tuple[float, float]) -> bool:
        low, high = gap
        return self.windows.head[t] < high and self.windows.end_cap(t) > low

    def first(self, t: int) -> bool:
        """Whether `t` can be the first task on the machine."""
        if t in self.rank:
            return self.rank[t] == 0
        return self._fits(t, self._gap_after(-1))

    def last(self, t: int) -> bool:
        """Whether `t` can be the last task on the machine."""
        if t in self.rank:
            return self.rank[t] == len(self.fixed) - 1
        return self._fits(t, self._gap_after(len(self.fixed) - 1))

    def follows(self, t: int, u: int) -> bool:
        """Whether `u` can directly follow `t`."""
        if t in self.rank and u in self.rank:
            return self.rank[u] == self.rank[t] + 1
        if t in self.rank:
            return self._fits(u, self._gap_after(self.rank[t]))
        if u in self.rank:
            return self._fits(t, self._gap_after(self.rank[u] - 1))
        return True


def add_changeovers(
    model: cp_model.CpModel,
    problem: Problem,
    task_vars: list[TaskVars],
    windows: Windows,
    leads: Mapping[tuple[int, int], cp_model.IntVar | None] | None = None,
    *,
    working_time: bool = True,
) -> ChangeoverModel:
    """Circuits, changeover constraints and the changeover-minutes parts.

    On a batch machine the nodes are batches: each constant batch once,
    and free work under its `leads` literal (batches.py), so changeovers
    are counted between consecutive batches (rule 18).
    """
    result = ChangeoverModel([], [])
    leads = leads or {}
    constant = [isinstance(v.start, int) for v in task_vars]
    sequences = _Sequences(problem, constant)
    for m, machine in enumerate(problem.machines):
        if machine.changeovers is None:
            continue
        # tasks that can still run here, with their presence (None when certain)
        present: dict[int, cp_model.IntVar | None] = {}
        batch_starts: set[int] = set()
        for t, v in enumerate(task_vars):
            if machine.batches and isinstance(v.start, int) and v.machine == m:
                if v.start in batch_starts:
                    continue  # a constant batch is one node: its first member
                batch_starts.add(v.start)
            if (t, m) in leads:
                present[t] = leads[t, m]
            elif m in v.presence:
                present[t] = v.presence[m]
            elif v.machine == m:
                present[t] = None
        if present:
            _add_machine(
                model,
                problem,
                task_vars,
                m,
                present,
                sequences,
                result,
                windows.horizon,
                _Reach(task_vars, windows, sorted(present)),
                working_time=working_time,
            )
    return result


def _add_machine(
    model: cp_model.CpModel,
    problem: Problem,
    task_vars: list[TaskVars],
    m: int,
    present: dict[int, cp_model.IntVar | None],
    sequences: _Sequences,
    result: ChangeoverModel,
    horizon: int,
    reach: _Reach,
    *,
    working_time: bool,
) -> None:
    machine = problem.machines[m]
    assert machine.changeovers is not None
    matrix = problem.changeovers[machine.changeovers]
    nodes = sorted(present)
    hours = (
        problem.calendars[machine.calendar]
        if machine.calendar is not None and working_time
        else None
    )
    axis = _Axis(model, hours, horizon) if hours is not None and hours.periods else None
    starts: dict[int, cp_model.LinearExprT] = {}
    ends: dict[int, cp_model.LinearExprT] = {}
    for t in nodes:
        v = task_vars[t]
        start, end = v.start, v.end
        if axis is None:
            starts[t], ends[t] = start, end
            continue
        if isinstance(start, int) and isinstance(end, int):  # running work
            unrolled = axis.lows[0]
            starts[t] = axis.hours.worked(unrolled, start)
            ends[t] = axis.hours.worked(unrolled, end)
            continue
        assert isinstance(start, cp_model.IntVar) and isinstance(end, cp_model.IntVar)
        starts[t] = axis.position(
            start,
            f"m{m}t{t}s",
            is_end=False,
            rule=partial(_start_of, task=t),
            present=present[t],
        )
        ends[t] = axis.position(
            end,
            f"m{m}t{t}e",
            is_end=True,
            rule=partial(_end_of, task=t),
            present=present[t],
        )
    # W(0): the calendar's working minutes unrolled before the planning start
    origin = hours.worked(hours.periods[0][0], 0) if axis and hours else 0

    arcs: list[tuple[int, int, cp_model.LiteralT]] = []
    if all(literal is not None for literal in present.values()):
        empty = model.new_bool_var(f"m{m}_empty")
        arcs.append((0, 0, empty))
        for literal in present.values():
            assert literal is not None
            model.add_implication(empty, ~literal)
        result.hints.append((empty, partial(sequences.is_empty, machine=m)))
    node = {t: k + 1 for k, t in enumerate(nodes)}
    for t in nodes:
        task = problem.tasks[t]
        literal = present[t]
        if literal is not None:
            arcs.append((node[t], node[t], ~literal))
        if reach.last(t):
            last = model.new_bool_var(f"m{m}_last{t}")
            arcs.append((node[t], 0, last))
            result.hints.append((last, partial(sequences.is_last, machine=m, t=t)))
        if reach.first(t):
            first = model.new_bool_var(f"m{m}_first{t}")
            arcs.append((0, node[t], first))
            result.hints.append((first, partial(sequences.is_first, machine=m, t=t)))
            # running work is set up already: no changeover into it
            initial = matrix.minutes(machine.initial_family, task.family)
            if initial > 0 and not task.set_up:
                model.add(starts[t] >= origin + initial).only_enforce_if(first)
                result.minutes.append(initial * first)
        for u in nodes:
            if u == t or not reach.follows(t, u):
                continue
            follow = model.new_bool_var(f"m{m}_{t}to{u}")
            arcs.append((node[t], node[u], follow))
            hint = partial(sequences.follows, machine=m, t=t, u=u)
            result.hints.append((follow, hint))
            later = problem.tasks[u]
            minutes = 0 if later.set_up else matrix.minutes(task.family, later.family)
            model.add(starts[u] >= ends[t] + minutes).only_enforce_if(follow)
            if minutes:
                result.minutes.append(minutes * follow)
    model.add_circuit(arcs)
    result.circuits += 1
    if axis is not None:
        result.hints.extend(axis.hints)
