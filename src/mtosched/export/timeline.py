"""Local time for reports: wall-clock instants, calendar days, daily load.

Planners read a schedule in the plant's time zone, not in UTC, and a "day"
on a report is a local calendar day, which has 23 or 25 hours around a
daylight-saving change. The workbook, the SVG and the terminal Gantt all
take their times, day boundaries and busy minutes from here, so the three
reports agree with each other and with `machine_utilization`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mtosched.export.bars import bars
from mtosched.schedule import (
    Schedule,
    ScheduledMachine,
    ScheduledOperation,
    local,
    utc,
)


def wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """Naive local time, as Excel stores it (Excel has no time zones)."""
    return local(moment, zone).replace(tzinfo=None)


def minutes_between(first: datetime, last: datetime, zone: ZoneInfo) -> float:
    """Elapsed minutes from `first` to `last`.

    Goes through UTC because Python subtracts two datetimes that share a
    tzinfo as wall-clock times, which is an hour off across a DST change.
    """
    return (utc(last, zone) - utc(first, zone)).total_seconds() / 60


def busy_from(op: ScheduledOperation) -> datetime:
    """When the machine becomes busy: the setup start if there is one."""
    return op.setup_start or op.start


def span(schedule: Schedule, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The whole schedule in local time: planning start (or earlier) to last end.

    An empty schedule spans one day, so charts always have a width.
    """
    first = utc(schedule.start, zone)
    if not schedule.operations:
        return first.astimezone(zone), (first + timedelta(days=1)).astimezone(zone)
    starts = [utc(busy_from(op), zone) for op in schedule.operations]
    last = max(utc(op.end, zone) for op in schedule.operations)
    return min([first, *starts]).astimezone(zone), last.astimezone(zone)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight of `day`."""
    return datetime.combine(day, time(), tzinfo=zone)


def local_days(first: datetime, last: datetime, zone: ZoneInfo) -> list[date]:
    """The local calendar days that [first, last) touches, at least one."""
    begin, end = local(first, zone), local(last, zone)
    final = end.date()
    if end.time() == time() and final > begin.date():
        final -= timedelta(days=1)  # ends at midnight: the next day is untouched
    count = max(1, (final - begin.date()).days + 1)
    return [begin.date() + timedelta(days=k) for k in range(count)]


def ticks(
    first: datetime, last: datetime, zone: ZoneInfo, hours: int
) -> list[datetime]:
    """Local wall-clock marks every `hours` (aligned on midnight) in [first, last].

    `hours` should divide 24 or be a multiple of it. Marks are local times, so
    "06:00" stays at 06:00 across a DST change; duplicates that a skipped
    hour would create are dropped.
    """
    marks: set[datetime] = set()
    begin, end = local(first, zone), local(last, zone)
    days = local_days(begin, end + timedelta(days=1), zone)
    for index, day in enumerate(days):
        if hours >= 24:
            if index % (hours // 24) == 0:
                marks.add(day_start(day, zone).astimezone(UTC))
            continue
        for hour in range(0, 24, hours):
            mark = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
            marks.add(mark)
    inside = (m for m in sorted(marks) if begin <= m <= end)
    return [m.astimezone(zone) for m in inside]


@dataclass(frozen=True, slots=True)
class DailyLoad:
    """Busy minutes per machine and local calendar day (from the planning start)."""

    days: list[date]
    minutes: dict[str, list[int]]


def daily_load(schedule: Schedule, zone: ZoneInfo) -> DailyLoad:
    """Split every busy interval at local midnights.

    Busy time before the planning start (an operation already running) is
    left out, as `machine_utilization` leaves it out. The arithmetic is in
    UTC, so the repeated hour of an autumn DST change is counted once.
    """
    origin = utc(schedule.start, zone)
    last = max(utc(span(schedule, zone)[1], zone), origin + timedelta(minutes=1))
    days = local_days(origin, last, zone)
    bounds = [day_start(d, zone).astimezone(UTC) for d in days]
    bounds.append(day_start(days[-1] + timedelta(days=1), zone).astimezone(UTC))
    minutes = {m.id: [0] * len(days) for m in machine_rows(schedule)}
    # a batch keeps its machine busy once, however many members it has
    for bar in bars(schedule.operations):
        begin = max(utc(bar.busy_from, zone), origin)
        end = utc(bar.end, zone)
        row = minutes.setdefault(bar.machine, [0] * len(days))
        for k in range(len(days)):
            low, high = max(begin, bounds[k]), min(end, bounds[k + 1])
            if high > low:
                row[k] += round((high - low).total_seconds() / 60)
    return DailyLoad(days, minutes)


def busy_minutes(schedule: Schedule, zone: ZoneInfo) -> dict[str, int]:
    """Busy minutes per machine from the planning start, setup included."""
    return {m: sum(day) for m, day in daily_load(schedule, zone).minutes.items()}


def machine_rows(schedule: Schedule) -> list[ScheduledMachine]:
    """Machines in report order: grouped by work centre, else as listed.

    Work centres keep the order of their first machine. A schedule file
    written before machines were listed still shows every machine that has
    an operation.
    """
    listed = list(schedule.machines)
    known = {m.id for m in listed}
    extra = [
        *schedule.kpis.machine_utilization,
        *(op.machine for op in schedule.operations),
    ]
    for machine in extra:
        if machine not in known:
            known.add(machine)
            listed.append(ScheduledMachine(id=machine))
    centres = list(dict.fromkeys(m.work_center for m in listed))
    return sorted(listed, key=lambda m: centres.index(m.work_center))


def hours_minutes(minutes: float) -> str:
    """Signed duration for titles and legends: "2h25", "1d 03h00", "-0h30"."""
    value = round(minutes)
    sign = "-" if value < 0 else ""
    days, rest = divmod(abs(value), 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h{mins:02d}"
    return f"{sign}{hours}h{mins:02d}"
