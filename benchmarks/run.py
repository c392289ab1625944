#!/usr/bin/env python3
"""Benchmark runner: named instance sets against best-known values and a peer.

    python benchmarks/run.py la01-10 --time-limit 10 --workers 2 \
        --peer pyjobshop --out benchmarks/results/la01-10-10s

Each SET (see `bench_sets` for the names: `la`, `ta01-10`, `ft`, `mk`,
`tardiness-lawrence`, `twt:la16-20`, `plants:40,200`, single instances,
scenario files such as `shared/benchmarks/plants/changeover-30.json`...)
expands to instances read from `--data` (default: `shared/benchmarks` next
to the repository). Every instance is solved by mtosched through its public
API in a child process of its own (`bench_child.py`), so the peak memory is
that solve's; the schedule it writes is verified by the independent checker
(`mtosched.verify.check`). With `--peer pyjobshop` the same instance, as mtosched
compiled it, is modelled in PyJobShop (`bench_peer.py`) and solved in
another child with the same time limit, workers and seed, hinted with an
EDD schedule valid under its rules (mtosched's dispatch where it is, else a
serial EDD list schedule); its schedule is re-verified under its own rules
and its objective recomputed here, then its machine sequences are replayed
under the contract's rules (`bench_replay`) and that schedule is judged by
mtosched's checker: "peer replayed". See `bench_peer` for what the peer's
model approximates; `--peer-no-pause` makes every operation on a calendar
uninterruptible for it, as reference.csv's peer values were measured.

The four training plants the peer can express, side by side at 30 s:

    P=../shared/benchmarks/plants
    python benchmarks/run.py $P/core-40.json $P/changeover-30.json \
        $P/shifts-60.json $P/shifts-80-chicago.json --peer pyjobshop \
        --time-limit 30 --workers 2 --out benchmarks/results/plants-peer-30s

The Markdown table is printed row by row as instances finish; `--out
PREFIX` also writes PREFIX.md (with a header: command, date, machine,
versions, limits) and PREFIX.csv, both rewritten after every row. Not part
of the test suite: it takes minutes. Exit 0, 1 when a mtosched schedule
failed the checker, 2 for usage errors (and a missing peer).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_child import schedule_path
from bench_peer import NotModelled, Shop, check_shop, shop_from_problem
from bench_replay import ReplayError, replay, serial_edd
from bench_sets import (
    Instance,
    Known,
    SetError,
    expand,
    plant_arguments,
    read_known_values,
    reference_edd,
    scenario_data,
)
from bench_table import (
    PeerResult,
    Row,
    markdown_header,
    markdown_row,
    markdown_summary,
    summarize,
    write_tables,
)

from mtosched import (
    Problem,
    build_problem,
    check,
    load_scenario,
    read_schedule,
)
from mtosched.heuristic.dispatch import dispatch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks"
BENCH_EXTRA = "pip install -e '.[bench]'"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (argparse exits 2 on a usage error)."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Set names: see benchmarks/bench_sets.py.",
    )
    parser.add_argument("sets", nargs="+", metavar="SET", help="set or instance")
    parser.add_argument("--time-limit", type=float, default=60.0, help="s per solve")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--peer", choices=["pyjobshop"], help="also solve with it")
    parser.add_argument(
        "--peer-no-pause",
        action="store_true",
        help="no operation on a calendar pauses for the peer (reference.csv's way)",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder")
    parser.add_argument("--out", type=Path, help="write PREFIX.csv and PREFIX.md")
    parser.add_argument("--keep", type=Path, help="keep scenarios and schedules here")
    args = parser.parse_args(argv)
    if args.time_limit <= 0 or args.workers < 1:
        parser.error("--time-limit must be positive and --workers at least 1")
    try:
        args.instances = instances_of(args.sets, args.data)
    except SetError as exc:
        parser.error(str(exc))
    return args


def instances_of(specs: list[str], data: Path) -> list[Instance]:
    """Every instance the set names stand for, in order, each once."""
    seen: dict[str, Instance] = {}
    for spec in specs:
        for instance in expand(spec, data):
            seen.setdefault(instance.name, instance)
    return list(seen.values())


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    """The checkout's commit, `+dirty` when tracked files differ from it."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "no git"
    return sha + ("+dirty" if dirty else "")


def machine() -> str:
    """CPU model, cores, memory, OS and Python, as far as this system tells."""
    cpu, memory = platform.processor() or platform.machine(), ""
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in info.splitlines()
            if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").split()
        memory = f", {int(meminfo[meminfo.index('MemTotal:') + 1]) / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    # Others' work on a shared machine slows the solves: say how busy it was.
    load = (
        f", load {os.getloadavg()[0]:.1f} at start" if hasattr(os, "getloadavg") else ""
    )
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}{load}, {platform.system()}, "
        f"Python {platform.python_version()}"
    )


