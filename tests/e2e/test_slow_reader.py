"""A client that stops reading is dropped past ``--max-outbound-bytes``; the others go on.

One server subprocess (TCP and Unix socket) with a 1 MiB outbound bound. A raw
client initializes, asks the test-only ``rholang/_test/flood`` handler for
large notifications and never reads: its unsent output passes the bound, the
server logs it and closes that connection only. A well-behaved client keeps
getting answers throughout, and the server's memory comes back.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path

import psutil
import pytest
from tests.conftest import ServerProcess, SpawnServer

from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.transports.stream import connect_tcp, connect_unix

BOUND = 1024 * 1024
DROP_LOG = f"outbound queue over {BOUND} bytes (peer not reading)".encode()


@pytest.fixture(params=["tcp", "unix"])
async def server(
    request: pytest.FixtureRequest, spawn_server: SpawnServer, tmp_path: Path
) -> ServerProcess:
    extra = [
        "--index-cache-dir",
        str(tmp_path / "cache"),
        "--index-workers",
        "0",
        "--max-outbound-bytes",
        str(BOUND),
    ]
    if request.param == "tcp":
        return await spawn_server("--socket", "--port", "0", *extra)
    return await spawn_server("--pipe", str(tmp_path / "lsp.sock"), *extra)


def _frame(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def _raw_connect(sp: ServerProcess) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A raw connection with a small receive buffer (the kernel absorbs little of the flood)."""
    if sp.port:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (sp.host, sp.port))
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, sp.path)
    return await asyncio.open_connection(sock=sock)


async def _good_client(sp: ServerProcess) -> JsonRpcClient:
    transport = await (connect_tcp(sp.host, sp.port) if sp.port else connect_unix(sp.path))
    client = JsonRpcClient(transport)
    await client.request("initialize", {"processId": None, "capabilities": {}})
    client.notify("initialized", {})
    return client


async def test_slow_reader_is_dropped_others_keep_going(server: ServerProcess) -> None:
    good = await _good_client(server)
    proc = psutil.Process(server.proc.pid)
    # warm up the code paths (a flood the good client reads), then the memory baseline
    assert await good.request("rholang/_test/flood", {"count": 8, "size": 64 * 1024}) == 8
    baseline = proc.memory_info().rss

    reader, writer = await _raw_connect(server)
    writer.write(
        _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        + _frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        # up to 64 MiB of notifications: far past the bound plus what the kernel buffers
        + _frame(
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "rholang/_test/flood",
                "params": {"count": 256, "size": 256 * 1024},
            }
        )
    )
    await writer.drain()

    # the good client is answered while the slow one piles up output, until the drop is logged
    deadline = time.monotonic() + 20
    n = 0
    while not any(DROP_LOG in line for line in server.stderr_lines):
        assert time.monotonic() < deadline, "the slow reader was never dropped"
        n += 1
        assert (await good.request("rholang/ping", n, timeout=5))["pong"] == n
    assert server.proc.returncode is None

    # that connection is closed by the server: reading now ends with EOF
    async def read_to_eof() -> int:
        total = 0
        while chunk := await reader.read(1 << 20):
            total += len(chunk)
        return total

    received = await asyncio.wait_for(read_to_eof(), 10)
    assert received < 64 * 1024 * 1024  # it got cut off, not the whole flood
    writer.close()

    # the other client still works; workspace requests too
    for i in range(20):
        assert (await good.request("rholang/ping", i))["pong"] == i
    assert await good.request("workspace/symbol", {"query": "x"}) == []

    # the dropped client's output is freed
    grown = proc.memory_info().rss - baseline
    assert grown < 24 * 1024 * 1024, grown
    await good.close()
