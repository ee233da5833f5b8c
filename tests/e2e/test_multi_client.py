"""Many clients, one server process (TCP and Unix socket): shared index, isolated sessions."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psutil
import pytest
from tests.conftest import ServerProcess, SpawnServer

from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.server.server import Server as _Server  # noqa: E402
from rholang_lsp.transports.stream import connect_tcp, connect_unix

pytestmark = pytest.mark.skipif(
    not hasattr(_Server, "aclose"), reason="indexing integration not wired into server/session yet"
)

A_TEXT = 'new out in { contract @"alpha"(@x) = { out!(x) } }'
B_TEXT = 'new out in { @"alpha"!(1) | contract @"beta"(@y) = { out!(y) } }'


@pytest.fixture(params=["tcp", "unix"])
async def server(
    request: pytest.FixtureRequest, spawn_server: SpawnServer, tmp_path: Path
) -> ServerProcess:
    extra = ["--index-cache-dir", str(tmp_path / "cache"), "--index-workers", "0"]
    if request.param == "tcp":
        return await spawn_server("--socket", "--port", "0", *extra)
    return await spawn_server("--pipe", str(tmp_path / "lsp.sock"), *extra)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "a.rho").write_text(A_TEXT)
    (ws / "b.rho").write_text(B_TEXT)
    return ws


async def _client(sp: ServerProcess, root: Path | None = None) -> JsonRpcClient:
    transport = await (connect_tcp(sp.host, sp.port) if sp.port else connect_unix(sp.path))
    client = JsonRpcClient(transport, {"window/workDoneProgress/create": lambda p: None})
    if root is not None:
        await client.request(
            "initialize",
            {
                "processId": None,
                "capabilities": {"window": {"workDoneProgress": True}},
                "workspaceFolders": [{"uri": root.as_uri(), "name": "ws"}],
            },
        )
        client.notify("initialized", {})
        await _settled(client)
    return client


async def _settled(client: JsonRpcClient) -> None:
    status = await client.request("rholang/indexingStatus")
    if not status["settled"]:
        await client.wait_notification(
            "$/progress", lambda p: p["value"]["kind"] == "end", timeout=20
        )


async def _symbols(client: JsonRpcClient, query: str) -> set[str]:
    result: list[dict[str, Any]] = await client.request("workspace/symbol", {"query": query})
    return {s["name"] for s in result}


def _open(client: JsonRpcClient, path: Path, text: str, version: int = 1) -> None:
    client.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": path.as_uri(),
                "languageId": "rholang",
                "version": version,
                "text": text,
            }
        },
    )


async def test_responses_never_cross(server: ServerProcess, root: Path) -> None:
    clients = [await _client(server, root) for _ in range(4)]

    async def hammer(i: int, c: JsonRpcClient) -> None:
        for j in range(50):
            r = await c.request("rholang/ping", {"client": i, "n": j})
            assert r["pong"] == {"client": i, "n": j}

    await asyncio.gather(*(hammer(i, c) for i, c in enumerate(clients)))
    for c in clients:
        await c.close()


async def test_overlay_isolation_and_shared_index(server: ServerProcess, root: Path) -> None:
    a = await _client(server, root)
    b = await _client(server, root)
    assert "alpha" in "".join(await _symbols(b, "alpha"))
    # A edits a.rho without saving: only A sees it
    _open(a, root / "a.rho", A_TEXT.replace("alpha", "gamma"))
    assert any("gamma" in n for n in await _symbols(a, "gamma"))
    assert not any("gamma" in n for n in await _symbols(b, "gamma"))
    assert any("alpha" in n for n in await _symbols(b, "alpha"))
    await a.close()
    await b.close()


async def test_save_refreshes_other_clients_diagnostics(server: ServerProcess, root: Path) -> None:
    a = await _client(server, root)
    b = await _client(server, root)
    _open(b, root / "b.rho", B_TEXT)
    await b.wait_notification("textDocument/publishDiagnostics")
    mark = len(b.notifications)
    new_text = A_TEXT.replace("alpha", "alpha2") + "   "
    (root / "a.rho").write_text(new_text)
    _open(a, root / "a.rho", new_text)
    a.notify("textDocument/didSave", {"textDocument": {"uri": (root / "a.rho").as_uri()}})
    await b.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == (root / "b.rho").as_uri(),
        start=mark,
        timeout=10,
    )
    assert any("alpha2" in n for n in await _symbols(b, "alpha2"))
    await a.close()
    await b.close()


async def test_one_exit_leaves_others_working(server: ServerProcess, root: Path) -> None:
    a = await _client(server, root)
    b = await _client(server, root)
    await a.request("shutdown")
    a.notify("exit")
    await a.wait_closed()
    assert await _symbols(b, "beta")
    c = await _client(server, root)  # warm root: no re-indexing
    status = await c.request("rholang/indexingStatus")
    assert status["settled"]
    assert not [m for m, _ in c.notifications if m == "$/progress"]
    await b.close()
    await c.close()


async def test_faults_slow_reader_garbage_disconnects(server: ServerProcess, root: Path) -> None:
    good = await _client(server, root)
    proc = psutil.Process(server.proc.pid)
    # warm up, then the baseline
    for _ in range(20):
        c = await _client(server, root)
        await c.close()
    baseline = proc.memory_info().rss
    # garbage
    g = await _client(server)
    g.send_raw(b"{not json")
    g.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":7}}')
    # disconnect in the middle of a request
    m = await _client(server, root)
    m.endpoint.send_request("rholang/_test/sleep", {"seconds": 2})
    m.endpoint.send_request("workspace/symbol", {"query": ""})
    await m.close()
    # a slow reader: requests big answers and never reads
    if server.port:
        reader, writer = await asyncio.open_connection(server.host, server.port)
    else:
        reader, writer = await asyncio.open_unix_connection(server.path)
    for i in range(50):
        body = b'{"jsonrpc":"2.0","id":%d,"method":"rholang/ping","params":"%s"}' % (
            i,
            b"x" * 20000,
        )
        writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await writer.drain()
    # 200 connections opened and closed
    for _ in range(200):
        c = await _client(server)
        await c.close()
    # abrupt disconnects
    for _ in range(20):
        c = await _client(server, root)
        c.endpoint.transport._writer.transport.abort()  # type: ignore[attr-defined]
    writer.transport.abort()
    assert await _symbols(good, "beta")
    for _ in range(20):
        assert (await good.request("rholang/ping", 1))["pong"] == 1
    assert server.proc.returncode is None
    grown = proc.memory_info().rss - baseline
    assert grown < 20 * 1024 * 1024, grown
    await g.close()
    await good.close()
