"""The WebSocket CLI flags reach the listener: ``--allow-origin``, ``--auth-token`` (checked at
the handshake, no ``$/authenticate``), ``--no-ws-compression``, ``--ws-max-message-size``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

pytestmark = pytest.mark.timeout(30)


async def _initialize(ws: ClientConnection) -> dict[str, Any]:
    await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}))
    reply = json.loads(await ws.recv())
    assert reply["id"] == 1
    return dict(reply)


async def test_ws_flags(spawn_server) -> None:  # type: ignore[no-untyped-def]
    srv = await spawn_server(
        "--websocket",
        "--port",
        "0",
        "--auth-token",
        "s3cret",
        "--allow-origin",
        "https://app.example",
        "--allow-origin",
        "vscode-webview://*",
        "--no-ws-compression",
        "--ws-max-message-size",
        "4096",
    )
    assert srv.scheme == "ws" and srv.url.startswith("ws://127.0.0.1:")
    # token at the handshake, not a $/authenticate message: the first message is initialize
    async with connect(f"{srv.url}/?token=s3cret", compression="deflate") as ws:
        assert "result" in await _initialize(ws)
        # --no-ws-compression: permessage-deflate was not negotiated
        assert ws.response is not None
        assert "Sec-WebSocket-Extensions" not in ws.response.headers
    async with connect(srv.url, additional_headers={"Authorization": "Bearer s3cret"}) as ws:
        assert "result" in await _initialize(ws)
    with pytest.raises(InvalidStatus) as missing:
        async with connect(srv.url):
            pass
    assert missing.value.response.status_code == 401
    # --allow-origin (exact and prefix); other origins are refused with 403
    for origin in ("https://app.example", "vscode-webview://abc123"):
        async with connect(f"{srv.url}/?token=s3cret", origin=origin) as ws:  # type: ignore[arg-type]
            assert "result" in await _initialize(ws)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{srv.url}/?token=s3cret", origin="https://evil.example"):  # type: ignore[arg-type]
            pass
    assert refused.value.response.status_code == 403
    # --ws-max-message-size: a larger message closes the connection with 1009
    async with connect(f"{srv.url}/?token=s3cret") as ws:
        await ws.send(json.dumps({"jsonrpc": "2.0", "method": "x", "params": "a" * 5000}))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_ws_max_message_size_must_be_positive() -> None:
    from rholang_lsp.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--websocket", "--port", "0", "--ws-max-message-size", "0"])
    assert exc.value.code == 2


async def test_ws_connections_counted_once() -> None:
    """``WebSocketServer`` records ws connections itself; ``Server.run_session`` must not too."""
    from rholang_lsp.server.server import Server, ServerOptions
    from rholang_lsp.transports.websocket import WebSocketOptions, WebSocketServer

    server = Server(ServerOptions())
    metrics = getattr(server, "metrics", None)
    if metrics is None:
        pytest.skip("Server has no metrics")
    async with WebSocketServer(server, WebSocketOptions(port=0), metrics) as listener:
        async with connect(listener.url) as ws:
            await _initialize(ws)
            assert metrics.connections_total() == {"ws": 1}
            assert metrics.connections_active_by_transport() == {"ws": 1}
        async with asyncio.timeout(10):
            while metrics.connections_active_by_transport().get("ws"):
                await asyncio.sleep(0.01)  # polls a condition; the session ends asynchronously
    assert metrics.connections_total() == {"ws": 1}
    await server.aclose()


async def test_cli_ws_metrics_count_each_connection_once(spawn_server) -> None:  # type: ignore[no-untyped-def]
    srv = await spawn_server("--websocket", "--port", "0")
    async with connect(srv.url) as a, connect(srv.url) as b:
        await _initialize(a)
        await _initialize(b)
        await b.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "rholang/metrics"}))
        reply = json.loads(await b.recv())
    if "error" in reply:
        pytest.skip(f"rholang/metrics unavailable: {reply['error']['message']}")
    if not reply["result"].get("enabled"):
        pytest.skip("metrics disabled")
    conns = reply["result"]["connections"]
    assert conns["total_by_transport"] == {"ws": 2}, conns
    assert conns["active_by_transport"] == {"ws": 2} and conns["active"] == 2, conns
