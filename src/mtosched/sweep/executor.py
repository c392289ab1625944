"""Independent solves on Dask: a local cluster by default, any by address.

The only module that talks to Dask. A task carries its scenario as JSON
text and returns plain data, so workers need no shared folder; the client
writes every file. A worker that dies takes its tasks with it: the Dask
scheduler reruns them elsewhere (up to its `allowed-failures`, 3 by
default), and `RETRIES` reruns a task whose call raised outside the
worker's own guard (unpickling on a worker with another version, say).
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from distributed import Client, Future, LocalCluster, as_completed

from mtosched.sweep.address import CLUSTER_ENV, cluster_address
from mtosched.sweep.cells import CellOutcome, CellTask, SweepRow
from mtosched.sweep.errors import ClusterError
from mtosched.sweep.worker import run_cell

__all__ = [
    "CLUSTER_ENV",
    "cluster_address",
    "dask_client",
    "local_workers",
    "map_in_order",
    "run_tasks",
    "worker_slots",
]

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Reruns of a task that raised (a dead worker's tasks are rerun anyway).
RETRIES = 2
#: Seconds to wait for a remote scheduler to answer.
CONNECT_SECONDS = 10
#: How often the wait for results looks at the stop request.
POLL_SECONDS = 0.2


def local_workers() -> int:
    """One worker process per core: each solve is single-threaded by default."""
    return max(1, os.cpu_count() or 1)


@contextmanager
def dask_client(
    address: str | None = None, *, workers: int | None = None
) -> Iterator[Client]:
    """A client of the cluster at `address`, or of a local cluster we own.

    The local cluster runs `workers` processes (default: one per core) of
    one thread each, since CP-SAT holds the GIL-free threads of its own;
    it is shut down on leaving, so no worker process outlives the call.
    """
    target = cluster_address(address)
    if target is not None:
        try:
            client = Client(target, timeout=f"{CONNECT_SECONDS}s")
        except (OSError, TimeoutError, ValueError) as exc:
            message = f"cannot reach the Dask scheduler at {target}: {exc}"
            raise ClusterError(message) from None
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(
        n_workers=workers or local_workers(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def worker_slots(client: Client) -> int:
    """Tasks the cluster runs at once (its worker threads)."""
    threads: dict[str, int] = client.nthreads()
    return max(1, sum(threads.values()))


def run_tasks(
    client: Client,
    tasks: Sequence[CellTask],
    on_done: Callable[[CellOutcome], None],
    *,
    stop: Callable[[], bool] | None = None,
) -> bool:
    """Run `tasks`, calling `on_done` as each finishes; True when stopped.

    A stop request cancels the tasks not yet finished; those done have
    been handed to `on_done` already. A task lost for good (its workers
    kept dying) comes back as an "error" row, never as an exception.
    """
    futures: dict[Future[CellOutcome], CellTask] = {}
    for task in tasks:
        name = f"mtosched-{task.variant}-{task.seed}-{uuid.uuid4().hex[:8]}"
        future = client.submit(run_cell, task, key=name, pure=False, retries=RETRIES)
        futures[future] = task
    waiting = as_completed(list(futures))
    left = len(futures)
    while left:
        if stop is not None and stop():
            client.cancel([f for f in futures if not f.done()])
            return True
        batch = waiting.next_batch(block=False)
        if not batch:
            time.sleep(POLL_SECONDS)
            continue
        for future in batch:
            left -= 1
            on_done(_outcome(future, futures[future]))
    return False


def _outcome(future: Future[CellOutcome], task: CellTask) -> CellOutcome:
    """The task's result, or an "error" row saying why it has none."""
    try:
        result = future.result()
    except Exception as exc:
        error = f"task lost: {type(exc).__name__}: {exc}"
        return CellOutcome(
            SweepRow(task.variant, task.seed, "error", error=error, key=task.key)
        )
    if not isinstance(result, CellOutcome):
        error = f"task returned {type(result).__name__}, not a cell outcome"
        return CellOutcome(
            SweepRow(task.variant, task.seed, "error", error=error, key=task.key)
        )
    return result


def map_in_order(
    client: Client,
    function: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    label: str,
) -> list[Result | ClusterError]:
    """`function` of every item, run on the cluster, in the items' order.

    For jobs that the caller needs all of before it goes on (explain's
    levers, quote's candidates), so there is no stop request to watch.
    `function` should return its failures, not raise them: a raise is
    retried like a lost worker, and what still fails (a task lost for
    good) comes back as a `ClusterError` in its place.
    """
    tag = uuid.uuid4().hex[:8]
    futures = [
        client.submit(
            function,
            item,
            key=f"mtosched-{label}-{i}-{tag}",
            pure=False,
            retries=RETRIES,
        )
        for i, item in enumerate(items)
    ]
    results: list[Result | ClusterError] = []
    for future in futures:
        try:
            results.append(future.result())
        except Exception as exc:  # KilledWorker, a cancelled or lost task
            message = f"task lost: {type(exc).__name__}: {exc}"
            results.append(ClusterError(message))
    return results
