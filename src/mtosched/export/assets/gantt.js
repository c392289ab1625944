// The Gantt page's script, inlined into every page by `html_gantt.py`, which
// puts its SHA-256 into the page's Content-Security-Policy: edit this file and
// the hash follows. One function scope in strict mode, so its top-level names
// stay out of `window`; the page's data comes from the JSON block
// `#gantt-data`, and every text goes on screen through `el` (`textContent`).
(() => {
"use strict";

// Time helpers, rows, bars, zoom and pan. Bars are absolutely positioned divs
// placed in percent of the plot, so zooming only changes the plot's width and
// the browser lays them out again; the script touches just the bars whose
// label starts or stops fitting.
const data = JSON.parse(document.getElementById("gantt-data").textContent);
const { orders, ops, machines } = data;
const GROUP = 26, LABEL_W = 280, DAY = 1440;
const MAX_PX_PER_MIN = 8; // one hour is 480 px at the closest zoom
// Rows grow (28 to 38 px) when few machines would leave the window empty.
const ROW = Math.round(Math.min(38, Math.max(28,
  (window.innerHeight - 320) / Math.max(1, machines.length))));
const BAR = ROW - 8;
const T0 = data.t0;
const $ = (id) => document.getElementById(id);
const scroller = $("gantt"), axis = $("axis"), labels = $("labels"), plot = $("plot");
const axisTicks = $("axis-ticks"), axisFlags = $("axis-flags");
const layers = {};
for (const name of ["lanes", "grid", "closed", "bars", "marks"]) {
  layers[name] = el("div", "layer " + name);
  plot.append(layers[name]);
}
layers.marks.append(el("div", "veil"));

/** A new element; text goes in as textContent, never as markup. */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// Time. Instants are minutes from T0 (the planning start); the plant's wall
// clock comes from the offset table, labels from Intl in the plant's zone.
function offsetAt(epochMinute) {
  const table = data.offsets;
  let low = 0, high = table.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (table[middle][0] <= epochMinute) low = middle;
    else high = middle - 1;
  }
  return table[low][1];
}
const wallOf = (m) => T0 + m + offsetAt(T0 + m);
const minuteOfWall = (wall) => wall - offsetAt(wall - offsetAt(wall)) - T0;
const weekday = (wall) => (((Math.floor(wall / DAY) + 4) % 7) + 7) % 7; // 0 = Sun
const dayOfMonth = (wall) => new Date(wall * 60000).getUTCDate();

function formatter(options) {
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: data.timezone });
  } catch (error) {
    // This browser lacks the zone: format the wall clock as if it were UTC.
    const utc = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" });
    const shift = (date) => offsetAt(Math.round(date.getTime() / 60000)) * 60000;
    return { format: (date) => utc.format(new Date(date.getTime() + shift(date))) };
  }
}
const fmt = {
  full: formatter({ weekday: "short", day: "numeric", month: "short",
    hour: "2-digit", minute: "2-digit" }),
  day: formatter({ weekday: "short", day: "numeric", month: "short" }),
  date: formatter({ day: "numeric", month: "short" }),
  month: formatter({ month: "long", year: "numeric" }),
  clock: formatter({ hour: "2-digit", minute: "2-digit" }),
};
const dateOf = (m) => new Date((T0 + m) * 60000);
const DASH = "\u2013", MINUS = "\u2212"; // en dash, minus sign
const when = (m) => (m === null || m === undefined ? DASH : fmt.full.format(dateOf(m)));
const clock = (m) => fmt.clock.format(dateOf(m));

/** "2 d 4 h", "3 h 20 min", "45 min": minutes as a planner reads them. */
function duration(minutes) {
  let rest = Math.abs(Math.round(minutes));
  const days = Math.floor(rest / DAY);
  rest -= days * DAY;
  const parts = [];
  if (days) parts.push(days + " d");
  if (Math.floor(rest / 60)) parts.push(Math.floor(rest / 60) + " h");
  if (rest % 60 && !days) parts.push((rest % 60) + " min");
  return (minutes < 0 ? MINUS : "") + (parts.join(" ") || "0 min");
}

