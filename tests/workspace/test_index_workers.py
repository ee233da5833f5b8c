"""Indexing workers (issue 19, row 9): how many run (one per idle core), and the GC
control inside a worker leaves the results unchanged."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import msgspec
import pytest
from benchmarks.workspace_gen import generate_workspace

from rholang_lsp.workspace import workers
from rholang_lsp.workspace.cache import IndexCache
from rholang_lsp.workspace.indexer import WorkspaceIndexer
from rholang_lsp.workspace.workers import FileJob, active_workers, index_batch


def test_active_workers_one_per_idle_core() -> None:
    assert active_workers(2, None) == 2  # unknown: the whole pool
    assert active_workers(2, 0.2) == 1  # at least one
    assert active_workers(2, 1.0) == 1  # one core busy elsewhere: one worker
    assert active_workers(2, 1.6) == 2
    assert active_workers(2, 7.0) == 2
    assert active_workers(1, 2.0) == 1


def test_free_cores_is_a_fraction_of_this_machine() -> None:
    free = workers.measure_free_cores(0.02)
    if free is not None:  # Linux
        assert 0.0 <= free <= workers.default_workers()


class CountingPool(Executor):
    """A process pool that records how many batches were in flight at once."""

    def __init__(self, inner: ProcessPoolExecutor) -> None:
        self.inner = inner
        self._max_workers = inner._max_workers  # type: ignore[attr-defined]
        self._lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.sizes: list[int] = []  # files per submitted batch

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            self.sizes.append(len(args[0]))
        fut = self.inner.submit(fn, *args, **kwargs)
        fut.add_done_callback(self._done)
        return fut

    def _done(self, _f: Future[Any]) -> None:
        with self._lock:
            self.in_flight -= 1


@pytest.mark.parametrize(("free", "expected"), [(1.0, 1), (2.0, 2), (None, 2)])
async def test_workers_follow_the_idle_cores(
    tmp_path: Path, pool: ProcessPoolExecutor, free: float | None, expected: int
) -> None:
    root = tmp_path / "ws"
    generate_workspace(root, 100)
    counting = CountingPool(pool)
    idx = WorkspaceIndexer(
        root, executor=counting, cache=IndexCache(root, enabled=False), batch_size=4
    )
    idx.free_cores = lambda: free
    stats = await idx.run()
    assert stats.parsed == 100 and len(idx.index) == 100
    assert idx.last_workers == expected
    if expected == 1:
        assert counting.most == 1  # never a second batch that another worker would take
    else:
        assert 2 <= counting.most <= 4
    # batches shrink towards the end, so that the workers finish together
    assert sum(counting.sizes) == 100 and min(counting.sizes[:-1]) >= 2
    assert counting.sizes[0] == 4 and counting.sizes[-1] < 4


def test_gc_control_in_a_worker_leaves_results_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = generate_workspace(tmp_path / "ws", 6)
    jobs = [FileJob(str(p), p.as_uri(), p.stat().st_size, 0) for p in info.files]
    plain = index_batch(jobs, "f1r3fly", 1 << 20)
    monkeypatch.setattr(workers, "_IN_WORKER", True)
    monkeypatch.setattr(workers, "_frozen", True)  # no gc.freeze in the test process
    controlled = index_batch(jobs, "f1r3fly", 1 << 20)
    assert gc.isenabled()
    decode = msgspec.msgpack.Decoder(list[workers.FileResult]).decode
    assert decode(controlled) == decode(plain)
    assert all(r.entry is not None for r in decode(controlled))


async def test_cold_run_parses_in_process_while_the_pool_starts(
    tmp_path: Path, pool: ProcessPoolExecutor
) -> None:
    """On a cold start the pool is asked for right after discovery; until it is ready
    this process parses files itself, then the workers take the rest."""
    root = tmp_path / "ws"
    generate_workspace(root, 60)
    ready = asyncio.Event()
    calls: list[int] = []
    merged: list[int] = []

    async def factory() -> Executor:
        calls.append(len(merged))
        await ready.wait()
        return pool

    idx = WorkspaceIndexer(
        root,
        cache=IndexCache(root, directory=tmp_path / "cache"),  # enabled, no file yet: cold
        executor_factory=factory,
        batch_size=4,
    )
    idx.free_cores = lambda: 2.0

    def on_update(uris: frozenset[str]) -> None:
        merged.append(len(uris))
        if len(merged) == 5:
            ready.set()  # the pool is "ready" after five files were parsed here

    idx.add_update_listener(on_update)
    stats = await idx.run()
    assert calls == [0]  # asked for once, before any file was merged
    assert merged[:5] == [1, 1, 1, 1, 1]  # one file per loop turn in this process
    assert stats.parsed == 60 and len(idx.index) == 60
    assert idx.last_workers == 2  # the rest went to the pool
