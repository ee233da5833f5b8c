"""A body that is not valid UTF-8 (msgspec raises ``UnicodeDecodeError`` for it, not
``msgspec.DecodeError``) gets a -32700 answer over stdio and TCP, and the connection stays up."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import pytest

from rholang_lsp.protocol.transport import MessageTransport
from rholang_lsp.transports.stream import StreamTransport, connect_tcp

pytestmark = pytest.mark.timeout(30)

BAD_BODIES = [
    b'{"jsonrpc":"2.0","id":1,"method":"rholang/ping","params":"\xff\xfe"}',
    b'[{"jsonrpc":"2.0","id":2,"method":"rholang/ping","params":"\xc3\x28"}]',  # batch
]


async def _recv(t: MessageTransport) -> dict[str, Any]:
    body = await asyncio.wait_for(t.read_message(), 10)
    assert body is not None, "connection closed"
    return dict(json.loads(body))


async def _exercise(t: MessageTransport) -> None:
    t.send(b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}')
    assert "result" in await _recv(t)
    for bad in BAD_BODIES:
        t.send(bad)
        reply = await _recv(t)
        assert reply["id"] is None and reply["error"]["code"] == -32700, reply
    t.send(b'{"jsonrpc":"2.0","id":9,"method":"rholang/ping","params":"ok"}')
    assert (await _recv(t))["result"]["pong"] == "ok"


async def test_invalid_utf8_over_stdio() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "rholang_lsp.cli.main",
        "serve",
        "--stdio",
        "--test-handlers",
        "--log-level",
        "error",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdin is not None
    t = StreamTransport(proc.stdout, proc.stdin, peer="server")
    try:
        await _exercise(t)
    finally:
        await t.close()
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


async def test_invalid_utf8_over_tcp(spawn_server) -> None:  # type: ignore[no-untyped-def]
    srv = await spawn_server("--socket", "--port", "0")
    t = await connect_tcp(srv.host, srv.port)
    try:
        await _exercise(t)
    finally:
        await t.close()