def preamble(args: argparse.Namespace, argv: list[str]) -> list[str]:
    """The Markdown file's header: what ran, where, with which versions."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    peer = f", pyjobshop {_version('pyjobshop')}" if args.peer else ""
    return [
        f"# mtosched benchmark: {' '.join(args.sets)}",
        "",
        f"`python benchmarks/run.py {shlex.join(argv)}`",
        "",
        f"{now} · {machine()} · ortools {_version('ortools')}, mtosched "
        f"{_version('mtosched')} ({_commit()}){peer} · time limit "
        f"{args.time_limit:g} s per solve, {args.workers} workers, seed {args.seed}",
        "",
        "best-known: shared/benchmarks/known-values.csv (* = proven optimal "
        "there); gap % best = 100·(objective - best-known)/best-known; gap % "
        "bound = 100·(objective - bound)/objective, the bound mtosched proved; "
        "dispatch = the dispatch heuristic's value; seconds = building and "
        "solving in the child process; peak MB = that process's maximum "
        "resident memory; check = the independent checker on the schedule"
        + (
            "; peer check = its placements re-verified and objective recomputed "
            "here; ratio = mtosched / peer objective."
            if args.peer
            else "."
        ),
    ]


def run_child(
    solver: str, source: Path, result: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Run `bench_child.py` and read its result (status `timeout` if it hangs)."""
    command = [
        sys.executable, str(HERE / "bench_child.py"), solver, str(source),
        str(result), "--time-limit", str(args.time_limit),
        "--workers", str(args.workers), "--seed", str(args.seed),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=2 * args.time_limit + 120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout"}
    if not result.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"status": "error", "error": f"exit {done.returncode}: {last}"}
    outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return outcome


def prepare(instance: Instance, folder: Path) -> Path:
    """Write the instance's scenario file (one objective term) and return it."""
    path = folder / f"{_stem(instance)}.scenario.json"
    if instance.kind == "plant":
        generator = HERE / "generate_plant.py"
        arguments = plant_arguments(instance.orders)
        subprocess.run(
            [sys.executable, str(generator), *arguments, "-o", str(path)], check=True
        )
        data = json.loads(path.read_text(encoding="utf-8"))
        data["name"] = instance.name
        # One term, as for the classic sets: bound, peer and dispatch then
        # measure the same thing, and no time goes to flow time.
        data["objective"] = {"terms": ["weighted_tardiness"]}
    else:
        data = scenario_data(instance)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def _stem(instance: Instance) -> str:
    return instance.name.replace(":", "-").replace("/", "-")


def size_of(instance: Instance, problem: Problem) -> str:
    """Jobs x machines; operations too where they are not simply the product."""
    size = f"{len(problem.orders)}x{len(problem.machines)}"
    if instance.kind in ("fjsp", "plant", "scenario"):
        size += f", {len(problem.tasks)} ops"
    return size


def reference(
    instance: Instance, term: str, known: dict[tuple[str, str], Known]
) -> tuple[int | None, bool, list[str]]:
    """Best-known value and whether it is proven optimal, with notes."""
    if instance.kind == "plant":
        return None, False, ["generated: compare with dispatch"]
    if instance.kind == "scenario":
        return None, False, ["scenario file: compare with EDD and dispatch"]
    value = known.get(instance.known) if instance.known else None
    if value is None or value.best_known is None:
        return None, False, ["no published value"]
    if value.term != term:
        return None, False, [f"reference is {value.objective}, not {term}"]
    return value.best_known, value.optimal, []


def solve_instance(
    instance: Instance,
    known: dict[tuple[str, str], Known],
    folder: Path,
    args: argparse.Namespace,
) -> Row:
    """Solve one instance (and the peer's model of it); its checked row."""
    scenario_file = prepare(instance, folder)
    scenario = load_scenario(scenario_file)
    problem = build_problem(scenario)
    term = problem.objective[0]
    best, optimal, notes = reference(instance, term, known)
    result = folder / f"{_stem(instance)}.mtosched.json"
    outcome = run_child("mtosched", scenario_file, result, args)
    objective = bound = dispatch = None
    verdict = "—"
    if schedule_path(result).exists():
        schedule = read_schedule(schedule_path(result))
        report = check(scenario, schedule)
        verdict = "ok" if report.ok else "FAILED: " + report.violations[0]
        objective = schedule.objective[term]
        bound = schedule.bound.get(term)
        if schedule.solver is not None:
            dispatch = schedule.solver.dispatch_objective.get(term)
    elif "error" in outcome:
        notes.append(str(outcome["error"]).splitlines()[0])
    peer = None
    if args.peer:
        peer = solve_peer(problem, folder / _stem(instance), args, notes)
    return Row(
        instance=instance.name,
        size=size_of(instance, problem),
        term=term,
        objective=objective,
        bound=bound,
        best_known=best,
        optimal_known=optimal,
        dispatch=dispatch,
        seconds=outcome.get("seconds"),
        peak_mb=outcome.get("peak_mb"),
        status=str(outcome.get("status", "")),
        check=verdict,
        peer=peer,
        notes=tuple(notes),
        edd=reference_edd(instance),
    )


