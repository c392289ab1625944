"""Page script, first part: time helpers, rows, bars, zoom and pan.

Kept as Python strings so the page ships inside the wheel without package
data; `html_gantt` joins the four parts into one function scope. Bars are
absolutely positioned divs placed in percent of the plot, so zooming only
changes the plot's width and the browser lays them out again; the script
touches just the bars whose label starts or stops fitting.
"""

CHART_JS = r"""
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
const bars = new Array(ops.length);
const barsOfOrder = orders.map(() => []);
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
    const [o, operation, machine, start, end, setup, running] = op;
    const from = setup === null ? start : Math.min(setup, start);
    const status = running ? "running" : orders[o][6] > 0 ? "late" : "on-time";
    const bar = el("div", "bar " + status);
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
    bar.append(document.createTextNode(orders[o][0] + " · " + operation));
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
"""
