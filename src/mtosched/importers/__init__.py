"""Readers of classic scheduling benchmark formats, each producing a `Scenario`.

They let a user try mtosched on the published job-shop instances (and let
the benchmarks compare it with best-known values) without hand-writing JSON:
`mtosched import jsplib ft06 -o ft06.json`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mtosched.importers.fjsp import parse_fjsp, read_fjsp
from mtosched.importers.jsplib import parse_jsplib, read_jsplib
from mtosched.scenario.models import Scenario

#: Reader per format name, as the `import` command spells it.
READERS: dict[str, Callable[[Path | str], Scenario]] = {
    "jsplib": read_jsplib,
    "fjsp": read_fjsp,
}

__all__ = ["READERS", "parse_fjsp", "parse_jsplib", "read_fjsp", "read_jsplib"]
