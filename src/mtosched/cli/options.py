"""Parsing of option values shared by several commands."""

from __future__ import annotations

from datetime import datetime

import typer


def parse_instant(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 option value; a bad one is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not an ISO 8601 instant (e.g. 2026-11-30T06:00:00Z)",
            param_hint=option,
        ) from None
