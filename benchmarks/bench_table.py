"""The benchmark table of `benchmarks/run.py`: rows, gaps, summary, Markdown, CSV.

Pure functions of finished rows, so they are tested without solving
(tests/test_bench_runner.py). Definitions, stated again in every Markdown
file the runner writes:

- gap % to best-known: 100 · (objective - best-known) / best-known; when
  the best-known value is 0 it is 0 for objective 0 and undefined otherwise.
- gap % to bound: 100 · (objective - bound) / objective, the relative gap
  CP-SAT reports (0 for objective 0).
- ratio: mtosched's objective / the peer's (1 when both are 0); the peer's
  replayed value (its machine sequences left-shifted under the contract's
  rules and checked) where there is one, else its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class PeerResult:
    """The peer's solve of one instance (None where it found nothing)."""

    objective: int | None = None
    bound: int | None = None
    status: str = ""
    seconds: float | None = None
    peak_mb: float | None = None
    check: str = ""
    #: Its machine sequences replayed under the contract's rules: the value
    #: mtosched's checker gives, and that checker's verdict.
    replayed: int | None = None
    replay_check: str = ""
    #: Where its initial solution came from ("" without one).
    hint: str = ""

    @property
    def compared(self) -> int | None:
        """The value the ratio uses: replayed where there is one, else its own."""
        return self.replayed if self.replayed is not None else self.objective


@dataclass(frozen=True)
class Row:
    """One instance's line of the table.

    `check` is "ok" when the schedule passed mtosched's independent checker
    (else FAILED and the first violation); `dispatch` is the dispatch
    heuristic's value of the term; `optimal_known` marks a best-known value
    the reference lists as proven optimal.
    """

    instance: str
    size: str
    term: str
    objective: int | None = None
    bound: int | None = None
    best_known: int | None = None
    optimal_known: bool = False
    dispatch: int | None = None
    seconds: float | None = None
    peak_mb: float | None = None
    status: str = ""
    check: str = ""
    peer: PeerResult | None = None
    notes: tuple[str, ...] = field(default=())
    #: The EDD list schedule's value from the plant's reference.csv.
    edd: int | None = None

    @property
    def gap_best(self) -> float | None:
        """Gap % to the best-known value (see the module docstring)."""
        return gap_to_best(self.objective, self.best_known)

    @property
    def gap_bound(self) -> float | None:
        """Gap % to mtosched's own proved bound."""
        return gap_to_bound(self.objective, self.bound)

    @property
    def ratio(self) -> float | None:
        """mtosched's objective over the peer's."""
        peer = self.peer.compared if self.peer is not None else None
        return ratio(self.objective, peer)

    @property
    def at_best(self) -> bool:
        """Whether the objective matches (or beats) the best-known value."""
        return (
            self.objective is not None
            and self.best_known is not None
            and self.objective <= self.best_known
        )


def gap_to_best(value: int | None, best: int | None) -> float | None:
    """100 · (value - best) / best; None when either is missing or best is 0."""
    if value is None or best is None:
        return None
    if best == 0:
        return 0.0 if value == 0 else None
    return 100.0 * (value - best) / best


def gap_to_bound(value: int | None, bound: int | None) -> float | None:
    """100 · (value - bound) / value; 0 when value is 0."""
    if value is None or bound is None:
        return None
    if value == 0:
        return 0.0
    return 100.0 * (value - bound) / value


def ratio(value: int | None, peer: int | None) -> float | None:
    """value / peer; 1 when both are 0, None when the peer's is 0 alone."""
    if value is None or peer is None:
        return None
    if peer == 0:
        return 1.0 if value == 0 else None
    return value / peer


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@dataclass(frozen=True)
class Summary:
    """Means over the rows that have the value, and counts."""

    instances: int
    mean_gap_best: float | None
    mean_gap_bound: float | None
    at_best: int
    with_best: int
    optimal: int
    checks_ok: int
    mean_seconds: float | None
    max_peak_mb: float | None
    mean_ratio: float | None
    peer_optimal: int
    peer_checks_ok: int
    peer_replays_ok: int = 0