// Horizon: every operation and the planning start, with a little margin.
let first = 0, last = 60;
for (const op of ops) {
  first = Math.min(first, op[5] ?? op[3], op[3]);
  last = Math.max(last, op[4]);
}
const pad = Math.max(60, Math.round((last - first) * 0.01));
const hStart = first - pad, hEnd = last + pad, span = hEnd - hStart;
const pct = (minutes) => (minutes / span) * 100 + "%";

// Rows: machines grouped by work centre, in the order the schedule lists them;
// machines without one come last, in a group of their own.
const rowTop = new Array(machines.length);
const rows = [];
function layoutRows() {
  const groups = new Map();
  machines.forEach((machine, index) => {
    const key = machine[2] ?? "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(index);
  });
  const keys = [...groups.keys()].filter((key) => key !== "");
  if (groups.has("")) keys.push("");
  const headed = keys.some((key) => key !== "");
  let y = 0;
  for (const key of keys) {
    if (headed) {
      rows.push({ group: key, count: groups.get(key).length });
      y += GROUP;
    }
    for (const index of groups.get(key)) {
      rows.push({ machine: index });
      rowTop[index] = y;
      y += ROW;
    }
  }
  return y;
}

function drawRows(height) {
  const names = document.createDocumentFragment();
  const lanes = document.createDocumentFragment();
  let stripe = 0;
  for (const row of rows) {
    if (row.machine === undefined) {
      const label = el("div", "label group", row.group || "No work centre");
      const count = row.count + (row.count > 1 ? " machines" : " machine");
      label.append(el("span", "count", count));
      names.append(label);
      lanes.append(el("div", "lane group"));
      continue;
    }
    const [id, name, , utilization] = machines[row.machine];
    const label = el("div", "label machine");
    label.title = name ? id + " — " + name : id;
    label.append(el("b", "", id), el("span", "name", name ?? ""));
    if (utilization !== null && utilization !== undefined) {
      label.append(el("span", "util", Math.round(utilization * 100) + " %"));
    }
    names.append(label);
    lanes.append(el("div", stripe++ % 2 ? "lane alt" : "lane"));
  }
  labels.classList.toggle("two-line", ROW >= 34); // room for the name below
  labels.replaceChildren(names);
  layers.lanes.replaceChildren(lanes);
  plot.style.height = labels.style.height = height + "px";
}

// Bars: one .bar element per operation, busy from its changeover (hatched).
// A batch (members share machine, start and end) is ONE bar: its first member
// draws it, the others point at the same element, and the tooltip lists all.
const bars = new Array(ops.length);
const barsOfOrder = orders.map(() => []);
const membersOf = new Array(ops.length);
{
  const byBatch = new Map();
  ops.forEach((op, i) => {
    const batch = op[7];
    if (batch === null || batch === undefined) {
      membersOf[i] = [i];
      return;
    }
    const key = op[2] + "\u0000" + batch;
    if (!byBatch.has(key)) byBatch.set(key, []);
    const members = byBatch.get(key);
    members.push(i);
    membersOf[i] = members;
  });
}
/** Fill, edge and text colour from the order id alone, so an order keeps
 * its colour from one night's plan to the next. FNV-1a, then a finaliser:
 * ids that differ only in their last digit must not get neighbouring hues.
 * They are set inline on each bar: custom properties resolved per bar made
 * style recalculation three times slower at 5,000 bars. */
function colourOf(id) {
  let hash = 2166136261;
  for (const char of id) hash = Math.imul(hash ^ char.codePointAt(0), 16777619);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash = (hash ^ (hash >>> 16)) >>> 0;
  const hue = hash % 360, light = 84 - 6 * ((hash >>> 20) % 3);
  return [`hsl(${hue} 68% ${light}%)`, `hsl(${hue} 45% 50%)`, `hsl(${hue} 60% 17%)`];
}
const colours = orders.map((order) => colourOf(order[0]));

