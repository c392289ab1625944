"""Sweeps on a real local Dask cluster of two worker processes (no mocks).

Each cell must equal a plain solve of the same merged scenario with the
same seed and one worker; failures are rows; reruns reuse finished cells;
a worker killed mid-sweep loses nothing; the portfolio keeps its best.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from mtosched import SolveParams, build_problem, load_scenario, solve, sweep
from mtosched.params import StopRequest
from mtosched.sweep import EXIT_PARTIAL, SweepProgress, apply_overlay, read_overlay
from mtosched.sweep.portfolio import member_settings
from tests.helpers import INSTANCES, assert_checked, write_json
from tests.helpers.sweeps import BASE, write_impossible, write_overlays

LIMIT = 3.0


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two single-threaded worker processes, shut down after the module."""
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    with cluster, Client(cluster) as connected:
        yield connected


def test_every_cell_equals_a_plain_solve_of_the_merged_files(
    client: Client, tmp_path: Path
) -> None:
    """4 variants x 1 seed: objectives as `schedule --workers 1`, all checked."""
    overlays = write_overlays(tmp_path)
    out = tmp_path / "out"
    result = sweep(
        BASE,
        overlays,
        SolveParams(time_limit=LIMIT),
        seeds=(3,),
        client=client,
        out=out,
        formats=(".html",),
    )
    assert [row.variant for row in result.rows] == ["base", *overlays]
    assert result.exit_code == 0
    base = load_scenario(BASE)
    for row in result.rows:
        merged = (
            base
            if row.variant == "base"
            else apply_overlay(base, read_overlay(overlays[row.variant]))
        )
        plain = solve(merged, SolveParams(time_limit=LIMIT, workers=1, seed=3))
        assert plain.status == "optimal"
        assert row.objective == plain.objective, row.variant
        assert_checked(build_problem(merged), result.schedules[row.variant])
    # the overlays really change the answer
    figures = {tuple(row.objective.items()) for row in result.rows}
    assert len(figures) == 4
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary) == {"rows", "best"}
    assert summary["best"] == {name: 3 for name in ("base", *overlays)}
    keys = {"variant", "seed", "status", "objective", "kpis", "seconds", "error"}
    assert all(set(row) == keys for row in summary["rows"])
    for name in (
        "summary.csv",
        "summary.xlsx",
        "summary.html",
        "rush.json",
        "rush.html",
    ):
        assert (out / name).stat().st_size > 0, name
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "<svg" in page and "http" not in page.replace("http://www.w3.org", "")


def test_a_failing_variant_is_reported_and_a_rerun_skips_finished_cells(
    client: Client, tmp_path: Path
) -> None:
    """An infeasible and an invalid variant fail alone; the rerun runs nothing."""
    overlays = {
        "rush": write_overlays(tmp_path)["rush"],
        "impossible": write_impossible(tmp_path),
        "typo": write_json(
            tmp_path / "typo.json",
            {
                "downtime": [
                    {
                        "machine": "WELD-9",
                        "from": "2026-11-30T06:00:00Z",
                        "to": "2026-11-30T07:00:00Z",
                    }
                ]
            },
        ),
    }
    out = tmp_path / "out"
    params = SolveParams(time_limit=LIMIT)
    first = sweep(BASE, overlays, params, seeds=(0, 1), client=client, out=out)
    status = {(row.variant, row.seed): row.status for row in first.rows}
    assert status == {
        ("base", 0): "optimal", ("base", 1): "optimal",
        ("rush", 0): "optimal", ("rush", 1): "optimal",
        ("impossible", 0): "infeasible", ("impossible", 1): "infeasible",
        ("typo", 0): "invalid", ("typo", 1): "invalid",
    }  # fmt: skip
    failed = {row.variant: row.error or "" for row in first.failed}
    assert "deadline" in failed["impossible"]
    assert "typo.json: downtime[0].machine" in failed["typo"]
    assert first.exit_code == EXIT_PARTIAL
    assert set(first.best) == {"base", "rush"}
    assert not (out / "impossible.json").exists()

    began = time.monotonic()
    again = sweep(BASE, overlays, params, seeds=(0, 1), client=client, out=out)
    assert time.monotonic() - began < LIMIT  # nothing was solved again
    ran = [row for row in again.rows if row.status != "invalid"]
    assert all(row.cached for row in ran)
    assert [r.objective for r in again.rows] == [r.objective for r in first.rows]


def test_a_worker_killed_mid_sweep_loses_no_row(tmp_path: Path) -> None:
    """SIGKILL one worker while it solves: Dask reruns its task elsewhere."""
    shop = INSTANCES / "shopfloor-small.json"  # uses its whole time limit
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as own,
    ):
        pids: dict[str, int] = own.run(os.getpid)
        killed: list[int] = []

        def kill_a_busy_worker() -> None:
            until = time.monotonic() + 60
            while time.monotonic() < until and not killed:
                busy = [w for w, keys in own.processing().items() if keys]
                if busy:
                    time.sleep(1.0)  # well inside the solve
                    os.kill(pids[busy[0]], signal.SIGKILL)
                    killed.append(pids[busy[0]])
                time.sleep(0.1)

        killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
        killer.start()
        result = sweep(
            shop, {}, SolveParams(time_limit=LIMIT), seeds=(0, 1, 2, 3), client=own
        )
        killer.join(timeout=60)
    assert killed, "no worker was busy to kill"
    assert [row.seed for row in result.rows] == [0, 1, 2, 3]
    assert all(row.ok for row in result.rows), result.failed
    problem = build_problem(load_scenario(shop))
    assert_checked(problem, result.schedules["base"])


def test_the_portfolio_is_never_worse_than_its_best_member(client: Client) -> None:
    """Three members; each member's own solve is optimal, so equal at best."""
    scenario = load_scenario(BASE)
    address = client.scheduler.address
    params = SolveParams(time_limit=LIMIT, workers=1, portfolio=3, cluster=address)
    best = solve(scenario, params)
    assert_checked(build_problem(scenario), best)
    members = [
        solve(scenario, SolveParams(time_limit=LIMIT, workers=1, seed=s, search=p))
        for s, p in member_settings(params, 3)
    ]
    ranks = [tuple(m.objective.values()) for m in members]
    assert tuple(best.objective.values()) <= min(ranks)


def test_a_stop_request_cancels_pending_cells_and_keeps_finished_ones(
    client: Client, tmp_path: Path
) -> None:
    """What Ctrl-C does: stop after the first cell; the folder keeps it."""
    stop = StopRequest()

    def stop_after_first(progress: SweepProgress) -> None:
        if progress.done >= 1:
            stop.request("SIGINT")

    out = tmp_path / "out"
    result = sweep(
        INSTANCES / "shopfloor-small.json",
        {},
        SolveParams(time_limit=LIMIT, stop=stop),
        seeds=range(8),
        client=client,
        out=out,
        on_progress=stop_after_first,
    )
    assert result.interrupted
    assert 1 <= len(result.rows) < 8
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["rows"]) == len(result.rows)
    assert (out / "base.json").exists()
