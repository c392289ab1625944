"""Page script, last part: controls, pointer and keyboard events, first paint.

Wheel over the time axis (or with Ctrl/Cmd anywhere) zooms around the
pointer; a plain wheel scrolls, so a long machine list stays reachable;
dragging pans. A click that ended a drag must not also select or clear, so
clicks after a drag are ignored. The page sets `window.__ganttReady` once
the bars are laid out and the first frame painted; the tests and the
5,000-operation benchmark wait for it.
"""

EVENTS_JS = r"""
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
"""