def summarize(rows: Sequence[Row]) -> Summary:
    """The summary line of a finished table."""
    peers = [r.peer for r in rows if r.peer is not None]
    peaks = [r.peak_mb for r in rows if r.peak_mb is not None]
    return Summary(
        instances=len(rows),
        mean_gap_best=_mean([r.gap_best for r in rows]),
        mean_gap_bound=_mean([r.gap_bound for r in rows]),
        at_best=sum(1 for r in rows if r.at_best),
        with_best=sum(1 for r in rows if r.best_known is not None),
        optimal=sum(1 for r in rows if r.status == "optimal"),
        checks_ok=sum(1 for r in rows if r.check == "ok"),
        mean_seconds=_mean([r.seconds for r in rows]),
        max_peak_mb=max(peaks) if peaks else None,
        mean_ratio=_mean([r.ratio for r in rows]),
        peer_optimal=sum(1 for p in peers if p.status == "optimal"),
        peer_checks_ok=sum(1 for p in peers if p.check == "ok"),
        peer_replays_ok=sum(1 for p in peers if p.replay_check == "ok"),
    )


MAIN_COLUMNS = (
    "instance", "size", "term", "objective", "bound", "best-known",
    "gap % best", "gap % bound", "dispatch", "EDD", "seconds", "peak MB",
    "status", "check",
)  # fmt: skip
PEER_COLUMNS = (
    "peer objective", "peer bound", "peer status", "peer seconds",
    "peer peak MB", "peer check", "peer replayed", "replay check", "ratio",
)  # fmt: skip


def columns(with_peer: bool) -> tuple[str, ...]:
    """Markdown column titles, notes last."""
    return MAIN_COLUMNS + (PEER_COLUMNS if with_peer else ()) + ("notes",)


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}"


def _integer(value: int | None) -> str:
    return "—" if value is None else str(value)


def _cells(row: Row, with_peer: bool) -> list[str]:
    best = _integer(row.best_known)
    if row.best_known is not None and row.optimal_known:
        best += "*"
    cells = [
        row.instance,
        row.size,
        row.term,
        _integer(row.objective),
        _integer(row.bound),
        best,
        _number(row.gap_best, 1),
        _number(row.gap_bound, 1),
        _integer(row.dispatch),
        _integer(row.edd),
        _number(row.seconds, 1),
        _number(row.peak_mb),
        row.status,
        row.check,
    ]
    if with_peer:
        peer = row.peer or PeerResult()
        cells += [
            _integer(peer.objective),
            _integer(peer.bound),
            peer.status,
            _number(peer.seconds, 1),
            _number(peer.peak_mb),
            peer.check,
            _integer(peer.replayed),
            peer.replay_check,
            _number(row.ratio, 3),
        ]
    return [*cells, "; ".join(row.notes)]


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def markdown_header(with_peer: bool) -> str:
    """The table's title line and separator."""
    titles = columns(with_peer)
    left = {"instance", "size", "term", "status", "check", "peer status"}
    left |= {"peer check", "replay check", "notes"}
    rule = ["---" if t in left else "---:" for t in titles]
    return _line(titles) + "\n" + _line(rule)


def markdown_row(row: Row, with_peer: bool) -> str:
    """One instance as a Markdown table line."""
    return _line(_cells(row, with_peer))


def markdown_summary(summary: Summary, with_peer: bool) -> str:
    """The summary as a last Markdown table line."""
    cells = [
        f"**summary ({summary.instances})**",
        "",
        "",
        "",
        "",
        f"{summary.at_best}/{summary.with_best} at best-known",
        _number(summary.mean_gap_best, 1),
        _number(summary.mean_gap_bound, 1),
        "",
        "",
        _number(summary.mean_seconds, 1),
        f"max {_number(summary.max_peak_mb)}",
        f"{summary.optimal} optimal",
        f"{summary.checks_ok}/{summary.instances} ok",
    ]
    if with_peer:
        cells += [
            "",
            "",
            f"{summary.peer_optimal} optimal",
            "",
            "",
            f"{summary.peer_checks_ok} ok",
            "",
            f"{summary.peer_replays_ok} ok",
            _number(summary.mean_ratio, 3),
        ]
    return _line([*cells, "means over rows with a value"])