function drawBars() {
  const fragment = document.createDocumentFragment();
  ops.forEach((op, i) => {
    const [o, operation, machine, start, , setup, running, batch] = op;
    const members = membersOf[i];
    if (members[0] !== i) {  // a later member of a batch: drawn by the first
      bars[i] = bars[members[0]];
      if (!barsOfOrder[o].includes(bars[i])) barsOfOrder[o].push(bars[i]);
      return;
    }
    const end = Math.max(...members.map((k) => ops[k][4]));
    const from = setup === null ? start : Math.min(setup, start);
    const late = members.some((k) => orders[ops[k][0]][6] > 0);
    const status = running ? "running" : late ? "late" : "on-time";
    const bar = el("div", "bar " + status + (members.length > 1 ? " batch" : ""));
    if (batch !== null && batch !== undefined) {
      bar.dataset.batch = batch;
      bar.dataset.members = String(members.length);
    }
    bar.dataset.order = orders[o][0];
    bar.dataset.op = operation;
    bar.dataset.i = String(i);
    bar.style.left = pct(from - hStart);
    bar.style.width = pct(Math.max(end - from, 0));
    bar.style.top = rowTop[machine] + (ROW - BAR) / 2 + "px";
    [bar.style.backgroundColor, bar.style.borderColor, bar.style.color] = colours[o];
    if (from < start) {
      const hatch = el("div", "setup");
      hatch.style.width = ((start - from) / (end - from)) * 100 + "%";
      bar.append(hatch);
    }
    const text = members.length > 1
      ? `${batch} · ${members.length} members`
      : orders[o][0] + " · " + operation;
    bar.append(document.createTextNode(text));
    bars[i] = bar;
    barsOfOrder[o].push(bar);
    fragment.append(bar);
  });
  byLength.sort((a, b) => length(a) - length(b));
  markNarrowBars(); // while detached: no style work yet
  layers.bars.replaceChildren(fragment);
}

// Bars too narrow for a readable label show none: `narrow` is on the
// shortest `narrowCount` bars, and a zoom toggles only those that cross.
const length = (i) => ops[i][4] - Math.min(ops[i][5] ?? ops[i][3], ops[i][3]);
const byLength = ops.map((op, i) => i);
let narrowCount = 0;
function markNarrowBars() {
  const limit = 44 / pxPerMin; // minutes that make a 44 px bar
  let low = 0, high = byLength.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (length(byLength[middle]) < limit) low = middle + 1;
    else high = middle;
  }
  for (let k = Math.min(low, narrowCount); k < Math.max(low, narrowCount); k += 1) {
    bars[byLength[k]].classList.toggle("narrow", k < low);
  }
  narrowCount = low;
}

/** Grey blocks where a machine is closed; `data.closed` is empty until
 * schedules carry calendars, and then only this function draws them. */
function drawClosedTime() {
  const fragment = document.createDocumentFragment();
  for (const [machine, start, end] of data.closed) {
    const from = Math.max(start, hStart), to = Math.min(end, hEnd);
    if (to <= from) continue;
    const block = el("div", "closed-time");
    block.style.left = pct(from - hStart);
    block.style.width = pct(to - from);
    block.style.top = rowTop[machine] + "px";
    fragment.append(block);
  }
  layers.closed.replaceChildren(fragment);
}

// Zoom and pan: the plot is span * pxPerMin wide inside a native scroller.
let pxPerMin = 1;
const viewWidth = () => Math.max(100, scroller.clientWidth - LABEL_W);
const minZoom = () => viewWidth() / span;
const maxZoom = () => Math.max(minZoom(), Math.min(MAX_PX_PER_MIN, 4e6 / span));

/** Set the scale, keeping the instant under `anchor` (px into the view) still. */
function zoomTo(next, anchor = viewWidth() / 2) {
  const minute = (scroller.scrollLeft + anchor) / pxPerMin;
  pxPerMin = Math.min(maxZoom(), Math.max(minZoom(), next));
  plot.style.width = axis.style.width = span * pxPerMin + "px";
  scroller.scrollLeft = minute * pxPerMin - anchor;
  markNarrowBars();
  requestDraw();
}

