"""A schedule's instants in its own time zone: the zone, local time and UTC.

A schedule file states its plant's zone by name, and its instants carry
offsets, except naive ones in hand-edited files, which are plant time as in
scenarios. Comparing two plans (`diff`) and every report need these three
helpers, so they live beside the output contract rather than in a writer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mtosched.schedule import Schedule


def zone_of(schedule: Schedule) -> ZoneInfo:
    """The schedule's time zone; a hand-edited unknown name is a `ValueError`."""
    try:
        return ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a tzdata folder such as "Europe" is not a zone (it crashed
        # `show` and `diff` with IsADirectoryError before).
        raise ValueError(f"unknown time zone '{schedule.timezone}'") from None


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` in `zone`; a naive instant is already wall-clock in `zone`."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` in UTC, the safe form to sort, compare and subtract.

    Aware datetimes that share a tzinfo compare as wall-clock times, which
    misorders the repeated autumn hour; naive ones cannot be compared with
    aware ones at all.
    """
    return local(moment, zone).astimezone(UTC)
