"""The sweep's own error, importable without loading Dask."""

from __future__ import annotations

from mtosched.errors import MtoschedError


class ClusterError(MtoschedError):
    """The Dask cluster named by `--cluster` could not be reached."""