/** Show the stretch [from, to) of minutes across the whole view. */
function showRange(from, to) {
  zoomTo(viewWidth() / Math.max(to - from, 1), 0);
  scroller.scrollLeft = (Math.max(from, hStart) - hStart) * pxPerMin;
}

let drawPending = false;
function requestDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    drawTime();
  });
}

// The time axis and its gridlines. The scale decides the ticks: days with hour
// or shift lines when a day is wide, days under week labels in the middle,
// weeks under month labels when a long horizon is shown whole. Ticks are
// wall-clock multiples in the plant's zone (from the offset table), so a day
// line is at local midnight even on a daylight-saving day. Only the visible
// stretch, one view either side, is drawn, on the frame after a scroll or zoom.
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

// KPI header, late-orders table, selection, tooltip. Everything the user reads
// comes from the JSON payload through `el`, which sets `textContent`; nothing
// here assigns markup, so a customer named like an image tag with an onerror
// handler is shown as those characters. (This comment spells no tag: a test
// asserts that the page contains none.)
const lateness = (minutes) =>
  minutes > 0 ? duration(minutes) + " late"
    : minutes < 0 ? duration(-minutes) + " early" : "on time";
const number = (value) => Number(value).toLocaleString("en-GB");

function drawHeader() {
  $("title").textContent = data.title;
  document.title = data.title + " · Gantt";
  const status = $("status");
  status.textContent = data.status;
  status.className = "status s-" + String(data.status).replace(/[^a-z]/g, "");
  const solver = data.solver;
  $("meta").textContent = ["Planning start " + when(0), data.timezone]
    .concat(solver ? [solver.source + ", " + solver.seconds.toFixed(1) + " s"] : [])
    .join(" · ");
  const k = data.kpis;
  const cards = [
    ["Orders", number(k.orders), ""],
    ["Late orders", number(k.late_orders), k.late_orders > 0 ? "bad" : "good"],
    ["On-time rate", (k.on_time_rate * 100).toFixed(1) + " %", ""],
    ["Total tardiness", duration(k.total_tardiness_minutes), ""],
    ["Makespan", duration(k.makespan_minutes), ""],
  ];
  $("kpis").replaceChildren(...cards.map(([name, value, tone]) => {
    const card = el("div", "kpi " + tone);
    card.append(el("span", "kpi-name", name), el("span", "kpi-value", value));
    return card;
  }));
  const terms = el("div", "kpi objective");
  terms.append(el("span", "kpi-name", "Objective (in order)"));
  for (const [term, value] of Object.entries(data.objective)) {
    const line = el("span", "term");
    line.append(el("span", "term-name", term.replaceAll("_", " ")),
      el("b", "", number(value)));
    const bound = data.bound[term];
    if (bound !== undefined) {
      const gap = Math.abs(value - bound) / Math.max(1, Math.abs(value));
      line.append(el("span", "bound",
        "bound " + number(bound) + " · gap " + (gap * 100).toFixed(1) + " %"));
    }
    terms.append(line);
  }
  $("kpis").append(terms);
}

// Late orders, sortable by any column (lateness, worst first, by default).
const lateColumns = [
  ["Order", (o) => o[0], (o) => o[0]],
  ["Customer", (o) => o[1] ?? "", (o) => o[1] ?? ""],
  ["Product", (o) => o[2] ?? "", (o) => o[2] ?? ""],
  ["Priority", (o) => o[3], (o) => o[3]],
  ["Due", (o) => o[4], (o) => when(o[4])],
  ["Completion", (o) => o[5], (o) => when(o[5])],
  ["Late by", (o) => o[6], (o) => duration(o[6])],
];
const lateOrders = orders.map((o, index) => index).filter((i) => orders[i][6] > 0);
let lateSort = { column: 6, descending: true };

