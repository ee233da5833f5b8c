"""End-to-end: the real ``rholang_lsp.server.Server`` behind the WebSocket
transport (in-process and as the CLI subprocess), driven by the websockets
client in each framing."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from rholang_lsp.transports.websocket import WebSocketOptions, WebSocketServer
from rholang_lsp.transports.ws_framing import ContentLengthDecoder, encode_header

server_module = pytest.importorskip("rholang_lsp.server.server")

pytestmark = pytest.mark.timeout(30)

URI = "file:///e2e/main.rho"
SOURCE = 'new x in {\n  x!("hello") | for (y <- x) { Nil }\n}\n'


def _msg(method: str, params: Any = None, id_: int | None = None) -> dict[str, Any]:
    m: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        m["params"] = params
    if id_ is not None:
        m["id"] = id_
    return m


class Client:
    """Minimal LSP client over one websockets connection, any framing."""

    def __init__(self, ws: ClientConnection, framing: str) -> None:
        self.ws = ws
        self.framing = framing  # "json", "batch", "stream"
        self.decoder = ContentLengthDecoder(1 << 30)
        self.inbox: list[dict[str, Any]] = []
        self.frames = 0

    async def send(self, msg: dict[str, Any]) -> None:
        body = json.dumps(msg).encode()
        if self.framing == "stream":
            # header and body in separate binary frames, as the Rust test client does
            await self.ws.send(encode_header(len(body)))
            await self.ws.send(body)
        else:
            await self.ws.send(body.decode())

    async def _fill(self) -> None:
        data = await self.ws.recv()
        self.frames += 1
        if self.framing == "stream":
            assert isinstance(data, bytes)
            self.decoder.feed(data)
            while (body := self.decoder.next_message()) is not None:
                self.inbox.append(json.loads(body))
            return
        assert isinstance(data, str)
        parsed = json.loads(data)
        self.inbox.extend(parsed if isinstance(parsed, list) else [parsed])

    async def wait_for(self, pred: Any, timeout: float = 10.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                for i, m in enumerate(self.inbox):
                    if pred(m):
                        return self.inbox.pop(i)
                await self._fill()

    async def request(self, id_: int, method: str, params: Any = None) -> dict[str, Any]:
        await self.send(_msg(method, params, id_))
        return await self.wait_for(lambda m: m.get("id") == id_ and "method" not in m)


async def lsp_session(client: Client) -> None:
    init = await client.request(
        1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}}
    )
    assert "capabilities" in init["result"]
    await client.send(_msg("initialized", {}))
    await client.send(
        _msg(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "rholang", "version": 1, "text": SOURCE}},
        )
    )
    diag = await client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    assert diag["params"]["uri"] == URI
    assert isinstance(diag["params"]["diagnostics"], list)
    pong = await client.request(2, "rholang/ping", {"n": 1})
    assert pong["result"]["pong"] == {"n": 1}
    assert (await client.request(3, "shutdown"))["result"] is None
    await client.send(_msg("exit"))
    with pytest.raises(ConnectionClosed):  # the server ends the session and closes
        async with asyncio.timeout(10):
            while True:
                await client._fill()


@pytest.fixture
async def real_server() -> AsyncIterator[WebSocketServer]:
    server = server_module.Server(server_module.ServerOptions(diagnostics_debounce=0.01))
    async with WebSocketServer(server, WebSocketOptions()) as srv:
        yield srv


@pytest.mark.parametrize("framing", ["json", "batch", "stream"])
async def test_real_server_session(real_server: WebSocketServer, framing: str) -> None:
    subprotocols = {"batch": [Subprotocol("lsp-batch")], "stream": None, "json": None}[framing]
    async with connect(real_server.url, subprotocols=subprotocols) as ws:
        await lsp_session(Client(ws, framing))
    assert ws.close_code == 1000


async def test_real_server_two_clients_isolated(real_server: WebSocketServer) -> None:
    async with connect(real_server.url) as a, connect(real_server.url) as b:
        ca, cb = Client(a, "json"), Client(b, "json")
        await ca.request(1, "initialize", {"processId": None, "capabilities": {}})
        await cb.request(1, "initialize", {"processId": None, "capabilities": {}})
        ra = await ca.request(7, "rholang/ping", "a")
        rb = await cb.request(7, "rholang/ping", "b")
        assert ra["result"]["pong"] == "a" and rb["result"]["pong"] == "b"
        assert not ca.inbox and not cb.inbox


LISTENING = re.compile(rb"listening on ws://(?P<host>[\d.]+):(?P<port>\d+)")


async def test_cli_websocket_subprocess() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "rholang_lsp.cli.main",
        "serve",
        "--websocket",
        "--port",
        "0",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    try:
        async with asyncio.timeout(15):
            while True:
                line = await proc.stderr.readline()
                if not line:
                    pytest.fail("server exited before listening")
                if m := LISTENING.search(line):
                    break
        url = f"ws://{m['host'].decode()}:{int(m['port'])}"
        async with connect(url) as ws:
            await lsp_session(Client(ws, "json"))
    finally:
        if proc.returncode is None:
            proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)
