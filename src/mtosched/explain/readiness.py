"""When an operation was ready as far as its own order is concerned.

Shared by the chain, which walks back through the binding predecessor,
and by the batch loads, which ask when each member of a load could have
gone in. Machines, crews and materials are not considered here: they are
causes of waiting after readiness (`attribution.py`).
"""

from __future__ import annotations

from typing import Literal

from mtosched.explain.occupancy import Occupancy

Binding = Literal["predecessor", "release", "start", "running"]


def readiness(occ: Occupancy, t: int) -> tuple[int, Binding, int | None]:
    """When task t was ready, what made it so, and the binding predecessor.

    The predecessor whose end plus the minimum wait is latest binds (on a
    tie the one that ended last, then the later index); the release or the
    planning start binds when it is later still.
    """
    task = occ.problem.tasks[t]
    placements = occ.solution.placements
    best: tuple[int, int, int] | None = None
    for p in task.predecessors:
        candidate = (placements[p].end + task.min_wait, placements[p].end, p)
        if best is None or candidate > best:
            best = candidate
    release = max(task.release, 0)
    if best is not None and best[0] >= release:
        return best[0], "predecessor", best[2]
    return release, ("release" if release > 0 else "start"), None
