"""Which cluster to use, decided without importing Dask.

`explain` and `quote` ask this before deciding to start a cluster at all,
so a plain run never pays for loading Dask.
"""

from __future__ import annotations

import os

#: The environment variable that names a cluster when `--cluster` is absent.
CLUSTER_ENV = "MTOSCHED_CLUSTER"


def cluster_address(address: str | None) -> str | None:
    """The address given, else `MTOSCHED_CLUSTER`, else None (a local cluster)."""
    return address or os.environ.get(CLUSTER_ENV) or None


def wants_cluster(address: str | None, *, parallel: bool = False) -> bool:
    """Whether independent solves go to Dask: asked for, or a cluster named."""
    return parallel or cluster_address(address) is not None
