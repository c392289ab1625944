"""A schedule as one self-contained HTML page with an interactive Gantt chart.

The page is opened on shop-floor PCs without internet, so its style, script
and data are all inline. Style and script are package data (`assets/gantt.css`
and `assets/gantt.js`), real files that editors and linters can read, copied
into the page as they are. A Content-Security-Policy allows exactly those two
inline blocks (by hash) and nothing else: no request can leave the page, and
a script smuggled in through a customer name would not run even if escaping
failed. Escaping should not fail, though: the only text Python writes into
markup is the escaped title, and all data travels as JSON that the script
shows with `textContent`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from mtosched.export.atomic import write_atomically
from mtosched.export.html_payload import gantt_payload
from mtosched.schedule import Schedule

#: Characters that must not appear raw inside a <script> element, or that
#: some JavaScript parsers take for line ends; JSON.parse reads the escapes.
_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)

_BODY = """\
<header class="top">
  <div>
    <h1><span id="title">{title}</span><span id="status" class="status"></span></h1>
    <div id="meta" class="meta"></div>
  </div>
  <div id="kpis" class="kpis"></div>
</header>
<div class="toolbar">
  <span><span class="group-label">Colour by</span><span class="seg">\
<button type="button" data-colour="order">Order</button>\
<button type="button" data-colour="status">Status</button></span></span>
  <span><span class="group-label">Zoom</span><span class="seg">\
<button type="button" id="zoom-out" title="Zoom out (-)">&minus;</button>\
<button type="button" id="zoom-in" title="Zoom in (+)">+</button>\
<button type="button" id="zoom-day">Day</button>\
<button type="button" id="zoom-week">Week</button>\
<button type="button" id="zoom-all" title="Whole horizon (0)">All</button></span></span>
  <span id="legend" class="legend"></span>
  <span id="hint" class="hint">Wheel on the time axis or Ctrl+wheel zooms · drag pans ·
click a bar to follow its order</span>
  <span id="selection" class="chip" hidden><span id="selection-text"></span>\
<button type="button" id="selection-clear" title="Clear (Esc)">&times;</button></span>
</div>
<div id="gantt" class="gantt by-order">
  <div class="sheet">
    <div class="corner">Machine · utilization</div>
    <div id="axis" class="axis"><div id="axis-ticks"></div><div id="axis-flags"></div>\
</div>
    <div id="labels" class="labels"></div>
    <div id="plot" class="plot"></div>
  </div>
</div>
<section class="late-orders">
  <h2>Late orders</h2>
  <div id="late-count" class="meta"></div>
  <div id="late-box" class="late-box"><table id="late-table"></table></div>
</section>
<div id="tooltip" role="tooltip" hidden></div>
<noscript>This Gantt chart needs JavaScript.</noscript>
"""


def script_json(payload: Any) -> str:
    r"""JSON text that is safe as the content of a <script> element.

    A name containing `</script>` or `<!--` would otherwise end or derail the
    element; the \u escapes keep the text inert and parse back unchanged.
    """
    text = json.dumps(
        payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    for raw, escaped in _SCRIPT_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def gantt_html(schedule: Schedule) -> str:
    """The complete page for `schedule`."""
    title = html.escape(schedule.scenario or "Schedule")
    script, style = asset("gantt.js"), asset("gantt.css")
    policy = "; ".join(
        (
            "default-src 'none'",
            f"script-src '{_digest(script)}'",
            f"style-src '{_digest(style)}'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="mtosched">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{title} · Gantt</title>\n"
        f"<style>{style}</style>\n</head>\n<body>\n"
        + _BODY.format(title=title)
        + '<script type="application/json" id="gantt-data">'
        + script_json(gantt_payload(schedule))
        + "</script>\n"
        + f"<script>{script}</script>\n</body>\n</html>\n"
    )


@cache
def asset(name: str) -> str:
    """The text of `assets/<name>`, read once from the installed package.

    Read as text, so a checkout with CRLF line ends inlines (and hashes) the
    same content as the wheel.
    """
    source = files("mtosched.export") / "assets" / name
    return source.read_text(encoding="utf-8")


def write(schedule: Schedule, path: Path) -> None:
    """Write the Gantt page atomically."""
    write_atomically(path, gantt_html(schedule))


def _digest(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")