def markdown(preamble: Sequence[str], rows: Sequence[Row], with_peer: bool) -> str:
    """A whole Markdown file: preamble lines, the table, the summary line."""
    lines = [*preamble, "", markdown_header(with_peer)]
    lines += [markdown_row(r, with_peer) for r in rows]
    if rows:
        lines.append(markdown_summary(summarize(rows), with_peer))
    return "\n".join(lines) + "\n"


CSV_FIELDS = (
    "instance", "size", "term", "objective", "bound", "best_known",
    "best_known_optimal", "gap_best_pct", "gap_bound_pct", "dispatch", "edd",
    "seconds", "peak_mb", "status", "check", "peer_objective", "peer_bound",
    "peer_status", "peer_seconds", "peer_peak_mb", "peer_check",
    "peer_replayed", "peer_replay_check", "peer_hint", "ratio", "notes",
)  # fmt: skip


def _plain(value: float | int | None, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def csv_record(row: Row) -> dict[str, str]:
    """One instance as a CSV record (plain numbers, empty where missing)."""
    peer = row.peer or PeerResult()
    return {
        "instance": row.instance,
        "size": row.size,
        "term": row.term,
        "objective": _plain(row.objective),
        "bound": _plain(row.bound),
        "best_known": _plain(row.best_known),
        "best_known_optimal": "yes" if row.optimal_known else "no",
        "gap_best_pct": _plain(row.gap_best),
        "gap_bound_pct": _plain(row.gap_bound),
        "dispatch": _plain(row.dispatch),
        "edd": _plain(row.edd),
        "seconds": _plain(row.seconds, 2),
        "peak_mb": _plain(row.peak_mb, 0),
        "status": row.status,
        "check": row.check,
        "peer_objective": _plain(peer.objective),
        "peer_bound": _plain(peer.bound),
        "peer_status": peer.status,
        "peer_seconds": _plain(peer.seconds, 2),
        "peer_peak_mb": _plain(peer.peak_mb, 0),
        "peer_check": peer.check,
        "peer_replayed": _plain(peer.replayed),
        "peer_replay_check": peer.replay_check,
        "peer_hint": peer.hint,
        "ratio": _plain(row.ratio, 4),
        "notes": "; ".join(row.notes),
    }


def csv_summary(summary: Summary) -> dict[str, str]:
    """The summary as a last CSV record, instance `summary`."""
    return {
        "instance": "summary",
        "size": f"{summary.instances} instances",
        "best_known": f"{summary.at_best}/{summary.with_best} at best-known",
        "gap_best_pct": _plain(summary.mean_gap_best),
        "gap_bound_pct": _plain(summary.mean_gap_bound),
        "seconds": _plain(summary.mean_seconds, 2),
        "peak_mb": _plain(summary.max_peak_mb, 0),
        "status": f"{summary.optimal} optimal",
        "check": f"{summary.checks_ok} ok",
        "peer_status": f"{summary.peer_optimal} optimal",
        "peer_check": f"{summary.peer_checks_ok} ok",
        "peer_replay_check": f"{summary.peer_replays_ok} ok",
        "ratio": _plain(summary.mean_ratio, 4),
        "notes": "means over rows with a value; peak is the maximum",
    }


def csv_text(rows: Sequence[Row]) -> str:
    """The table as CSV: one record per instance and a last `summary` record."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_record(r) for r in rows)
    if rows:
        writer.writerow(csv_summary(summarize(rows)))
    return out.getvalue()


def write_tables(
    prefix: Path, preamble: Sequence[str], rows: Sequence[Row], with_peer: bool
) -> tuple[Path, Path]:
    """Write PREFIX.csv and PREFIX.md (whole files, rewritten after every row)."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    csv_path = prefix.with_name(prefix.name + ".csv")
    md_path = prefix.with_name(prefix.name + ".md")
    csv_path.write_text(csv_text(rows), encoding="utf-8")
    md_path.write_text(markdown(preamble, rows, with_peer), encoding="utf-8")
    return csv_path, md_path
