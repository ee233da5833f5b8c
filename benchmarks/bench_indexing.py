"""Indexing benchmark (not a test): ``python -m benchmarks.bench_indexing [--quick]``.

* initialize round trip (in-process server, memory transport) with 0, 1,000, 5,000 files;
* cold index time and files/s with 2 workers and 1 worker (no cache);
* warm start with the cache;
* the longest event-loop stall during a cold index (a 1 ms ticker task).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import MemoryTransport

from benchmarks.workspace_gen import generate_workspace
from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.server.server import Server, ServerOptions
from rholang_lsp.workspace.cache import IndexCache
from rholang_lsp.workspace.indexer import WorkspaceIndexer, start_executor
from rholang_lsp.workspace.shared import BackendOptions


def _pair() -> tuple[MemoryTransport, MemoryTransport]:
    a: asyncio.Queue[bytes | None] = asyncio.Queue()
    b: asyncio.Queue[bytes | None] = asyncio.Queue()
    return MemoryTransport("client", a, b), MemoryTransport("server", b, a)


async def initialize_rtt(root: Path, rounds: int = 30) -> float:
    server = Server(ServerOptions(backend=BackendOptions(use_cache=False)))
    times = []
    for _ in range(rounds):
        c, s = _pair()
        task = asyncio.ensure_future(server.serve(s))
        client = JsonRpcClient(c)
        t0 = time.perf_counter()
        await client.request("initialize", {"processId": None, "capabilities": {},
                                            "rootUri": root.as_uri()})
        times.append(time.perf_counter() - t0)
        await client.close()
        await task
    server.stop()
    await server.backend.close()
    return statistics.median(times)


async def cold_index(root: Path, workers: int, cache_dir: Path | None) -> dict[str, Any]:
    executor = await start_executor(workers)
    stalls: list[float] = []
    try:
        cache = IndexCache(root, directory=cache_dir, enabled=cache_dir is not None)
        cache.clear()
        idx = WorkspaceIndexer(root, executor=executor, cache=cache)
        run = asyncio.ensure_future(idx.run())
        last = time.perf_counter()
        while not run.done():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            stalls.append(now - last - 0.001)
            last = now
        stats = await run
    finally:
        executor.shutdown(wait=True)
    return {"seconds": stats.seconds, "files_per_s": stats.files / stats.seconds,
            "max_stall_ms": max(stalls) * 1000, "p99_stall_ms": sorted(stalls)[int(len(stalls) * 0.99)] * 1000}


async def warm_index(root: Path, cache_dir: Path) -> float:
    idx = WorkspaceIndexer(root, cache=IndexCache(root, directory=cache_dir))
    stats = await idx.run()
    assert stats.read == 0, stats
    return stats.seconds


async def measure(quick: bool, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Every measurement, as a dict (also printed line by line through ``say``)."""
    sizes = [1000] if quick else [1000, 5000]
    out: dict[str, Any] = {"initialize_ms": {}, "cold": {}, "warm_ms": {}}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        empty = base / "empty"
        empty.mkdir()
        roots = {n: generate_workspace(base / f"ws{n}", n).root for n in sizes}
        say("initialize round trip (median of 30):")
        t_empty = await initialize_rtt(empty)
        out["initialize_ms"][0] = t_empty * 1000
        say(f"  0 files: {t_empty * 1000:.2f} ms")
        for n, root in roots.items():
            t = await initialize_rtt(root)
            out["initialize_ms"][n] = t * 1000
            say(f"  {n} files: {t * 1000:.2f} ms ({t / t_empty:.2f}x empty)")
        for n, root in roots.items():
            for workers in (2, 1):
                cache_dir = base / f"cache{n}" if workers == 2 else None
                r = await cold_index(root, workers, cache_dir)
                out["cold"][f"{n}/{workers}"] = r
                say(f"cold index {n} files, {workers} worker(s): {r['seconds']:.2f} s, "
                    f"{r['files_per_s']:.0f} files/s, loop stall max {r['max_stall_ms']:.1f} ms "
                    f"(p99 {r['p99_stall_ms']:.2f} ms)")
            warm = min([await warm_index(root, base / f"cache{n}") for _ in range(3)])
            cold = (await cold_index(root, 2, base / f"cache{n}"))["seconds"]
            await warm_index(root, base / f"cache{n}")
            out["warm_ms"][n] = warm * 1000
            say(f"warm start {n} files (cache): {warm * 1000:.0f} ms ({cold / warm:.0f}x faster than cold)")
    return out


def run(quick: bool = False) -> dict[str, Any]:
    """For the benchmark suite: the measurements as a dict (nothing printed)."""
    return asyncio.run(measure(quick, say=lambda _line: None))


async def main(quick: bool) -> None:
    await measure(quick)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    asyncio.run(main(ap.parse_args().quick))
