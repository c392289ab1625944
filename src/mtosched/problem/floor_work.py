"""Work already on the floor, as the scenario reports it: checked and settled.

Running operations are fixed where they run (rule 11), and frozen work
where last night's plan put it. Before solving, the compiler settles fixed
work on a batch machine into fixed batches (rule 20) and refuses reports
that cannot be true: two operations running on one machine at once, a
running batch over its capacity or mixing families, running work holding
more of a resource than there is. The solver cannot move any of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise

from mtosched.errors import Issue
from mtosched.problem.parts import Task
from mtosched.scenario.models import Scenario
from mtosched.scenario.provenance import Origin


class FloorWork:
    """The fixed tasks of a compilation and where running ones were reported."""

    def __init__(
        self, scenario: Scenario, tasks: list[Task], running_origin: dict[int, Origin]
    ) -> None:
        self.scenario = scenario
        #: settled in place: batch members take their batch's end
        self.tasks = tasks
        self.running_origin = running_origin

    def overlaps(self, order_of: Callable[[int], str]) -> list[Issue]:
        """Two operations reported running on one machine at once is bad data."""
        issues: list[Issue] = []
        by_machine: dict[int, list[int]] = {}
        for t in self.running_origin:
            fixed = self.tasks[t].fixed
            assert fixed is not None
            by_machine.setdefault(fixed.machine, []).append(t)
        for machine, tasks in by_machine.items():
            tasks.sort(key=lambda t: self.tasks[t].fixed.start)  # type: ignore[union-attr]
            together = self.scenario.machines[machine].batch is not None
            for before, after in pairwise(tasks):
                first, second = self.tasks[before], self.tasks[after]
                assert first.fixed is not None and second.fixed is not None
                if together and first.fixed.start == second.fixed.start:
                    continue  # one running batch (rule 20)
                if second.fixed.start < first.fixed.end:
                    origin = self.running_origin[after]
                    other = order_of(before)
                    issues.append(
                        Issue(
                            origin.file,
                            origin.path,
                            f"running on {self.scenario.machines[machine].id} while "
                            f"{other}/{first.operation} is still running there",
                        )
                    )
        return issues

    def settle_batches(self) -> list[Issue]:
        """Fixed work on a batch machine with one start is one fixed batch.

        Running work (rules 11 and 20) and frozen work (a batch of last
        night's plan): every member ends when the longest does. A running
        group over the capacity or of mixed families is bad data.
        """
        issues: list[Issue] = []
        groups: dict[tuple[int, int], list[int]] = {}
        for t, task in enumerate(self.tasks):
            fixed = task.fixed
            if fixed is not None and self.scenario.machines[fixed.machine].batch:
                groups.setdefault((fixed.machine, fixed.start), []).append(t)
        for (machine, _), members in groups.items():
            batching = self.scenario.machines[machine].batch
            assert batching is not None
            end = max(self.tasks[t].fixed.end for t in members)  # type: ignore[union-attr]
            for t in members:
                fixed = self.tasks[t].fixed
                assert fixed is not None
                self.tasks[t] = replace(self.tasks[t], fixed=replace(fixed, end=end))
            members = [t for t in members if t in self.running_origin]
            if not members:
                continue
            size = sum(
                self.tasks[t].quantity if batching.size == "quantity" else 1
                for t in members
            )
            families = {self.tasks[t].family for t in members}
            origin = self.running_origin[members[-1]]
            name = self.scenario.machines[machine].id
            if size > batching.capacity:
                issues.append(
                    Issue(
                        origin.file,
                        origin.path,
                        f"the running batch on {name} holds {size}, more than "
                        f"its capacity {batching.capacity} (rule 20)",
                    )
                )
            if len(families) > 1:
                shown = ", ".join(sorted(str(f) for f in families))
                issues.append(
                    Issue(
                        origin.file,
                        origin.path,
                        f"the running batch on {name} mixes families ({shown}); "
                        "a batch holds one family (rule 20)",
                    )
                )
        return issues

    def over_capacity(self) -> list[Issue]:
        """Running work holding more of a resource than it has is bad data too.

        The solver cannot move running work, and once returned a schedule
        that failed the independent check on it (issue 16).
        """
        issues: list[Issue] = []
        capacities = [r.capacity for r in self.scenario.resources]
        events: dict[int, list[tuple[int, int, int]]] = {}
        for t in self.running_origin:
            task = self.tasks[t]
            assert task.fixed is not None
            for r, amount in task.uses:
                if amount > capacities[r]:
                    continue  # infeasible alone, and reported as such
                events.setdefault(r, []).append((task.fixed.start, amount, t))
                events.setdefault(r, []).append((task.fixed.end, -amount, t))
        for r, moments in events.items():
            held = 0
            for _, amount, t in sorted(moments, key=lambda e: (e[0], e[1])):
                held += amount
                if amount > 0 and held > capacities[r]:
                    origin = self.running_origin[t]
                    resource = self.scenario.resources[r].id
                    issues.append(
                        Issue(
                            origin.file,
                            origin.path,
                            f"running work holds {held} of resource {resource} "
                            f"at once, whose capacity is {capacities[r]}",
                        )
                    )
                    break
        return issues
