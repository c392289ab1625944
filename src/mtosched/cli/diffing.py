"""`mtosched diff`: what moved between two schedule files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def diff_command(
    old: Annotated[Path, typer.Argument(help="The earlier schedule JSON file.")],
    new: Annotated[Path, typer.Argument(help="The later schedule JSON file.")],
) -> None:
    """Compare two schedule files."""
