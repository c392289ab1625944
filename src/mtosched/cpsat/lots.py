"""Transfer lots (rule 21): a successor starts on its predecessor's first lot.

For each pair (p, s) of a transfer task s and a predecessor p, s may start
once p has worked its set-up and one lot, and p must end early enough that
s still has one lot of its own work to do after it. Both bounds count
working minutes. With one side constant they are numbers per machine. With
both free they are linear where the work runs without breaks (around the
clock, or uninterruptible on a calendar); interruptible work on a calendar
groups its starts by how long the counted minutes take, as the task
encoding does for the whole operation (tasks.py). Every bound is exact.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from mtosched.cpsat.bounds import Windows
from mtosched.cpsat.tasks import TaskVars
from mtosched.problem.model import Problem
from mtosched.problem.parts import Mode, Placement, lot_minutes

#: (minutes after the start, the literals under which that holds)
Offsets = list[tuple[int, list[cp_model.IntVar]]]


class TransferLots:
    """Posts rule 21 on one model, pair by pair."""

    def __init__(
        self,
        model: cp_model.CpModel,
        problem: Problem,
        task_vars: Sequence[TaskVars],
        windows: Windows,
    ) -> None:
        self.model = model
        self.problem = problem
        self.vars = task_vars
        self.windows = windows
        # start groups made once per (task, machine, minutes)
        self._groups: dict[tuple[int, int, int], Offsets] = {}
        #: Booleans made for start groups (interruptible work on calendars)
        self.group_literals = 0

    def add(self, s: int) -> None:
        """Rule 21 for each predecessor of transfer task `s`."""
        problem, model = self.problem, self.model
        succ = problem.tasks[s]
        vs = self.vars[s]
        for p in succ.predecessors:
            vp = self.vars[p]
            pred = problem.tasks[p]
            if isinstance(vp.start, int) and isinstance(vs.start, int):
                continue  # both kept from a checked schedule
            if isinstance(vp.start, int):
                assert vp.machine is not None and isinstance(vp.end, int)
                placed = Placement(vp.machine, vp.start, vp.end)
                model.add(vs.start >= problem.first_lot_done(p, placed, s))
                if problem.machines[vp.machine].batches:
                    model.add(vs.start >= vp.end)
                    continue
                for mode in succ.modes:
                    work = lot_minutes(mode, succ)
                    bound = problem.after_work(mode.calendar, vp.end, work)
                    enforce = runs_on(vs, mode.machine)
                    if enforce is not None:
                        model.add(vs.end >= bound).only_enforce_if(enforce)
            elif isinstance(vs.start, int):
                assert vs.machine is not None and isinstance(vs.end, int)
                own = problem.mode_on(succ, vs.machine)
                last = problem.before_work(own.calendar, vs.end, lot_minutes(own, succ))
                for mode in pred.modes:
                    enforce = runs_on(vp, mode.machine)
                    if enforce is None:
                        continue
                    if problem.machines[mode.machine].batches:
                        model.add(vp.end <= vs.start).only_enforce_if(enforce)
                        continue
                    first = problem.before_work(
                        mode.calendar, vs.start, mode.setup + lot_minutes(mode, succ)
                    )
                    model.add(vp.start <= first).only_enforce_if(enforce)
                    model.add(vp.end <= last).only_enforce_if(enforce)
            else:
                self._free_pair(p, s)

    def _free_pair(self, p: int, s: int) -> None:
        """Rule 21 for a pair with both sides free, per machine of each side."""
        problem, model = self.problem, self.model
        pred, succ = problem.tasks[p], problem.tasks[s]
        vp, vs = self.vars[p], self.vars[s]
        for mode_p in pred.modes:
            on_p = runs_on(vp, mode_p.machine)
            if on_p is None:
                continue
            if problem.machines[mode_p.machine].batches:
                # a batch hands on its units at its end
                model.add(vs.start >= vp.end).only_enforce_if(on_p)
                continue
            # s starts once p has worked its set-up and one lot
            first = mode_p.setup + lot_minutes(mode_p, succ)
            for offset, enforce in self._offsets(p, mode_p, first, on_p):
                model.add(vs.start >= vp.start + offset).only_enforce_if(enforce)
            for mode_s in succ.modes:
                on_s = runs_on(vs, mode_s.machine)
                if on_s is None:
                    continue
                lot = lot_minutes(mode_s, succ)
                if lot <= 0:
                    continue  # nothing of s's own to wait for
                # p ends by the start of s's last lot: s's working minute
                # number (work - lot + 1), counted from its start, begins then
                last = mode_s.duration - lot + 1
                for offset, enforce in self._offsets(s, mode_s, last, on_s):
                    model.add(vp.end <= vs.start + offset - 1).only_enforce_if(
                        [*on_p, *enforce]
                    )

    def _offsets(
        self, t: int, mode: Mode, work: int, on: list[cp_model.IntVar]
    ) -> Offsets:
        """When `work` working minutes of `t` in `mode` end, after its start.

        Under each pair's literals the minutes end that many minutes after
        the start: one pair with no new literal where the work runs without
        breaks; otherwise a Boolean per group of starts with the same
        offset, exactly one of them true when `t` runs in `mode`.
        """
        task = self.problem.tasks[t]
        if mode.calendar is None or not task.interruptible:
            return [(work, on)]
        key = (t, mode.machine, work)
        if key not in self._groups:
            self._groups[key] = self._start_groups(t, mode, work, on)
        return self._groups[key]

    def _start_groups(
        self, t: int, mode: Mode, work: int, on: list[cp_model.IntVar]
    ) -> Offsets:
        assert mode.calendar is not None
        model = self.model
        hours = self.problem.calendars[mode.calendar]
        low = self.windows.head[t]
        high = max(low, self.windows.end_cap(t) - mode.duration)
        start = self.vars[t].start
        literals: list[cp_model.IntVar] = []
        pieces: Offsets = []
        for offset, ranges in sorted(hours.start_groups(work, low, high).items()):
            literal = model.new_bool_var(f"lot{t}_m{mode.machine}_w{work}_e{offset}")
            domain = cp_model.Domain.from_intervals([[a, b] for a, b in ranges])
            model.add_linear_expression_in_domain(start, domain).only_enforce_if(
                literal
            )
            literals.append(literal)
            pieces.append((offset, [*on, literal]))
        if not literals:
            return [(work, on)]  # no start fits: the task's own domain says so
        self.group_literals += len(literals)
        if on:
            model.add(sum(literals) == on[0])
        else:
            model.add_exactly_one(literals)
        return pieces


def runs_on(task_vars: TaskVars, machine: int) -> list[cp_model.IntVar] | None:
    """The literals under which a task runs on `machine`.

    [] when it surely does, None when it cannot (no feasible start there).
    """
    literal = task_vars.presence.get(machine)
    if literal is not None:
        return [literal]
    return [] if task_vars.machine == machine else None
