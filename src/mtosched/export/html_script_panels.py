"""Page script, third part: KPI header, late-orders table, selection, tooltip.

Everything the user reads comes from the JSON payload through `el`, which
sets `textContent`; nothing here assigns markup, so a customer called
`<img onerror=...>` is shown as those characters.
"""

PANELS_JS = r"""
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
  const [o, operation, machine, start, end, setup, running] = ops[i];
  const order = orders[o], [machineId, machineName] = machines[machine];
  const list = el("dl");
  const add = (term, value) => {
    if (value !== null && value !== undefined && value !== "") {
      list.append(el("dt", "", term), el("dd", "", value));
    }
  };
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
"""
