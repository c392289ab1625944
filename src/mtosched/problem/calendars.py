"""Turn weekly shifts and dated closures into working periods in minutes.

Shift times are wall-clock in the scenario's zone and follow `zoneinfo` with
``fold=0`` (contract rule 2), so a 06:00 shift stays at 06:00 across a
daylight-saving change and a spring-forward week has one hour less.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mtosched.problem.worktime import WorkingTime, merge_periods, subtract_periods
from mtosched.scenario.models import Calendar
from mtosched.scenario.references import localize

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock(text: str) -> tuple[time, int]:
    """A shift time and the days it is shifted by ("24:00" is next day's 00:00)."""
    if text == "24:00":
        return time(0, 0), 1
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes)), 0


def _minutes(moment: datetime, start: datetime) -> int:
    # In UTC: zoned datetimes subtract as wall-clock times across DST.
    return int((moment.astimezone(UTC) - start.astimezone(UTC)).total_seconds() // 60)


def shift_periods(
    calendar: Calendar, zone: ZoneInfo, start: datetime, first: int, last: int
) -> list[tuple[int, int]]:
    """Every shift occurrence overlapping `[first, last)` minutes from start."""
    periods: list[tuple[int, int]] = []
    local_start = start.astimezone(zone)
    day = local_start.date() + timedelta(days=first // 1440 - 2)
    final = local_start.date() + timedelta(days=last // 1440 + 2)
    while day <= final:
        weekday = _WEEKDAYS[day.weekday()]
        for shift in calendar.shifts:
            if weekday not in shift.days:
                continue
            begin_time, begin_shift = _clock(shift.from_)
            end_time, end_shift = _clock(shift.to)
            begin_day = day + timedelta(days=begin_shift)
            end_day = day + timedelta(days=end_shift)
            if end_shift == 0 and shift.to <= shift.from_:
                end_day = day + timedelta(days=1)  # ends the next day
            begin = _minutes(_at(begin_day, begin_time, zone), start)
            end = _minutes(_at(end_day, end_time, zone), start)
            if end > begin and end > first and begin < last:
                periods.append((max(begin, first), min(end, last)))
        day += timedelta(days=1)
    return periods


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def working_time(
    calendar: Calendar, zone: ZoneInfo, start: datetime, first: int, last: int
) -> WorkingTime:
    """The calendar's working periods within `[first, last)` minutes."""
    shifts = merge_periods(shift_periods(calendar, zone, start, first, last))
    closures = [
        (
            _minutes(localize(c.from_, zone).replace(second=0, microsecond=0), start),
            _minutes(localize(c.to, zone).replace(second=0, microsecond=0), start),
        )
        for c in calendar.closures
    ]
    return WorkingTime(subtract_periods(shifts, closures))


def weekly_minutes(calendar: Calendar) -> int:
    """Nominal working minutes per week, ignoring closures and DST."""
    total = 0
    for shift in calendar.shifts:
        begin_time, begin_shift = _clock(shift.from_)
        end_time, end_shift = _clock(shift.to)
        begin = begin_time.hour * 60 + begin_time.minute + 1440 * begin_shift
        end = end_time.hour * 60 + end_time.minute + 1440 * end_shift
        if end <= begin:
            end += 1440
        total += (end - begin) * len(set(shift.days))
    return min(total, 7 * 1440)
