"""Search settings from the command line: `--search NAME=VALUE` for benchmarks.

Each NAME is a field of `mtosched.params.SearchParams`; VALUE is read as
that field's type, so experiments set the engine's public parameters
instead of patching module constants.
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import Any

from mtosched.params import SearchParams

_DEFAULTS = SearchParams()


def add_search_option(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable `--search NAME=VALUE` and `--param NAME=VALUE` options."""
    names = ", ".join(f.name for f in fields(SearchParams) if f.name != "cp_sat")
    parser.add_argument(
        "--search",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"a search setting (SearchParams; repeatable): {names}",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a CP-SAT parameter for every call, in CP-SAT's text format "
        "(SearchParams.cp_sat; repeatable, also for each item of a list "
        "parameter; strings quoted: ignore_subsolvers='\"fj\"')",
    )


def search_params(settings: list[str], cp_sat: list[str] | None = None) -> SearchParams:
    """SearchParams with each NAME=VALUE applied, typed like the default."""
    known = {f.name for f in fields(SearchParams)}
    values: dict[str, Any] = {}
    for setting in settings:
        name, _, text = setting.partition("=")
        if name not in known or name == "cp_sat" or not _:
            choices = ", ".join(sorted(known - {"cp_sat"}))
            raise SystemExit(
                f"--search {setting}: expected NAME=VALUE, NAME in {choices}"
            )
        values[name] = _typed(getattr(_DEFAULTS, name), text)
    pairs = tuple(tuple(p.split("=", 1)) for p in cp_sat or [])
    return SearchParams(**values, cp_sat=pairs)  # type: ignore[arg-type]


def _typed(default: Any, text: str) -> Any:
    """`text` read as the type of `default` (`bool("false")` would be True)."""
    if isinstance(default, bool):
        return text.lower() in ("1", "true")
    return type(default)(text)
