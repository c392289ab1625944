"""Shared pieces of the sweep tests: overlays of a small plant and clusters.

configurable-options.json solves to optimality in well under a second, so
a cell's objective is the same on a worker as in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed import LocalCluster

from tests.helpers import INSTANCES, write_json

BASE = INSTANCES / "configurable-options.json"


def _first_order() -> dict[str, Any]:
    data = json.loads(BASE.read_text(encoding="utf-8"))
    order = dict(data["orders"][0])
    order.pop("x-note", None)
    return order


def write_overlays(folder: Path) -> dict[str, Path]:
    """Three overlays that change the answer: a rush, a breakdown, an objective."""
    rush = {**_first_order(), "due": "2026-11-30T07:00:00Z", "priority": 5}
    return {
        "rush": write_json(folder / "rush.json", {"orders": [rush]}),
        "weld-down": write_json(
            folder / "weld-down.json",
            {
                "downtime": [
                    {
                        "machine": "WELD-1",
                        "from": "2026-11-30T06:00:00Z",
                        "to": "2026-11-30T12:00:00Z",
                    }
                ]
            },
        ),
        "makespan": write_json(
            folder / "makespan.json", {"objective": {"terms": ["makespan"]}}
        ),
    }


def write_impossible(folder: Path) -> Path:
    """An overlay with a deadline no schedule meets: the cell is infeasible."""
    order = {**_first_order(), "deadline": "2026-11-30T06:30:00Z"}
    return write_json(folder / "impossible.json", {"orders": [order]})


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def dask_command() -> list[str]:
    """The `dask` command line tool of this environment."""
    found = shutil.which("dask") or str(Path(sys.executable).parent / "dask")
    return [found]


@contextmanager
def dask_processes(workers: int = 2) -> Iterator[str]:
    """A real `dask scheduler` and `dask worker` processes on 127.0.0.1.

    Yields the scheduler's address; every process is stopped on leaving,
    killed if it does not end within a few seconds.
    """
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    processes = [
        subprocess.Popen(
            [
                *dask_command(),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                ":0",
            ],
            env=env,
            **common,
        )
    ]
    try:
        _wait_for_port(port, seconds=60)
        for _ in range(workers):
            processes.append(
                subprocess.Popen(
                    [
                        *dask_command(),
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                    ],
                    env=env,
                    **common,
                )
            )
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=90)
        yield address
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_for_port(port: int, *, seconds: float) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port} after {seconds} s")


@contextmanager
def local_cluster() -> Iterator[str]:
    """Two single-threaded worker processes; the scheduler's address."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    ) as local:
        yield str(local.scheduler_address)