def peer_shop(problem: Problem, *, pause: bool = True) -> tuple[Shop, str]:
    """The peer's shop with an EDD hint valid under its rules, and the hint's source.

    The hint is mtosched's dispatch (an EDD list schedule that fills gaps)
    when the shop's own check accepts it, else the serial EDD list schedule
    made under the peer's restriction (`bench_replay.serial_edd`). The
    peer's time line ends at twice the hint's end (its calendars are cut
    there, see `bench_peer`).
    """
    candidates = [("dispatch", dispatch(problem))]
    candidates.append(("serial EDD", serial_edd(problem, pause=pause)))
    ends = [max((p.end for p in s.placements), default=0) for _, s in candidates]
    horizon = 2 * max(ends) + 1
    shop = shop_from_problem(problem, horizon=horizon, pause=pause)
    for source, solution in candidates:
        placements = [[p.machine, p.start, p.end] for p in solution.placements]
        if not check_shop(shop, placements)[1]:
            shop["hint"] = placements
            return shop, source
    return shop, ""


def solve_peer(
    problem: Problem, stem: Path, args: argparse.Namespace, notes: list[str]
) -> PeerResult | None:
    """The peer's solve of the compiled problem, re-verified and replayed."""
    try:
        shop, hint = peer_shop(problem, pause=not args.peer_no_pause)
    except NotModelled as exc:
        notes.append(f"peer {exc}")
        return None
    shop_file = stem.with_name(stem.name + ".shop.json")
    shop_file.write_text(json.dumps(shop), encoding="utf-8")
    result = stem.with_name(stem.name + ".peer.json")
    outcome = run_child("pyjobshop", shop_file, result, args)
    if "error" in outcome:
        notes.append("peer: " + str(outcome["error"]).splitlines()[0])
    verdict, objective = peer_verdict(shop, outcome)
    replay_check, replayed = replay_verdict(problem, outcome.get("placements") or [])
    return PeerResult(
        objective=objective,
        bound=outcome.get("bound"),
        status=str(outcome.get("status", "")),
        seconds=outcome.get("seconds"),
        peak_mb=outcome.get("peak_mb"),
        check=verdict,
        replayed=replayed,
        replay_check=replay_check,
        hint=hint if outcome.get("hinted") else "",
    )


def peer_verdict(shop: Shop, outcome: dict[str, Any]) -> tuple[str, int | None]:
    """Whether the peer's placements keep its own rules, and what they give.

    Checked against the shop it was given (`check_shop`); the objective
    compared is the schedule's own: PyJobShop's reported tardiness can
    exceed what its placements give when a solve stops early (its tardiness
    variables are bounded from below only), which the verdict notes; it is
    not a failure.
    """
    claimed = outcome.get("objective")
    placements = outcome.get("placements") or []
    if not placements:
        return "—", claimed
    value, problems = check_shop(shop, placements)
    if problems:
        return f"FAILED: {problems[0]}", claimed
    if value != claimed:
        return f"ok (reported {claimed}, schedule gives {value})", value
    return "ok", value


def replay_verdict(
    problem: Problem, placements: list[list[int]]
) -> tuple[str, int | None]:
    """The peer's machine sequences under the contract's rules, checked.

    Its machine choices and the order of tasks on each machine are kept and
    left-shifted (`bench_replay.replay`); mtosched's independent checker
    judges the result and gives the value of the first objective term.
    """
    if not placements:
        return "—", None
    try:
        solution = replay(problem, placements)
    except ReplayError as exc:
        return f"FAILED: {exc}", None
    report = check(problem, solution)
    if not report.ok or report.evaluation is None:
        return "FAILED: " + "; ".join(report.violations[:1]), None
    return "ok", report.evaluation.terms[problem.objective[0]]


def main(argv: list[str] | None = None) -> int:
    """Solve every instance, print and write the table; see the module docstring."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.peer and importlib.util.find_spec("pyjobshop") is None:
        print(
            f"--peer pyjobshop needs PyJobShop, which is not installed: "
            f"install the bench extra ({BENCH_EXTRA})",
            file=sys.stderr,
        )
        return 2
    known_file = args.data / "known-values.csv"
    known = read_known_values(known_file) if known_file.is_file() else {}
    head = preamble(args, argv)
    print("\n".join(head) + "\n\n" + markdown_header(bool(args.peer)), flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mtosched-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for k, instance in enumerate(args.instances, start=1):
            print(f"[{k}/{len(args.instances)}] {instance.name}", file=sys.stderr)
            row = solve_instance(instance, known, folder, args)
            rows.append(row)
            print(markdown_row(row, bool(args.peer)), flush=True)
            if args.out:
                write_tables(args.out, head, rows, bool(args.peer))
    print(markdown_summary(summarize(rows), bool(args.peer)))
    if args.out:
        print(f"\nwrote {args.out}.csv and {args.out}.md", file=sys.stderr)
    return 1 if any(r.check.startswith("FAILED") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