function drawLateTable() {
  $("late-count").textContent = lateOrders.length
    ? `${lateOrders.length} of ${orders.length} orders complete after their due date`
    : "Every order completes by its due date.";
  $("late-box").hidden = lateOrders.length === 0;
  const [, key] = lateColumns[lateSort.column];
  const sign = lateSort.descending ? -1 : 1;
  lateOrders.sort((a, b) => {
    const p = key(orders[a]), q = key(orders[b]);
    return sign * (p < q ? -1 : p > q ? 1 : 0) || a - b;
  });
  const head = el("tr");
  lateColumns.forEach(([name], column) => {
    const cell = el("th");
    if (column === lateSort.column) {
      cell.setAttribute("aria-sort", lateSort.descending ? "descending" : "ascending");
    }
    const button = el("button", "", name);
    button.type = "button";
    button.addEventListener("click", () => {
      const same = lateSort.column === column;
      lateSort = { column, descending: same ? !lateSort.descending : column >= 3 };
      drawLateTable();
    });
    cell.append(button);
    head.append(cell);
  });
  const body = document.createDocumentFragment();
  for (const index of lateOrders) {
    const row = el("tr", index === selected ? "selected" : "");
    row.dataset.order = orders[index][0];
    for (const [, , show] of lateColumns) row.append(el("td", "", show(orders[index])));
    row.addEventListener("click", () => {
      select(index === selected ? null : index, true);
    });
    body.append(row);
  }
  const thead = el("thead"), tbody = el("tbody");
  thead.append(head);
  tbody.append(body);
  $("late-table").replaceChildren(thead, tbody);
}

// Selection: one order's bars stand out, the rest are dimmed.
let selected = null;
function select(index, reveal = false) {
  for (const bar of selected === null ? [] : barsOfOrder[selected]) {
    bar.classList.remove("selected");
  }
  selected = index;
  plot.classList.toggle("focus", index !== null);
  const chip = $("selection");
  chip.hidden = index === null;
  $("hint").hidden = index !== null; // the chip takes its place
  layers.marks.querySelector(".due")?.remove();
  axisFlags.querySelector(".due")?.remove();
  if (index !== null) {
    const order = orders[index];
    for (const bar of barsOfOrder[index]) bar.classList.add("selected");
    $("selection-text").textContent = [order[0], order[1], "due " + when(order[4]),
      lateness(order[6])].filter(Boolean).join(" · ");
    if (order[4] !== null && order[4] >= hStart && order[4] <= hEnd) {
      mark(order[4], "due", "due " + order[0]);
    }
    const firstBar = barsOfOrder[index][0];
    if (reveal && firstBar) {
      scroller.scrollLeft = firstBar.offsetLeft - 40;
      scroller.scrollTop = firstBar.offsetTop - 60;
    }
  }
  for (const row of $("late-table").rows) {
    const chosen = index !== null && row.dataset.order === orders[index][0];
    row.classList.toggle("selected", chosen);
  }
}

function mark(m, kind, text) {
  const line = el("div", "mark " + kind);
  line.style.left = pct(m - hStart);
  layers.marks.append(line);
  const flag = el("div", "flag " + kind, text);
  flag.style.left = pct(m - hStart);
  axisFlags.append(flag);
}

// Tooltip: filled from the payload when the pointer enters another bar.
const tip = $("tooltip");
let tipFor = -1;
function fillTip(i) {
  const [o, operation, machine, start, end, setup, running, batch] = ops[i];
  const order = orders[o], [machineId, machineName] = machines[machine];
  const list = el("dl");
  const add = (term, value) => {
    if (value !== null && value !== undefined && value !== "") {
      list.append(el("dt", "", term), el("dd", "", value));
    }
  };
  const members = membersOf[i];
  if (members.length > 1) {
    const where = machineName ? machineId + " — " + machineName : machineId;
    fillBatchTip(members, batch, where);
    return;
  }
  add("Batch", batch);
  add("Customer", order[1]);
  add("Product", order[2]);
  add("Operation", operation);
  add("Machine", machineName ? machineId + " — " + machineName : machineId);
  if (setup !== null && setup < start) {
    const took = duration(start - setup);
    add("Changeover", `${when(setup)} ${DASH} ${clock(start)} (${took})`);
  }
  const finish = end - start < DAY ? clock(end) : when(end);
  add(`Start ${DASH} end`, `${when(start)} ${DASH} ${finish}`);
  const took = duration(end - start);
  add("Duration", running ? took + ", running at planning start" : took);
  add("Due", when(order[4]));
  if (order[5] !== null) {
    add("Order", `${lateness(order[6])} (done ${when(order[5])})`);
  }
  tip.replaceChildren(el("div", "tip-title", order[0]), list);
  tip.classList.toggle("late", order[6] > 0);
}
/** A batch's tooltip: its id, machine, times, and every member with its
 * order's lateness, since one late member makes the whole bar late. */
