"""What-if sweeps and solve portfolios: many independent solves on Dask.

`sweep(base, variants, params)` solves a base scenario and overlays on it,
crossed with seeds; `SolveParams(portfolio=N)` makes one `solve` a race of
N diverse searches. Dask is imported only when a cluster is needed.
"""

from mtosched.sweep.api import SweepProgress, sweep
from mtosched.sweep.cells import EXIT_PARTIAL, SweepResult, SweepRow
from mtosched.sweep.compare import Comparison, compare
from mtosched.sweep.overlay import apply_overlay, read_overlay

__all__ = [
    "EXIT_PARTIAL",
    "Comparison",
    "SweepProgress",
    "SweepResult",
    "SweepRow",
    "apply_overlay",
    "compare",
    "read_overlay",
    "sweep",
]
