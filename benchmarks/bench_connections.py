"""Connections benchmark (not a test): ``python -m benchmarks.bench_connections [--quick]``.

One server subprocess on TCP over a generated 1,000-file workspace:
* server RSS with 1, 10 and 50 idle initialized connections (MiB per extra connection);
* reconnection time on a warm root: connect -> initialize -> initialized -> first definition answered;
* aggregate requests/s (hover on an open document) with 1, 8 and 32 concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from benchmarks.workspace_gen import WorkspaceInfo, generate_workspace
from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.transports.stream import connect_tcp


async def start_server(cache: Path) -> tuple[asyncio.subprocess.Process, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--socket", "--port", "0",
        "--index-cache-dir", str(cache), "--log-level", "info",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    while True:
        line = await asyncio.wait_for(proc.stderr.readline(), 20)
        m = re.search(rb"listening on tcp://[\d.]+:(\d+)", line)
        if m:
            break
        if not line:
            raise RuntimeError("server did not start")
    asyncio.ensure_future(_drain(proc))
    return proc, int(m.group(1))


async def _drain(proc: asyncio.subprocess.Process) -> None:
    assert proc.stderr is not None
    while await proc.stderr.readline():
        pass


async def connect(port: int, info: WorkspaceInfo) -> JsonRpcClient:
    c = JsonRpcClient(await connect_tcp("127.0.0.1", port), {"window/workDoneProgress/create": lambda p: None})
    await c.request("initialize", {"processId": None, "capabilities": {},
                                   "workspaceFolders": [{"uri": info.root.as_uri(), "name": "ws"}]})
    c.notify("initialized", {})
    return c


def _pos(info: WorkspaceInfo, kind: str) -> tuple[Path, dict[str, Any]]:
    p = info.probes_of(kind)[0]  # type: ignore[arg-type]
    return info.root / p.file, {"line": p.line, "character": p.character}


async def main(quick: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        info = generate_workspace(Path(tmp) / "ws", 1000)
        proc, port = await start_server(Path(tmp) / "cache")
        ps = psutil.Process(proc.pid)
        first = await connect(port, info)
        await first.request("workspace/symbol", {"query": "svc_0001"}, timeout=120)  # waits for the index
        clients = [first]
        rss: dict[int, float] = {}
        for target in (1, 10, 50):
            while len(clients) < target:
                clients.append(await connect(port, info))
            await first.request("rholang/ping", None)
            await asyncio.sleep(0.5)  # let allocations settle before sampling (measurement only)
            rss[target] = ps.memory_info().rss / 2**20
        per = (rss[50] - rss[1]) / 49
        print(f"server RSS: 1 conn {rss[1]:.1f} MiB, 10 conns {rss[10]:.1f} MiB, 50 conns {rss[50]:.1f} MiB "
              f"({per * 1024:.0f} KiB per extra connection)")
        for c in clients[1:]:
            await c.close()
        clients = [first]

        path, pos = _pos(info, "global_send")
        times = []
        for _ in range(10 if quick else 30):
            t0 = time.perf_counter()
            c = await connect(port, info)
            c.notify("textDocument/didOpen", {"textDocument": {"uri": path.as_uri(), "languageId": "rholang",
                                                               "version": 1, "text": path.read_text()}})
            r = await c.request("textDocument/definition", {"textDocument": {"uri": path.as_uri()}, "position": pos})
            times.append(time.perf_counter() - t0)
            assert r, "no definition"
            await c.close()
        print(f"reconnect to first definition (warm root): median {statistics.median(times) * 1000:.1f} ms, "
              f"max {max(times) * 1000:.1f} ms")

        hpath, hpos = _pos(info, "local_var")
        per_client = 200 if quick else 1000
        for n in (1, 8, 32):
            cs = [await connect(port, info) for _ in range(n)]
            for c in cs:
                c.notify("textDocument/didOpen", {"textDocument": {"uri": hpath.as_uri(), "languageId": "rholang",
                                                                   "version": 1, "text": hpath.read_text()}})
                await c.request("rholang/ping", None)

            async def run(c: JsonRpcClient) -> None:
                batch = 50
                for _ in range(per_client // batch):
                    await asyncio.gather(*(c.request("textDocument/hover", {
                        "textDocument": {"uri": hpath.as_uri()}, "position": hpos}) for _ in range(batch)))

            t0 = time.perf_counter()
            await asyncio.gather(*(run(c) for c in cs))
            dt = time.perf_counter() - t0
            print(f"{n} concurrent client(s): {n * per_client / dt:.0f} hover req/s")
            for c in cs:
                await c.close()
        await first.close()
        proc.terminate()
        await proc.wait()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    asyncio.run(main(ap.parse_args().quick))
