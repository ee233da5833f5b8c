"""Documented limits against the real server process: message size on Content-Length
streams, unauthenticated connections (first-message size, count), document size, and
the Unix socket's mode (issue 20, findings 7 and 8)."""

from __future__ import annotations

import asyncio
import os
import stat
import tempfile

from rholang_lsp.protocol.auth import MAX_UNAUTHENTICATED
from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.transports.stream import connect_tcp, connect_unix


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def _closed_by_server(reader: asyncio.StreamReader, timeout: float) -> bool:
    """True when the server closes (or resets) the connection within ``timeout``."""
    try:
        return await asyncio.wait_for(reader.read(), timeout) == b""
    except ConnectionError:
        return True
    except TimeoutError:
        return False


async def _raw_tcp(host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(host, port)


async def test_oversized_message_is_skipped_and_answered_then_service_goes_on(
    spawn_server,  # type: ignore[no-untyped-def]
) -> None:
    srv = await spawn_server("--socket", "--port", "0", "--max-message-bytes", "200000")
    c = JsonRpcClient(await connect_tcp(srv.host, srv.port))
    await c.request("initialize", {"capabilities": {}})
    rss0 = _rss_kib(srv.proc.pid)
    big = b'{"jsonrpc":"2.0","id":41,"method":"rholang/ping","params":"' + b"x" * 30_000_000 + b'"}'
    c.send_raw(big)
    try:
        await c.request("rholang/ping", 1, timeout=30)
    except Exception as e:  # the error for id 41 arrives first and is matched by id
        raise AssertionError(f"no service after an oversized message: {e}") from e
    # the oversized message was never buffered: the server grew by far less than its size
    assert _rss_kib(srv.proc.pid) - rss0 < 15_000
    await c.close()


async def test_oversized_message_error_carries_its_id(spawn_server) -> None:  # type: ignore[no-untyped-def]
    srv = await spawn_server("--socket", "--port", "0", "--max-message-bytes", "1000")
    reader, writer = await _raw_tcp(srv.host, srv.port)
    body = b'{"jsonrpc":"2.0","id":7,"method":"rholang/ping","params":"' + b"y" * 5000 + b'"}'
    writer.write(b"Content-Length: %d\r\n\r\n%b" % (len(body), body))
    await writer.drain()
    header = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    length = int(header.split(b":")[1])
    reply = await reader.readexactly(length)
    assert b'"id":7' in reply and b"-32600" in reply and b"exceeds the limit of 1000" in reply
    writer.close()


async def test_unauthenticated_first_message_and_connection_count_are_bounded(
    spawn_server,  # type: ignore[no-untyped-def]
) -> None:
    srv = await spawn_server("--socket", "--port", "0", "--auth-token", "s3cret")
    rss0 = _rss_kib(srv.proc.pid)
    # a huge first frame: closed after its header, the body is never read
    reader, writer = await _raw_tcp(srv.host, srv.port)
    writer.write(b"Content-Length: 268435456\r\n\r\n" + b"[" * 1_000_000)
    try:
        await writer.drain()
    except ConnectionError:
        pass
    assert await _closed_by_server(reader, 10)
    writer.close()
    # a flood of connections that never authenticate: past the bound the oldest are closed
    idle = [await _raw_tcp(srv.host, srv.port) for _ in range(MAX_UNAUTHENTICATED + 8)]
    closed = [await _closed_by_server(r, 2) for r, _w in idle[:8]]
    assert all(closed)
    # an authenticated client is still served meanwhile
    good = JsonRpcClient(await connect_tcp(srv.host, srv.port))
    assert await good.request("$/authenticate", {"token": "s3cret"}) is True
    await good.request("initialize", {"capabilities": {}})
    assert (await good.request("rholang/ping", 1))["pong"] == 1
    assert _rss_kib(srv.proc.pid) - rss0 < 30_000
    for _r, w in idle:
        w.close()
    await good.close()


async def test_document_over_the_limit_is_not_analysed(spawn_server) -> None:  # type: ignore[no-untyped-def]
    srv = await spawn_server("--socket", "--port", "0", "--max-document-bytes", "5000")
    c = JsonRpcClient(await connect_tcp(srv.host, srv.port))
    await c.request("initialize", {"capabilities": {}})
    c.notify("initialized", {})
    uri = "file:///tmp/big.rho"
    text = "new x in { x!(1) }\n" * 1000
    c.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": text}},
    )
    note = await c.wait_notification("textDocument/publishDiagnostics", timeout=10)
    assert [d["code"] for d in note["diagnostics"]] == ["document-too-large"]
    pos = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}}
    assert await c.request("textDocument/hover", pos) is None
    assert await c.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}}) in (
        None,
        {"data": []},
    )
    await c.close()


async def test_unix_socket_is_private_whatever_the_umask(spawn_server) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lsp.sock")
        old = os.umask(0)
        try:
            srv = await spawn_server("--pipe", path)
        finally:
            os.umask(old)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        c = JsonRpcClient(await connect_unix(path))
        await c.request("initialize", {"capabilities": {}})
        await c.close()
        assert srv.proc.returncode is None
