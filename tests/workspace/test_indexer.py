"""Background indexer: discovery, workers, per-file failures, cache, epochs, responsiveness."""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from benchmarks.workspace_gen import generate_workspace

from rholang_lsp.workspace.cache import IndexCache
from rholang_lsp.workspace.indexer import WorkspaceIndexer, discover_files
from rholang_lsp.workspace.state import IndexingPhase, IndexingState

GOOD = 'new out in { contract @"{name}"(@x) = { out!(x) } }'


def _write(p: Path, text: str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def _contract(name: str) -> str:
    return GOOD.replace("{name}", name)


def test_discovery_skips_excluded_and_outside_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    _write(root / "a.rho", "Nil")
    _write(root / "sub" / "b.rho", "Nil")
    _write(root / "node_modules" / "c.rho", "Nil")
    _write(root / ".git" / "d.rho", "Nil")
    _write(root / "notes.txt", "x")
    outside = _write(tmp_path / "outside" / "e.rho", "Nil")
    os.symlink(outside, root / "link.rho")
    os.symlink(outside.parent, root / "linkdir")
    found = [Path(f.path).relative_to(root).as_posix() for f in discover_files(root)]
    assert found == ["a.rho", "sub/b.rho"]


def test_state_values() -> None:
    s = IndexingState.in_progress(200, 50)
    assert s.percentage == 25 and not s.is_settled
    assert s.with_progress(200).percentage == 100
    c = IndexingState.complete(200, 1.5)
    assert c.is_settled and c.to_json() == {"state": "complete", "totalFiles": 200, "duration": 1.5}
    f = IndexingState.failed("boom")
    assert f.is_settled and f.to_json()["error"] == "boom"


async def test_inline_index_and_per_file_failures(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    _write(root / "a.rho", _contract("alpha"))
    _write(root / "b.rho", _contract("beta"))
    (root / "bad.rho").write_bytes(b"\xff\xfe not utf-8")
    big = _write(root / "big.rho", "Nil " * 100)
    idx = WorkspaceIndexer(root, max_file_bytes=200)
    states: list[IndexingPhase] = []
    idx.add_state_listener(lambda s: states.append(s.phase))
    stats = await idx.run()
    assert idx.state.phase is IndexingPhase.COMPLETE
    assert stats.files == 2 and stats.skipped == 2
    assert {p for p, _ in stats.errors} == {str(root / "bad.rho"), str(big)}
    assert [u for u, _ in idx.index.definitions('@"alpha"')] == [(root / "a.rho").as_uri()]
    assert states[0] is IndexingPhase.IN_PROGRESS and states[-1] is IndexingPhase.COMPLETE


async def test_worker_pool_and_warm_cache(tmp_path: Path, pool: ProcessPoolExecutor) -> None:
    root = tmp_path / "ws"
    info = generate_workspace(root, 120)
    cache_dir = tmp_path / "cache"
    cold = WorkspaceIndexer(root, executor=pool, cache=IndexCache(root, directory=cache_dir))
    stats = await cold.run()
    assert stats.files == 120 and stats.parsed == 120 and stats.from_cache == 0
    assert stats.bytes == info.total_bytes

    # change one file, delete one, add one; the rest must not be read
    changed = info.files[3]
    changed.write_text(changed.read_text() + "\n// edited\n")
    os.utime(changed, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    info.files[5].unlink()
    _write(root / "new.rho", _contract("fresh"))
    warm = WorkspaceIndexer(root, executor=pool, cache=IndexCache(root, directory=cache_dir))
    stats2 = await warm.run()
    assert stats2.from_cache == 118
    assert stats2.read == 2 and stats2.parsed == 2
    assert stats2.files == 120
    assert warm.index.definitions('@"fresh"')
    for uri in cold.index.uris():
        if uri not in (info.files[3].as_uri(), info.files[5].as_uri()):
            assert warm.index.get(uri) == cold.index.get(uri)


async def test_touch_without_change_is_not_parsed(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    a = _write(root / "a.rho", _contract("alpha"))
    cache_dir = tmp_path / "cache"
    await WorkspaceIndexer(root, cache=IndexCache(root, directory=cache_dir)).run()
    os.utime(a, ns=(time.time_ns(), time.time_ns() + 5_000_000))
    idx = WorkspaceIndexer(root, cache=IndexCache(root, directory=cache_dir))
    stats = await idx.run()
    assert stats.read == 1 and stats.parsed == 0 and stats.files == 1


async def test_reindex_and_remove(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    a = _write(root / "a.rho", _contract("alpha"))
    idx = WorkspaceIndexer(root)
    await idx.run()
    updates: list[frozenset[str]] = []
    idx.add_update_listener(updates.append)
    a.write_text(_contract("gamma"))
    os.utime(a, ns=(time.time_ns(), time.time_ns() + 5_000_000))
    changed = await idx.reindex([str(a), str(tmp_path / "elsewhere.rho")])
    assert changed == {a.as_uri()}
    assert idx.index.definitions('@"gamma"') and not idx.index.definitions('@"alpha"')
    assert await idx.reindex([str(a)]) == frozenset()  # same size+mtime: nothing read
    a.unlink()
    assert await idx.reindex([str(a)]) == {a.as_uri()}
    assert len(idx.index) == 0
    assert updates == [{a.as_uri()}, {a.as_uri()}]


async def test_newer_read_wins_over_older_batch(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    a = _write(root / "a.rho", _contract("old"))
    idx = WorkspaceIndexer(root)
    run = asyncio.ensure_future(idx.run())
    # while the run has (possibly) read the old text, the file changes and is re-indexed
    await asyncio.sleep(0)
    a.write_text(_contract("new_name"))
    os.utime(a, ns=(time.time_ns(), time.time_ns() + 5_000_000))
    idx._bump(str(a))
    await run
    await idx.reindex([str(a)])
    assert idx.index.definitions('@"new_name"')
    assert not idx.index.definitions('@"old"')


async def test_loop_stays_responsive(tmp_path: Path, pool: ProcessPoolExecutor) -> None:
    root = tmp_path / "ws"
    generate_workspace(root, 300)
    idx = WorkspaceIndexer(root, executor=pool)
    stalls: list[float] = []
    run = asyncio.ensure_future(idx.run())
    last = time.perf_counter()
    while not run.done():
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        stalls.append(now - last)
        last = now
    await run
    assert idx.state.phase is IndexingPhase.COMPLETE
    stalls.sort()
    # the loop turned over all the time; a rare GC pause aside, no long stall
    assert stalls[-2] < 0.05, stalls[-5:]


async def test_whole_run_failure_sets_failed_state(tmp_path: Path) -> None:
    class Broken:
        _max_workers = 2

        def submit(self, *a: object, **k: object) -> object:
            raise RuntimeError("pool is broken")

    root = tmp_path / "ws"
    generate_workspace(root, 20)
    idx = WorkspaceIndexer(root, executor=Broken())  # type: ignore[arg-type]
    await idx.run()
    assert idx.state.phase is IndexingPhase.FAILED
    assert "pool is broken" in idx.state.error
    assert idx.settled


@pytest.mark.parametrize("n", [0, 1])
async def test_empty_or_tiny_workspace(tmp_path: Path, n: int) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    if n:
        _write(root / "a.rho", _contract("alpha"))
    idx = WorkspaceIndexer(root)
    stats = await idx.run()
    assert stats.files == n and idx.state.phase is IndexingPhase.COMPLETE


async def test_time_slicer_yields_to_the_loop_only_when_the_slice_is_over() -> None:
    import asyncio

    from rholang_lsp.workspace.indexer import TimeSlicer

    ran: list[int] = []

    async def other() -> None:
        ran.append(1)

    long = TimeSlicer(seconds=3600.0)
    task = asyncio.ensure_future(other())
    for _ in range(100):
        await long.maybe_yield()
    assert ran == [] and not long.due()  # never paused: the other task did not run
    short = TimeSlicer(seconds=0.0)
    while not short.due():
        pass
    await short.maybe_yield()
    assert ran == [1]  # one pause let it run
    await task
