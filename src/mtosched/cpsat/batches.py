"""Batch machines in the CP-SAT model (contract rules 18-20): leaders and joiners.

On a batch machine m every batch has one *leader*: its member with the
longest duration on m, ties going to the higher task index. That is a total
order, so a batch has exactly one leader and no two models of one batch
exist (symmetry broken). For each free task t that may run on m a Boolean
lead[t,m] says "t leads a batch on m"; for each pair that may share a load,
join[l,u,m] says "u rides in l's batch" (l above u in the order); for each
constant batch C (pinned, or frozen by the nightly loop) that still has room,
joinc[C,u] says "u rides in C". A task on m leads, joins one leader or joins
one constant batch: presence(u, m) = lead + sum(join) + sum(joinc).

Why the longest member leads: members share the start and one working time
(see below), so the leader's own work end is the batch's end (rule 18). No
variable for the batch end and no max constraint are needed; the batch end
is exact, and the leader's own interval is the batch's occupancy of the
machine. Only leaders and constant batches go on the machine's no-overlap
and into its changeover circuit, so changeovers count between batches.

A task's `end` (what precedences, completions, the objective and the
resources it `uses` see) becomes B: its own work end W when it leads or
runs elsewhere, the batch's end when it joins. Joiners keep their own start
group encoding, so their work is a valid run in their own right.

Exact and conservative parts. Family, capacity and the longest-member
duration are exact. Two tasks share a batch only when their working times
(machine calendar intersected with their crews', rule 5) have the same
periods: the batch then works by that one calendar. Tasks of one family
with different working times never share here, although rule 18 would let
them share the intersection; `unmodelled` reports such plants, where the
model is not exact and the full model is not built. A stiff joiner
(`interruptible: false`) under an interruptible leader makes the whole
batch stiff: the leader's run must then have no break (elapsed = work).
A constant batch is joined only as it stands: no running member (rule 20
keeps a running batch fixed), one family and one working time, an end that
is its longest member's (rule 18), and a joiner whose own work fits in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from ortools.sat.python import cp_model

from mtosched.cpsat.batch_rules import (
    Constant,
    batch_node,
    constants,
    mode_of,
    rank,
    same_time,
)
from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.tasks import TaskVars, end_limit
from mtosched.problem.model import Problem
from mtosched.problem.parts import Mode
from mtosched.problem.solution import Solution
from mtosched.verify.sequences import loads

HintRule = Callable[[Solution], int]


@dataclass
class BatchModel:
    """Leader literals for the changeover circuits, and how to hint everything."""

    #: (task, machine) -> "leads a batch there"; None when it surely does
    leads: dict[tuple[int, int], cp_model.IntVar | None] = field(default_factory=dict)
    hints: list[tuple[cp_model.IntVar, HintRule]] = field(default_factory=list)


class _Roles:
    """Who leads and who joins in the last hinted solution, computed once."""

    def __init__(self, problem: Problem, constant: Sequence[bool]) -> None:
        self.problem, self.constant = problem, constant
        self.solution: Solution | None = None
        self.role: dict[int, tuple[str, int, int]] = {}

    def of(self, solution: Solution, t: int) -> tuple[str, int, int]:
        if solution is not self.solution:
            self.role = {}
            for load in loads(self.problem, solution):
                m, members = load.machine, list(load.members)
                node = batch_node(self.problem, m, members, self.constant)
                for u in members:
                    if u == node:
                        self.role[u] = ("lead", m, u)
                    elif self.constant[node]:
                        self.role[u] = ("joinc", m, load.start)
                    else:
                        self.role[u] = ("join", m, node)
            self.solution = solution
        return self.role.get(t, ("", -1, -1))

    def is_(self, solution: Solution, *, t: int, role: tuple[str, int, int]) -> int:
        return int(self.of(solution, t) == role)

    def follows(self, solution: Solution, *, t: int) -> int:
        return int(self.of(solution, t)[0] in ("join", "joinc"))


class _Builder:
    """Adds the batch variables and constraints of every batch machine."""

    def __init__(
        self,
        model: cp_model.CpModel,
        problem: Problem,
        task_vars: list[TaskVars],
        windows: Windows,
        *,
        use_deadline_domains: bool,
    ) -> None:
        self.model, self.problem, self.vars = model, problem, task_vars
        self.windows = windows
        self.deadlines = use_deadline_domains
        # each task's own work end, before any end becomes a batch's
        self.work = [v.end for v in task_vars]
        constant = [isinstance(v.start, int) for v in task_vars]
        self.roles = _Roles(problem, constant)
        self.result = BatchModel()
        # task -> (literal, batch end it takes on) for every way it may join
        self.joins: dict[int, list[tuple[cp_model.IntVar, cp_model.LinearExprT]]] = {}

    def cap(self, t: int) -> int:
        return end_limit(
            self.problem, self.windows, t, use_deadline_domains=self.deadlines
        )

    def machine(self, m: int, intervals: list[cp_model.IntervalVar]) -> None:
        """Leaders, joiners and capacities on batch machine `m`."""
        problem, model, head = self.problem, self.model, self.windows.head
        info = problem.machines[m]
        assert info.batch_capacity is not None
        capacity = info.batch_capacity
        free = [
            t
            for t, v in enumerate(self.vars)
            if not isinstance(v.start, int) and m in v.held
        ]
        free.sort(key=lambda t: rank(problem, m, t))
        modes = {t: mode_of(problem.tasks[t], m) for t in free}
        size = {t: info.batch_size(problem.tasks[t]) for t in free}
        # followers per leader, and the ways each task may ride along
        riders: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        rides: dict[int, list[cp_model.IntVar]] = {t: [] for t in free}
        for k, u in enumerate(free):
            task_u, mode_u = problem.tasks[u], modes[u]
            assert mode_u is not None
            for lead in free[k + 1 :]:
                task_l, mode_l = problem.tasks[lead], modes[lead]
                assert mode_l is not None
                if (
                    task_l.family != task_u.family
                    or size[lead] + size[u] > capacity
                    or not same_time(problem, mode_l.calendar, mode_u.calendar)
                    or max(head[lead], head[u]) + mode_l.duration
                    > min(self.cap(lead), self.cap(u))
                ):
                    continue
                join = model.new_bool_var(f"m{m}_{u}in{lead}")
                riders.setdefault(lead, []).append((u, join))
                rides[u].append(join)
                self._ride(u, join, self.vars[lead].start, self.work[lead])
                self.result.hints.append(
                    (join, partial(self.roles.is_, t=u, role=("join", m, lead)))
                )
                stiff = not task_u.interruptible and task_l.interruptible
                if stiff and mode_l.calendar is not None:
                    # the batch is stiff: the leader's run has no break
                    start_l = self.vars[lead].start
                    model.add(
                        self.work[lead] == start_l + mode_l.duration
                    ).only_enforce_if(join)
        for batch in constants(problem, self.vars, m):
            self._join_constant(m, batch, free, modes, size, rides)
        for t in free:
            self._lead(m, t, rides[t], riders.get(t, []), size, capacity, intervals)

    def _join_constant(
        self,
        m: int,
        batch: Constant,
        free: list[int],
        modes: dict[int, Mode | None],
        size: dict[int, int],
        rides: dict[int, list[cp_model.IntVar]],
    ) -> None:
        """Free work may ride in constant batch `batch` as it stands."""
        problem, model = self.problem, self.model
        longest = problem.tasks[batch.longest].duration_on(m)
        joining: list[tuple[int, cp_model.IntVar]] = []
        for u in free:
            task, mode = problem.tasks[u], modes[u]
            assert mode is not None and longest is not None
            if (
                task.family != batch.family
                or size[u] > batch.room
                or mode.duration > longest
                or not same_time(problem, mode.calendar, batch.calendar)
                or (not task.interruptible and not batch.stiff_ok)
                or self.windows.head[u] > batch.start
                or batch.end > self.cap(u)
            ):
                continue
            own_end = problem.end_of(task, mode, batch.start)
            if own_end is None or own_end > batch.end:
                continue
            join = model.new_bool_var(f"m{m}_{u}in@{batch.start}")
            joining.append((u, join))
            rides[u].append(join)
            self._ride(u, join, batch.start, batch.end)
            self.result.hints.append(
                (join, partial(self.roles.is_, t=u, role=("joinc", m, batch.start)))
            )
        if sum(size[u] for u, _ in joining) > batch.room:
            model.add(sum(size[u] * j for u, j in joining) <= batch.room)

    def _ride(
        self,
        u: int,
        join: cp_model.IntVar,
        start: cp_model.LinearExprT,
        end: cp_model.LinearExprT,
    ) -> None:
        """Under `join`, `u` starts at `start` and ends with its batch at `end`."""
        self.model.add(self.vars[u].start == start).only_enforce_if(join)
        self.joins.setdefault(u, []).append((join, end))

    def _lead(
        self,
        m: int,
        t: int,
        rides: list[cp_model.IntVar],
        riders: list[tuple[int, cp_model.IntVar]],
        size: dict[int, int],
        capacity: int,
        intervals: list[cp_model.IntervalVar],
    ) -> None:
        """`t`'s leader literal, presence split, capacity and machine interval."""
        model, v = self.model, self.vars[t]
        present = v.presence.get(m)
        lead: cp_model.IntVar | None = present
        if rides:
            lead = model.new_bool_var(f"m{m}_lead{t}")
            taken = sum([lead, *rides])
            model.add(taken == (present if present is not None else 1))
            self.result.hints.append(
                (lead, partial(self.roles.is_, t=t, role=("lead", m, t)))
            )
        self.result.leads[t, m] = lead
        if lead is not None:
            for _, join in riders:
                model.add_implication(join, lead)
        if sum(size[u] for u, _ in riders) > capacity - size[t]:
            model.add(sum(size[u] * j for u, j in riders) <= capacity - size[t])
        fixed = v.held[m]
        name = f"t{t}_m{m}_lead"
        if lead is None:
            intervals.append(v.interval)
        elif fixed is not None:
            intervals.append(
                model.new_optional_fixed_size_interval_var(v.start, fixed, lead, name)
            )
        else:
            assert isinstance(v.duration, cp_model.IntVar)
            intervals.append(
                model.new_optional_interval_var(
                    v.start, v.duration, self.work[t], lead, name
                )
            )

    def batch_ends(self) -> None:
        """Give every task that may ride along its batch end B >= its own end W."""
        model, problem = self.model, self.problem
        for u, ways in sorted(self.joins.items()):
            v, task = self.vars[u], problem.tasks[u]
            work = self.work[u]
            low = self.windows.head[u] + task.min_duration
            high = max(low, self.cap(u))
            end = model.new_int_var(low, high, f"t{u}_B")
            follows = model.new_bool_var(f"t{u}_rides")
            model.add(follows == sum(j for j, _ in ways))
            model.add(end >= work)
            model.add(end == work).only_enforce_if(~follows)
            for join, batch_end in ways:
                model.add(end == batch_end).only_enforce_if(join)
            self.result.hints.append((follows, partial(self.roles.follows, t=u)))
            v.work_end, v.end = work, end
            if task.uses:
                # crews are held for the whole batch (rule 18)
                span = model.new_int_var(task.min_duration, high, f"t{u}_span")
                v.interval = model.new_interval_var(v.start, span, end, f"t{u}_held")
                self.result.hints.append((span, partial(_span, t=u)))


