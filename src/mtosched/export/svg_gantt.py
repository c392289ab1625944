"""A static SVG Gantt chart for e-mails and printed reports.

Written by hand, without a plotting library: the chart is a few hundred
rectangles and labels, and a dependency-free writer keeps `-o plan.svg`
working on any machine that runs the scheduler. One row per machine,
grouped by work centre; bars red when their order is late; day gridlines
and labels in the scenario's time zone. Every piece of user text (ids,
customers, names) is XML-escaped, so an order called "<script>" stays text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from mtosched.export.atomic import write_atomically
from mtosched.export.bars import Bar, bars
from mtosched.export.timeline import (
    hours_minutes,
    machine_rows,
    minutes_between,
    span,
    ticks,
)
from mtosched.schedule import Schedule, local, zone_of

WIDTH = 1200
_LABEL, _RIGHT, _TOP = 170, 24, 104
_ROW, _BAR, _GROUP = 24, 16, 22
_CHAR = 6.1  # average advance of an 11px sans-serif character, in px
_COLOURS = {"on-time": "#4C78A8", "late": "#D94A45", "setup": "#B8B8B8"}
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def esc(value: object) -> str:
    """Text safe in XML content and in double-quoted attributes.

    Characters XML 1.0 cannot hold at all (most control characters) are
    dropped rather than making the whole file unreadable.
    """
    text = _INVALID_XML.sub("", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;")


def schedule_svg(schedule: Schedule) -> str:
    """The chart as an SVG document (UTF-8 text)."""
    zone = zone_of(schedule)
    chart = _Chart(schedule, zone)
    return chart.render()


def write(schedule: Schedule, path: Path) -> None:
    """Write the SVG file atomically."""
    write_atomically(path, schedule_svg(schedule))


class _Chart:
    """Geometry of one chart: the time window mapped onto the x axis."""

    def __init__(self, schedule: Schedule, zone: ZoneInfo) -> None:
        self.schedule, self.zone = schedule, zone
        first, last = span(schedule, zone)
        # Whole local hours at both ends, so the first tick sits on the edge.
        self.begin = first.replace(minute=0, second=0, microsecond=0)
        end = last.replace(minute=0, second=0, microsecond=0)
        self.end = end if end >= last else end + timedelta(hours=1)
        self.minutes = max(60.0, minutes_between(self.begin, self.end, zone))
        self.plot = WIDTH - _LABEL - _RIGHT
        self.late = {o.id for o in schedule.orders if o.tardiness_minutes > 0}
        self.parts: list[str] = []

    def x(self, moment: datetime) -> float:
        """Horizontal position of an instant, in px."""
        offset = minutes_between(self.begin, moment, self.zone)
        return _LABEL + self.plot * offset / self.minutes

    def render(self) -> str:
        rows = self._rows()
        bottom = _TOP + sum(_ROW if is_machine else _GROUP for is_machine, _ in rows)
        height = bottom + 52
        self._title()
        self._axis(bottom)
        self._machines(rows)
        self._legend(bottom + 30)
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}" '
            'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11">'
        )
        style = (
            "<style>.bar{stroke:#ffffff;stroke-width:0.5}"
            ".running{stroke:#222222;stroke-dasharray:3 2;stroke-width:1}"
            ".day{stroke:#8a8a8a;stroke-width:1}.hour{stroke:#e2e2e2;stroke-width:1}"
            ".muted{fill:#666666}</style>"
        )
        background = f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
        return "\n".join([head, style, background, *self.parts, "</svg>", ""])

    def _rows(self) -> list[tuple[bool, str | None]]:
        """(is a machine, its id or the work centre's name), top to bottom.

        Work-centre headings appear only when some machine has a work centre.
        """
        machines = machine_rows(self.schedule)
        grouped = any(m.work_center for m in machines)
        rows: list[tuple[bool, str | None]] = []
        for k, machine in enumerate(machines):
            if grouped and (
                k == 0 or machine.work_center != machines[k - 1].work_center
            ):
                rows.append((False, machine.work_center))
            rows.append((True, machine.id))
        return rows

    def _title(self) -> None:
        s, k = self.schedule, self.schedule.kpis
        start = local(s.start, self.zone).strftime("%a %d %b %Y %H:%M")
        title = (
            f"{s.scenario or 'Schedule'}: {s.status}, from {start} ({self.zone.key})"
        )
        facts = [
            f"{k.orders} orders",
            f"{k.late_orders} late",
            f"on time {k.on_time_rate:.1%}",
            f"total tardiness {hours_minutes(k.total_tardiness_minutes)}",
            f"max lateness {hours_minutes(k.max_lateness_minutes)}",
            f"makespan {hours_minutes(k.makespan_minutes)}",
        ]
        terms = ", ".join(f"{t} {v}" for t, v in s.objective.items())
        heading = '<text x="16" y="28" font-size="17" font-weight="bold">'
        self.parts += [
            f"{heading}{esc(title)}</text>",
            f'<text x="16" y="48" class="muted">{esc(" · ".join(facts))}</text>',
            f'<text x="16" y="64" class="muted">objective: {esc(terms)}</text>',
        ]

    def _axis(self, bottom: int) -> None:
        """Hour lines (when they fit), day lines and labels, the planning start."""
        per_hour = self.plot * 60 / self.minutes
        step = next((h for h in (1, 2, 3, 6, 12) if h * per_hour >= 44), None)
        if step is not None:
            for mark in ticks(self.begin, self.end, self.zone, step):
                x = self.x(mark)
                self.parts.append(_line(x, _TOP - 6, x, bottom, "hour"))
                if (mark.hour or mark.minute) and x + 34 <= WIDTH:
                    label = mark.strftime("%H:%M")
                    self.parts.append(_label(x + 2, _TOP - 8, label, "muted"))
        days = ticks(self.begin, self.end, self.zone, 24)
        every = next(d for d in (1, 2, 7, 14, 28, 10**6) if d * per_hour * 24 >= 76)
        labelled = days[::every]
        # The first, partial day is named at the left edge when there is room.
        if not days or (days[0] > self.begin and self.x(days[0]) - _LABEL >= 76):
            labelled.insert(0, self.begin)
        for mark in days:
            # Labelled days reach up to their label; the others stop below it.
            x, top = self.x(mark), _TOP - (26 if mark in labelled else 6)
            self.parts.append(_line(x, top, x, bottom, "day"))
        for mark in labelled:
            label = mark.strftime("%a %d %b")
            self.parts.append(_label(self.x(mark) + 3, _TOP - 16, label, "", bold=True))
        x = self.x(self.schedule.start)
        self.parts.append(
            f'<line x1="{x:.1f}" y1="{_TOP - 4}" x2="{x:.1f}" y2="{bottom}" '
            'stroke="#2a7f3f" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )

    def _machines(self, rows: list[tuple[bool, str | None]]) -> None:
        machines = {m.id: m for m in machine_rows(self.schedule)}
        by_machine: dict[str, list[Bar]] = {}
        for bar in bars(self.schedule.operations):
            by_machine.setdefault(bar.machine, []).append(bar)
        y = _TOP
        stripe = 0
        for is_machine, name in rows:
            if not is_machine:
                self.parts.append(
                    f'<rect x="0" y="{y}" width="{WIDTH}" height="{_GROUP}" '
                    'fill="#dde4ee"/>'
                    + _label(8, y + 15, name or "(no work centre)", "", bold=True)
                )
                y += _GROUP
                continue
            machine = machines[name or ""]
            fill = "#f4f6f9" if stripe % 2 else "#ffffff"
            stripe += 1
            self.parts.append(
                f'<rect x="0" y="{y}" width="{WIDTH}" height="{_ROW}" '
                f'fill="{fill}" fill-opacity="0.6"/>'
                f"<g><title>{esc(machine.name or machine.id)}</title>"
                f'<text x="16" y="{y + 16}">{esc(machine.id)}</text></g>'
            )
            for bar in by_machine.get(machine.id, []):
                self._bar(bar, y + (_ROW - _BAR) / 2)
            y += _ROW

    def _bar(self, bar: Bar, top: float) -> None:
        """One operation, or one batch drawn once with its members listed."""
        late = any(order in self.late for order in bar.orders)
        status = "late" if late else "on-time"
        left, right = self.x(bar.busy_from), self.x(bar.end)
        start = self.x(bar.start)
        width = max(1.0, right - start)
        times = (
            f"{local(bar.start, self.zone):%a %d %b %H:%M} to "
            f"{local(bar.end, self.zone):%a %H:%M}"
        )
        if bar.batch is None:
            op = bar.lead
            tip = f"{op.order} / {op.operation} on {bar.machine}: {times} ({status})"
            name, data = bar.lead.order, ""
        else:
            count = len(bar.operations)
            tip = (
                f"batch {bar.batch} on {bar.machine}: {times} ({status}); "
                f"{count} member{'s' if count > 1 else ''}: {bar.members}"
            )
            name = bar.lead.order if count == 1 else f"{bar.batch} ({count})"
            data = (
                f' data-batch="{esc(bar.batch)}" '
                f'data-members="{esc(" ".join(bar.orders))}"'
            )
        parts = [f'<g class="op"><title>{esc(tip)}</title>']
        if start - left >= 0.5:
            parts.append(
                f'<rect class="setup" x="{left:.1f}" y="{top:.1f}" '
                f'width="{start - left:.1f}" height="{_BAR}" '
                f'fill="{_COLOURS["setup"]}"/>'
            )
        running = " running" if bar.running else ""
        batch = " batch" if bar.is_batch else ""
        parts.append(
            f'<rect class="bar {status}{running}{batch}" '
            f'data-order="{esc(bar.lead.order)}"{data} '
            f'x="{start:.1f}" y="{top:.1f}" width="{width:.1f}" height="{_BAR}" '
            f'fill="{_COLOURS[status]}"/>'
        )
        label = _fit(name, width - 6)
        if label:
            parts.append(
                f'<text x="{start + 3:.1f}" y="{top + 12:.1f}" fill="#ffffff" '
                f'font-size="10">{esc(label)}</text>'
            )
        parts.append("</g>")
        self.parts.append("".join(parts))

    def _legend(self, y: int) -> None:
        x = 16
        for name in ("on-time", "late", "setup"):
            self.parts.append(
                f'<rect x="{x}" y="{y - 10}" width="14" height="12" '
                f'fill="{_COLOURS[name]}"/>' + _label(x + 20, y, name, "")
            )
            x += 90
        note = (
            f"dashed outline: already running · green dashed line: planning start · "
            f"times in {self.zone.key}"
        )
        self.parts.append(_label(x + 10, y, note, "muted"))


def _fit(text: str, room: float) -> str:
    """`text`, shortened with an ellipsis to `room` px, or "" if nothing fits."""
    if len(text) * _CHAR <= room:
        return text
    keep = int(room / _CHAR) - 1
    return text[:keep] + "…" if keep >= 3 else ""


def _line(x1: float, y1: float, x2: float, y2: float, cls: str) -> str:
    return f'<line class="{cls}" x1="{x1:.1f}" y1="{y1}" x2="{x2:.1f}" y2="{y2}"/>'


def _label(x: float, y: float, text: str, cls: str, *, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y}"{klass}{weight}>{esc(text)}</text>'
