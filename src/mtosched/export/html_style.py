"""The Gantt page's style sheet, inlined into every page.

The script sets each bar's order colour inline; status mode overrides it
with `!important` rules, so switching modes is one class on the chart and
no script touches the 5,000 bars. Status colours also differ in lightness,
so they survive a grey-scale printout.
"""

STYLE_CSS = r"""
:root {
  --ink: #1d2430; --muted: #5f6b7a; --line: #e4e7ec; --rule: #cdd3db;
  --bg: #f4f5f7; --card: #fff; --accent: #2d6cb0; --late: #c23a2f;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; }
button { font: inherit; color: inherit; }

.top { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px 32px;
  padding: 14px 20px 12px; background: var(--card);
  border-bottom: 1px solid var(--line); }
.top h1 { margin: 0; font-size: 19px; font-weight: 650; }
.meta { color: var(--muted); margin-top: 2px; }
.status { display: inline-block; margin-left: 10px; padding: 1px 9px;
  border-radius: 99px;
  font-size: 11px; font-weight: 650; letter-spacing: .05em; text-transform: uppercase;
  vertical-align: 3px; background: #e6eef8; color: #24579a; }
.status.s-optimal { background: #e2f3e7; color: #1f6a3a; }
.status.s-infeasible, .status.s-unknown { background: #eceef1; color: #4b5563; }
.kpis { display: flex; flex-wrap: wrap; gap: 8px; margin-left: auto; }
.kpi { display: flex; flex-direction: column; justify-content: center; min-width: 96px;
  padding: 6px 12px; border: 1px solid var(--line); border-radius: 8px;
  background: #fafbfc; }
.kpi-name { color: var(--muted); font-size: 11px; }
.kpi-value { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi.good .kpi-value { color: #1f6a3a; }
.kpi.bad .kpi-value { color: var(--late); }
.kpi.objective { min-width: 200px; }
.term { display: flex; gap: 8px; align-items: baseline;
  font-variant-numeric: tabular-nums; }
.term-name { min-width: 120px; }
.bound { color: var(--muted); font-size: 11px; }

.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px;
  padding: 10px 20px; }
.group-label { color: var(--muted); margin-right: 6px; }
.seg { display: inline-flex; border: 1px solid var(--rule); border-radius: 6px;
  overflow: hidden; background: var(--card); }
.seg button { border: 0; background: none; padding: 4px 10px; cursor: pointer; }
.seg button + button { border-left: 1px solid var(--rule); }
.seg button:hover { background: #eef2f7; }
.seg button[aria-pressed="true"] { background: var(--accent); color: #fff; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; color: var(--muted); }
.swatch { display: inline-block; width: 16px; height: 11px; margin-right: 5px;
  border-radius: 2px; vertical-align: -1px;
  box-shadow: inset 0 0 0 1px rgba(0, 0, 0, .25); }
.swatch.late { background: #f3c4be; } .swatch.on-time { background: #cadcf1; }
.swatch.running { background: #f6dfa6; }
.swatch.order { background: linear-gradient(90deg, #f2b8b0 0 25%, #b9dcb4 25% 50%,
  #b7cdee 50% 75%, #e6c8ef 75%); }
.swatch.setup {
  background: repeating-linear-gradient(135deg, #8a94a3 0 2px, #fff 2px 5px); }
.swatch.closed {
  background: repeating-linear-gradient(45deg, #d9dce1 0 3px, #eceef1 3px 6px); }
.hint { color: var(--muted); font-size: 12px; }
.chip { display: inline-flex; align-items: center; gap: 8px; padding: 3px 6px 3px 12px;
  border-radius: 99px; background: #1d2430; color: #fff; }
.chip button { border: 0; background: #ffffff26; color: #fff; border-radius: 99px;
  width: 20px; height: 20px; cursor: pointer; }

.gantt { position: relative; overflow: auto; margin: 0 20px;
  max-height: calc(100vh - 190px); min-height: 240px; background: var(--card);
  border: 1px solid var(--line); border-radius: 8px; cursor: grab; }
.gantt.dragging { cursor: grabbing; }
/* As wide as its content: sticky labels stay inside their containing block,
   so a sheet only as wide as the window would let them scroll away. */
.sheet { display: grid; grid-template-columns: var(--label-w) max-content;
  width: max-content; min-width: 100%; }
.corner { position: sticky; top: 0; left: 0; z-index: 4; background: var(--card);
  border-right: 1px solid var(--rule); border-bottom: 1px solid var(--rule);
  padding: 6px 10px; color: var(--muted); font-size: 11px; }
.axis { position: sticky; top: 0; z-index: 3; height: 46px; overflow: hidden;
  background: var(--card); border-bottom: 1px solid var(--rule); cursor: zoom-in; }
.axis > div { position: absolute; inset: 0; }
.tick { position: absolute; white-space: nowrap; font-size: 11px; padding-left: 5px; }
.tick.upper { top: 4px; font-weight: 600; border-left: 1px solid var(--rule); }
.tick.upper.stuck { border-left-color: transparent; }
.tick.lower { top: 24px; height: 22px; line-height: 22px; color: var(--muted);
  border-left: 1px solid var(--line); }
.flag { position: absolute; bottom: 0; transform: translateX(-50%); padding: 0 5px;
  border-radius: 3px 3px 0 0; font-size: 10px; line-height: 15px; color: #fff;
  white-space: nowrap; background: #6b7686; }
.flag.due { background: var(--late); }
.labels { position: sticky; left: 0; z-index: 2; background: var(--card);
  border-right: 1px solid var(--rule); }
.label { display: flex; align-items: center; gap: 8px; height: var(--row);
  padding: 0 10px; white-space: nowrap; overflow: hidden;
  border-bottom: 1px solid #f0f2f5; }
.label .name { flex: 1; overflow: hidden; text-overflow: ellipsis;
  color: var(--muted); }
.label .util { color: var(--muted); font-size: 11px;
  font-variant-numeric: tabular-nums; }
.two-line .label.machine { display: grid; grid-template-columns: 1fr auto;
  align-content: center; gap: 0 8px; line-height: 1.25; }
.two-line .label .name { grid-row: 2; grid-column: 1 / -1; font-size: 11px; }
.label.group, .lane.group { height: 26px; background: #eef1f5; }
.label.group { font-size: 11px; font-weight: 650; letter-spacing: .05em;
  text-transform: uppercase; }
.label.group .count { font-weight: 400; letter-spacing: 0; text-transform: none;
  color: var(--muted); }
.plot { position: relative; overflow: hidden; user-select: none; }
.layer { position: absolute; inset: 0; }
.grid, .closed, .marks { pointer-events: none; }
.lane { height: var(--row); border-bottom: 1px solid #f0f2f5; }
.lane.alt { background: #fafbfc; }
.weekend { position: absolute; top: 0; bottom: 0; background: rgba(95, 107, 122, .06); }
.gl { position: absolute; top: 0; bottom: 0; width: 1px; background: #f0f2f5; }
.gl.day { background: #dfe3e8; }
.gl.week { background: #c3cad3; }
.closed-time { position: absolute; height: var(--row);
  background: repeating-linear-gradient(45deg, #dcdfe4 0 4px, #eceef1 4px 8px); }
.mark { position: absolute; top: 0; bottom: 0; border-left: 2px dashed #6b7686; }
.mark.due { border-left-color: var(--late); }

.bar { position: absolute; height: var(--bar); min-width: 2px; padding: 0 4px;
  overflow: hidden; white-space: nowrap; border-radius: 3px; cursor: pointer;
  font-size: 11px; line-height: calc(var(--bar) - 2px); border: 1px solid; }
.by-status .bar.on-time { background-color: #cadcf1 !important;
  border-color: #6f97c8 !important; color: #15314f !important; }
.by-status .bar.late { background-color: #f3c4be !important;
  border-color: #c5584c !important; color: #571510 !important; }
.by-status .bar.running { background-color: #f6dfa6 !important;
  border-color: #bf8c2c !important; color: #473006 !important; }
/* After the status rules, and as specific, so that it wins over them. */
.gantt .bar.narrow { color: transparent !important; }
.bar .setup { position: absolute; left: 0; top: 0; bottom: 0; pointer-events: none;
  border-right: 1px solid rgba(0, 0, 0, .35);
  background: repeating-linear-gradient(135deg, rgba(255, 255, 255, .8) 0 2px,
    rgba(0, 0, 0, .18) 2px 4px); }
.bar:hover { outline: 1px solid rgba(29, 36, 48, .7); }
/* Dimming is one veil over the plot with the chosen order's bars lifted
   above it: cheaper than changing the opacity of 5,000 bars. */
.veil { display: none; position: absolute; inset: 0; z-index: 1;
  background: rgba(255, 255, 255, .72); }
.focus .veil { display: block; }
.bar.selected { z-index: 2; outline: 2px solid #1d2430;
  box-shadow: 0 1px 5px rgba(0, 0, 0, .35); }
.mark { z-index: 3; }

.late-orders { margin: 16px 20px 28px; content-visibility: auto;
  contain-intrinsic-size: auto 420px; }
.late-orders h2 { font-size: 15px; margin: 0 0 2px; }
.late-box { max-height: 360px; overflow: auto; margin-top: 8px; background: var(--card);
  border: 1px solid var(--line); border-radius: 8px; }
.late-orders table { width: 100%; border-collapse: collapse;
  font-variant-numeric: tabular-nums; }
.late-orders th { position: sticky; top: 0; background: #f7f8fa; text-align: left;
  border-bottom: 1px solid var(--rule); }
.late-orders th button { border: 0; background: none; padding: 7px 10px; width: 100%;
  text-align: left; font-weight: 600; cursor: pointer; }
.late-orders th[aria-sort="ascending"] button::after { content: " ▲"; }
.late-orders th[aria-sort="descending"] button::after { content: " ▼"; }
.late-orders td { padding: 5px 10px; border-bottom: 1px solid #f0f2f5; }
.late-orders td:last-child { color: var(--late); font-weight: 600; }
.late-orders tbody tr { cursor: pointer; }
.late-orders tbody tr:hover { background: #f5f8fc; }
.late-orders tr.selected { background: #e6eef8; }

#tooltip { position: fixed; z-index: 10; max-width: 380px; padding: 8px 11px;
  border-radius: 7px; background: #1d2430; color: #fff; font-size: 12px;
  pointer-events: none; box-shadow: 0 8px 24px rgba(0, 0, 0, .28);
  border-top: 3px solid #6f97c8; }
#tooltip.late { border-top-color: #e0685c; }
.tip-title { font-weight: 650; font-size: 13px; }
#tooltip dl { display: grid; grid-template-columns: auto 1fr; gap: 1px 12px;
  margin: 5px 0 0; }
#tooltip dt { color: #a9b4c3; }
#tooltip dd { margin: 0; }
"""
