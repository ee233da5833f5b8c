"""Throughput and latency of the real server over stdio and TCP (not a test).

Starts ``rholang-lsp serve`` as a subprocess, initializes, then measures
``rholang/ping`` round trips: sequential (send, wait for the reply, repeat)
and pipelined (N requests in flight, pre-encoded frames). Prints a table.

    .venv/bin/python -m benchmarks.bench_throughput [--sequential 2000] [--pipelined 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections.abc import Awaitable, Callable

from rholang_lsp.protocol.framing import encode_frame, read_frame

SERVER = [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--log-level", "info"]
Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


def _req(rid: int, method: str, params: str = "null") -> bytes:
    return encode_frame(
        b'{"jsonrpc":"2.0","id":%d,"method":"%s","params":%s}'
        % (rid, method.encode(), params.encode())
    )


async def _initialize(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(_req(0, "initialize", '{"capabilities":{}}'))
    writer.write(encode_frame(b'{"jsonrpc":"2.0","method":"initialized","params":{}}'))
    await writer.drain()
    assert await read_frame(reader) is not None


async def sequential(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> float:
    frames = [_req(i + 1, "rholang/ping") for i in range(n)]
    t0 = time.perf_counter()
    for frame in frames:
        writer.write(frame)
        await writer.drain()
        body = await read_frame(reader)
        assert body is not None and b'"result"' in body
    return time.perf_counter() - t0


async def pipelined(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> float:
    data = b"".join(_req(i + 1, "rholang/ping") for i in range(n))

    async def write() -> None:
        for i in range(0, len(data), 1 << 16):
            writer.write(data[i : i + (1 << 16)])
            await writer.drain()

    t0 = time.perf_counter()
    w = asyncio.create_task(write())
    for _ in range(n):
        body = await read_frame(reader)
        assert body is not None
    await w
    return time.perf_counter() - t0


async def _stdio() -> tuple[Conn, Callable[[], Awaitable[None]]]:
    proc = await asyncio.create_subprocess_exec(
        *SERVER, "--stdio", stdin=-1, stdout=-1, limit=1 << 16
    )
    assert proc.stdout is not None and proc.stdin is not None

    async def stop() -> None:
        proc.terminate()
        await proc.wait()

    return (proc.stdout, proc.stdin), stop


async def _tcp() -> tuple[Conn, Callable[[], Awaitable[None]]]:
    proc = await asyncio.create_subprocess_exec(*SERVER, "--socket", "--port", "0", stderr=-1)
    assert proc.stderr is not None
    log_level_line = await proc.stderr.readline()
    m = re.search(rb"tcp://([\d.]+):(\d+)", log_level_line)
    while m is None:
        line = await proc.stderr.readline()
        if not line:
            raise RuntimeError("server did not start")
        m = re.search(rb"tcp://([\d.]+):(\d+)", line)
    reader, writer = await asyncio.open_connection(m[1].decode(), int(m[2]), limit=1 << 16)

    async def stop() -> None:
        writer.close()
        proc.terminate()
        await proc.wait()

    return (reader, writer), stop


async def run(
    sequential_n: int = 2000, pipelined_n: int = 20000, repeats: int = 3
) -> list[tuple[str, str, int, float, float]]:
    """``(transport, mode, requests, req/s, us/req)`` per transport and mode (best of ``repeats``)."""
    rows = []
    for name, start in (("stdio", _stdio), ("tcp", _tcp)):
        (reader, writer), stop = await start()
        await _initialize(reader, writer)
        await sequential(reader, writer, 200)  # warm-up
        for mode, fn, n in (
            ("sequential", sequential, sequential_n),
            ("pipelined", pipelined, pipelined_n),
        ):
            best = min([await fn(reader, writer, n) for _ in range(repeats)])
            rows.append((name, mode, n, n / best, best / n * 1e6))
        await stop()
    return rows


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sequential", type=int, default=2000)
    ap.add_argument("--pipelined", type=int, default=20000)
    args = ap.parse_args()
    rows = await run(args.sequential, args.pipelined)
    print(f"{'transport':<10} {'mode':<11} {'requests':>9} {'req/s':>10} {'us/req':>8}")
    for name, mode, n, rate, us in rows:
        print(f"{name:<10} {mode:<11} {n:>9} {rate:>10,.0f} {us:>8.1f}")


if __name__ == "__main__":
    asyncio.run(main())