function fillBatchTip(members, batch, machine) {
  const [, , , start, , setup, running] = ops[members[0]];
  const end = Math.max(...members.map((k) => ops[k][4]));
  const list = el("dl");
  const add = (term, value) => {
    const dd = el("dd", "", typeof value === "string" ? value : undefined);
    if (typeof value !== "string") dd.append(value);
    list.append(el("dt", "", term), dd);
  };
  add("Machine", machine);
  if (setup !== null && setup < start) {
    add("Changeover", `${when(setup)} ${DASH} ${clock(start)} (${duration(start - setup)})`);
  }
  const finish = end - start < DAY ? clock(end) : when(end);
  add(`Start ${DASH} end`, `${when(start)} ${DASH} ${finish}`);
  const took = duration(end - start);
  add("Duration", running ? took + ", running at planning start" : took);
  const names = el("ul", "members");
  for (const k of members) {
    const order = orders[ops[k][0]];
    names.append(el("li", order[6] > 0 ? "late" : "",
      `${order[0]} · ${ops[k][1]} (${lateness(order[6])})`));
  }
  add(`Members (${members.length})`, names);
  tip.replaceChildren(el("div", "tip-title", "Batch " + batch), list);
  tip.classList.toggle("late", members.some((k) => orders[ops[k][0]][6] > 0));
}
function placeTip(x, y) {
  const width = tip.offsetWidth, height = tip.offsetHeight;
  const left = x + 16 + width > window.innerWidth ? x - 16 - width : x + 16;
  const top = y + 16 + height > window.innerHeight ? y - 12 - height : y + 16;
  tip.style.left = Math.max(4, left) + "px";
  tip.style.top = Math.max(4, top) + "px";
}
function hideTip() {
  tip.hidden = true;
  tipFor = -1;
}

// Controls, pointer and keyboard events, first paint. Wheel over the time axis
// (or with Ctrl/Cmd anywhere) zooms around the pointer; a plain wheel scrolls,
// so a long machine list stays reachable; dragging pans. A click that ended a
// drag must not also select or clear, so clicks after a drag are ignored. The
// page sets `window.__ganttReady` once the bars are laid out and the first
// frame painted; the tests and the 5,000-operation benchmark wait for it.
function setColourMode(mode) {
  scroller.classList.toggle("by-order", mode === "order");
  scroller.classList.toggle("by-status", mode === "status");
  for (const button of document.querySelectorAll("[data-colour]")) {
    button.setAttribute("aria-pressed", String(button.dataset.colour === mode));
  }
  const swatches = mode === "status"
    ? [["late", "Order late"], ["on-time", "On time"], ["running", "Running"]]
    : [["order", "One colour per order"]];
  const legend = $("legend");
  legend.replaceChildren();
  for (const [kind, text] of swatches.concat([["setup", "Changeover"]])) {
    const item = el("span", "legend-item");
    item.append(el("span", "swatch " + kind), text);
    legend.append(item);
  }
  if (data.closed.length) {
    const item = el("span", "legend-item");
    item.append(el("span", "swatch closed"), "Closed");
    legend.append(item);
  }
}