def _span(solution: Solution, *, t: int) -> int:
    return solution.placements[t].end - solution.placements[t].start


def add_batches(
    model: cp_model.CpModel,
    problem: Problem,
    task_vars: list[TaskVars],
    windows: Windows,
    machine_intervals: dict[int, list[cp_model.IntervalVar]],
    *,
    use_deadline_domains: bool,
) -> BatchModel:
    """Batch variables on every batch machine; leaders' intervals registered.

    Must run after the tasks and before anything reads a task's `end` or
    `interval`: joiners' ends become their batch's end here.
    """
    builder = _Builder(
        model, problem, task_vars, windows, use_deadline_domains=use_deadline_domains
    )
    for m, machine in enumerate(problem.machines):
        if machine.batches:
            builder.machine(m, machine_intervals.setdefault(m, []))
    builder.batch_ends()
    return builder.result


def one_per_batch(
    task_vars: list[TaskVars], machine: int, intervals: list[cp_model.IntervalVar]
) -> list[cp_model.IntervalVar]:
    """A batch machine's intervals with each constant batch once.

    Members of a batch kept as they are (running, frozen or pinned work)
    share one interval; free leaders have one each (`add_batches`).
    """
    constant = {
        id(v.interval): v.start
        for v in task_vars
        if v.machine == machine and isinstance(v.start, int)
    }
    seen: set[int] = set()
    kept = []
    for interval in intervals:
        start = constant.get(id(interval))
        if start is not None:
            if start in seen:
                continue
            seen.add(start)
        kept.append(interval)
    return kept
