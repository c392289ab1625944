"""Page script, second part: the time axis and its gridlines.

The scale decides the ticks: days with hour or shift lines when a day is
wide, days under week labels in the middle, weeks under month labels when a
long horizon is shown whole. Ticks are wall-clock multiples in the plant's
zone (from the offset table), so a day line is at local midnight even on a
daylight-saving day. Only the visible stretch, one view either side, is
drawn, on the frame after a scroll or zoom.
"""

AXIS_JS = r"""
/** Wall-clock multiples of `step` minutes, from the last one at or before
 * `from` (its label may still be in view) to `to`. */
function ticks(from, to, step) {
  const out = [];
  let wall = Math.floor(wallOf(from) / step) * step;
  for (let guard = 0; guard < 20000; guard += 1, wall += step) {
    const m = minuteOfWall(wall);
    if (m > to) break;
    if (!out.length || m > out[out.length - 1].m) out.push({ m, wall });
  }
  return out;
}

/** Upper labels name periods (day, week, month), lower labels and lines
 * subdivide them; the choice depends on how many pixels a day gets. */
function planTicks(from, to) {
  const pxDay = pxPerMin * DAY;
  const upper = [], lower = [], lines = [], weekends = [];
  const days = ticks(from, to, DAY);
  days.forEach((day, k) => {
    const wd = weekday(day.wall), monday = wd === 1;
    const next = k + 1 < days.length ? days[k + 1].m : minuteOfWall(day.wall + DAY);
    if ((wd === 0 || wd === 6) && pxDay >= 12) weekends.push([day.m, next]);
    if (pxDay >= 80) {
      upper.push([day.m, fmt.day.format(dateOf(day.m))]);
      lines.push([day.m, monday ? "week" : "day"]);
    } else if (pxDay >= 12) {
      if (monday || k === 0) {
        const mondayWall = day.wall - ((wd + 6) % 7) * DAY;
        const start = fmt.date.format(dateOf(minuteOfWall(mondayWall)));
        upper.push([day.m, pxDay >= 20 ? "Week of " + start : start]);
      }
      const text = pxDay >= 34 ? fmt.date.format(dateOf(day.m)) : dayOfMonth(day.wall);
      lower.push([day.m, text]);
      lines.push([day.m, monday ? "week" : "day"]);
    } else {
      if (dayOfMonth(day.wall) === 1 || k === 0) {
        upper.push([day.m, fmt.month.format(dateOf(day.m))]);
      }
      if (monday) lower.push([day.m, fmt.date.format(dateOf(day.m))]);
      if (monday || pxDay >= 5) lines.push([day.m, monday ? "week" : "day"]);
    }
  });
  if (pxDay >= 80) {
    const step = [15, 30, 60, 120, 180, 360, 720].find((s) => s * pxPerMin >= 44);
    for (const tick of step ? ticks(from, to, step) : []) {
      if (tick.wall % DAY === 0) continue;
      lower.push([tick.m, fmt.clock.format(dateOf(tick.m))]);
      lines.push([tick.m, "minor"]);
    }
  }
  return { upper, lower, lines, weekends };
}

function drawTime() {
  const view = viewWidth(), left = scroller.scrollLeft;
  const from = Math.max(hStart, hStart + (left - view) / pxPerMin);
  const to = Math.min(hEnd, hStart + (left + 2 * view) / pxPerMin);
  const x = (m) => (m - hStart) * pxPerMin;
  const plan = planTicks(from, to);
  const axisPart = document.createDocumentFragment();
  const gridPart = document.createDocumentFragment();
  let lastX = -Infinity;
  plan.upper.forEach(([start, text], k) => {
    // A period that began off-screen keeps its label at the left edge,
    // until the next period's label pushes it out.
    const end = k + 1 < plan.upper.length ? plan.upper[k + 1][0] : hEnd;
    const room = 8 + 6.5 * String(text).length; // a generous guess of its width
    const at = Math.max(x(start), Math.min(left + 4, x(end) - room));
    if (at < left || at < lastX) return; // clipped, or over the previous one
    lastX = at + room;
    const label = el("div", at > x(start) ? "tick upper stuck" : "tick upper", text);
    label.style.left = at + "px";
    axisPart.append(label);
  });
  lastX = -Infinity;
  for (const [m, text] of plan.lower.sort((a, b) => a[0] - b[0])) {
    if (x(m) < 0 || x(m) < lastX) continue;
    lastX = x(m) + 10 + 6 * String(text).length;
    const label = el("div", "tick lower", text);
    label.style.left = x(m) + "px";
    axisPart.append(label);
  }
  for (const [start, end] of plan.weekends) {
    const shade = el("div", "weekend");
    shade.style.left = x(start) + "px";
    shade.style.width = x(end) - x(start) + "px";
    gridPart.append(shade);
  }
  for (const [m, kind] of plan.lines) {
    const line = el("div", "gl " + kind);
    line.style.left = x(m) + "px";
    gridPart.append(line);
  }
  axisTicks.replaceChildren(axisPart);
  layers.grid.replaceChildren(gridPart);
}
"""