let drag = null, dragged = false;
plot.addEventListener("pointerdown", (event) => {
  if (event.button !== 0) return;
  drag = { x: event.clientX, y: event.clientY,
    left: scroller.scrollLeft, top: scroller.scrollTop };
  dragged = false;
});
window.addEventListener("pointermove", (event) => {
  if (!drag) return;
  const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
  if (!dragged && Math.hypot(dx, dy) < 4) return;
  if (!dragged) {
    dragged = true;
    scroller.classList.add("dragging");
    hideTip();
  }
  scroller.scrollLeft = drag.left - dx;
  scroller.scrollTop = drag.top - dy;
});
window.addEventListener("pointerup", () => {
  drag = null;
  scroller.classList.remove("dragging");
});
plot.addEventListener("click", (event) => {
  if (dragged) return;
  const bar = event.target.closest(".bar");
  const index = bar ? ops[Number(bar.dataset.i)][0] : null;
  select(index === selected ? null : index);
});
plot.addEventListener("pointermove", (event) => {
  if (dragged) return;
  const bar = event.target.closest(".bar");
  if (!bar) return hideTip();
  const i = Number(bar.dataset.i);
  if (i !== tipFor) {
    fillTip(i);
    tipFor = i;
    tip.hidden = false;
  }
  placeTip(event.clientX, event.clientY);
});
plot.addEventListener("pointerleave", hideTip);
scroller.addEventListener("scroll", requestDraw, { passive: true });
// Wheel events come faster than frames; their zoom is summed and applied
// once per frame, since each zoom lays out every bar again.
let wheelZoom = null;
scroller.addEventListener("wheel", (event) => {
  if (!(event.ctrlKey || event.metaKey || event.target.closest(".axis"))) return;
  event.preventDefault();
  const lines = event.deltaMode === 1 ? 40 : 1; // Firefox scrolls by lines
  const anchor = event.clientX - scroller.getBoundingClientRect().left - LABEL_W;
  const factor = Math.exp(-event.deltaY * lines * 0.0015);
  if (wheelZoom) {
    wheelZoom.factor *= factor;
    return;
  }
  wheelZoom = { factor, anchor: Math.max(0, anchor) };
  requestAnimationFrame(() => {
    zoomTo(pxPerMin * wheelZoom.factor, wheelZoom.anchor);
    wheelZoom = null;
  });
}, { passive: false });

const centre = () => hStart + (scroller.scrollLeft + viewWidth() / 2) / pxPerMin;
const buttons = {
  "zoom-in": () => zoomTo(pxPerMin * 1.6),
  "zoom-out": () => zoomTo(pxPerMin / 1.6),
  "zoom-day": () => showRange(centre() - DAY / 2, centre() + DAY / 2),
  "zoom-week": () => showRange(centre() - 3.5 * DAY, centre() + 3.5 * DAY),
  "zoom-all": () => showRange(hStart, hEnd),
  "selection-clear": () => select(null),
};
for (const [id, action] of Object.entries(buttons)) {
  $(id).addEventListener("click", action);
}
for (const button of document.querySelectorAll("[data-colour]")) {
  button.addEventListener("click", () => setColourMode(button.dataset.colour));
}
document.addEventListener("keydown", (event) => {
  if (event.target.closest?.("input, textarea, select")) return;
  if (event.key === "Escape") select(null);
  else if (event.key === "+" || event.key === "=") zoomTo(pxPerMin * 1.6);
  else if (event.key === "-") zoomTo(pxPerMin / 1.6);
  else if (event.key === "0") showRange(hStart, hEnd);
});
window.addEventListener("resize", () => zoomTo(pxPerMin));

// First paint: the whole horizon when it is short, else its first week. The
// scale is set before the bars go in, so the page lays them out only once.
scroller.style.setProperty("--label-w", LABEL_W + "px");
scroller.style.setProperty("--row", ROW + "px");
scroller.style.setProperty("--bar", BAR + "px");
drawHeader();
drawLateTable();
setColourMode("order");
drawRows(layoutRows());
pxPerMin = Math.max(minZoom(), viewWidth() / Math.min(span, 7 * DAY));
plot.style.width = axis.style.width = span * pxPerMin + "px";
drawBars();
drawClosedTime();
mark(0, "start", "planning start");
drawTime();
void plot.offsetWidth; // force layout of every bar before declaring ready
requestAnimationFrame(() => setTimeout(() => { // runs after that frame's paint
  window.__ganttReadyAt = performance.now();
  window.__ganttReady = true;
}));
})();
