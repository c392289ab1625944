"""The critical chain of an order, and where its minutes went.

The chain starts at the order's last operation (the one that ends at its
completion; the later routing position on a tie) and walks back through
the order's own routing: from each operation to the predecessor that made
it ready last (its end plus the minimum wait is the latest; on a tie the
one that ended last, then the later in the routing). It stops at an
operation whose readiness came from the order's release or the planning
start, or at work already running at the start.

The chain stays inside the order on purpose: a planner asks what *their*
order waited for. What held a machine or crew is named inside each wait
(the other orders and their windows) instead of following their chains,
which would turn the story into one about someone else's order.

Every minute from the planning start (minute 0) to the completion lies in
exactly one piece of exactly one step:

* before the chain's first operation became ready: `release` (the order
  was released later than the planning start);
* between a predecessor's end and readiness: `min_wait` (curing, cooling);
* between readiness and start: the causes of `attribution.py`;
* between start and end: `processing` (working minutes of the task's
  calendar) and `non_working` (where interruptible work paused);
* an operation that overlaps its predecessor in transfer lots (rule 21)
  accounts only for its minutes after the predecessor's end: the minutes
  before belong to the predecessor's step, which counts them already;
* for running work that started before the planning start, only its part
  after minute 0 counts.

So the minutes per cause add up to `completion - planning start`, and
lateness = that sum - (due - planning start).
"""

from __future__ import annotations

from dataclasses import dataclass

from mtosched.explain.attribution import Attributor, Piece
from mtosched.explain.occupancy import Occupancy
from mtosched.explain.readiness import Binding, readiness


@dataclass(frozen=True, slots=True)
class Step:
    """One operation of the chain and the minutes `[low, end)` it accounts for.

    `ready` is when it could start as far as its order is concerned (its
    release, its predecessors' ends plus the minimum wait, the planning
    start); `binding` says which of these it was, `predecessor` names the
    binding task.
    """

    task: int
    low: int
    ready: int
    binding: Binding
    predecessor: int | None
    pieces: tuple[Piece, ...]

    @property
    def minutes(self) -> int:
        """Minutes the step accounts for."""
        return sum(p.end - p.start for p in self.pieces)


@dataclass(frozen=True, slots=True)
class Chain:
    """An order's critical chain, first operation first."""

    order: int
    completion: int
    steps: tuple[Step, ...]


def last_task(occ: Occupancy, order: int) -> int:
    """The order's operation that ends last (later in the routing on a tie)."""
    tasks = occ.problem.orders[order].tasks
    return max(tasks, key=lambda t: (occ.solution.placements[t].end, t))


def critical_chain(occ: Occupancy, order: int) -> Chain:
    """Walk back from the order's last operation; see the module docstring."""
    steps: list[Step] = []
    last = last_task(occ, order)
    completion = occ.solution.placements[last].end
    t: int | None = last
    while t is not None:
        task = occ.problem.tasks[t]
        place = occ.solution.placements[t]
        attributor = Attributor(occ, t)
        run_low = max(place.start, 0)
        if task.fixed is not None and place.start <= 0:
            run = [*_processing(attributor, run_low), *attributor.run(run_low)]
            steps.append(Step(t, run_low, run_low, "running", None, _sorted(run)))
            break
        ready, binding, predecessor = readiness(occ, t)
        if predecessor is not None:
            # transfer lots: what overlaps the predecessor is counted there
            run_low = max(run_low, occ.solution.placements[predecessor].end)
        run = [*_processing(attributor, run_low), *attributor.run(run_low)]
        ready = min(ready, place.start)
        wait = attributor.wait(ready)
        if predecessor is not None:
            low = occ.solution.placements[predecessor].end
            before = [Piece("min_wait", low, ready, ("min_wait", predecessor))]
        else:
            low = 0
            before = [Piece("release", 0, ready, ("release",))]
        pieces = _sorted([*before, *wait, *run])
        steps.append(Step(t, low, ready, binding, predecessor, pieces))
        t = predecessor
    steps.reverse()
    return Chain(order, completion, tuple(steps))


def _processing(attributor: Attributor, low: int) -> list[Piece]:
    """The task's own working minutes in `[low, end)`, as one piece."""
    place = attributor.place
    paused = sum(p.end - p.start for p in attributor.run(low))
    worked = place.end - low - paused
    return [Piece("processing", low, low + worked, ("processing", attributor.t))]


def _sorted(pieces: list[Piece]) -> tuple[Piece, ...]:
    return tuple(sorted((p for p in pieces if p.end > p.start), key=lambda p: p.start))
