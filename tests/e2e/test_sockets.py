"""TCP (pytest-lsp clients) and Unix socket (raw client): several sessions on one server."""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.transports.stream import connect_tcp, connect_unix


def _init_params() -> types.InitializeParams:
    return types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=os.getpid())


async def _pytest_lsp_tcp_client(host: str, port: int) -> LanguageClient:
    client = LanguageClient()
    await client.start_tcp(host, port)
    await client.initialize_session(_init_params())
    return client


async def test_two_tcp_clients_get_their_own_replies_and_exit_separately(spawn_server) -> None:  # type: ignore[no-untyped-def]
    srv = await spawn_server("--socket", "--port", "0")
    a = await _pytest_lsp_tcp_client(srv.host, srv.port)
    b = await _pytest_lsp_tcp_client(srv.host, srv.port)
    ra, rb = await asyncio.gather(
        a.protocol.send_request_async("rholang/ping", {"who": "a"}),
        b.protocol.send_request_async("rholang/ping", {"who": "b"}),
    )
    assert ra.pong.who == "a" and rb.pong.who == "b"
    uri = "file:///tmp/tcp.rho"
    a.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="rholang", version=3, text="Nil")
        )
    )
    diag = await a.wait_for_notification("textDocument/publishDiagnostics")
    assert diag.uri == uri and diag.version == 3
    # a leaves; b stays connected and served
    await a.shutdown_async(None)
    a.exit(None)
    await asyncio.wait_for(a.stop(), 10)
    rb = await b.protocol.send_request_async("rholang/ping", {"who": "b2"})
    assert rb.pong.who == "b2"
    assert srv.proc.returncode is None
    await b.shutdown_async(None)
    b.exit(None)
    await asyncio.wait_for(b.stop(), 10)
    assert await srv.stop() == 0  # SIGTERM: graceful


async def test_tcp_auth_token(spawn_server) -> None:  # type: ignore[no-untyped-def]
    srv = await spawn_server("--socket", "--port", "0", "--auth-token", "s3cret")
    bad = JsonRpcClient(await connect_tcp(srv.host, srv.port))
    bad.notify("$/authenticate", {"token": "wrong"})
    await bad.wait_closed(10)
    good = JsonRpcClient(await connect_tcp(srv.host, srv.port))
    assert await good.request("$/authenticate", {"token": "s3cret"}) is True
    await good.request("initialize", {"capabilities": {}})
    assert (await good.request("rholang/ping", 1))["pong"] == 1
    await good.close()


async def test_unix_socket_replaces_stale_file_and_cleans_up(spawn_server) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lsp.sock")
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(path)
        stale.close()  # leaves a socket file nobody listens on
        assert os.path.exists(path)
        srv = await spawn_server("--pipe", path)
        assert srv.path == path
        clients = [JsonRpcClient(await connect_unix(path)) for _ in range(2)]
        for i, c in enumerate(clients):
            await c.request("initialize", {"capabilities": {}})
            c.notify("initialized", {})
            c.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": f"file:///u{i}.rho",
                        "languageId": "rholang",
                        "version": i,
                        "text": "Nil",
                    }
                },
            )
        for i, c in enumerate(clients):
            p = await c.wait_notification("textDocument/publishDiagnostics")
            assert p["uri"] == f"file:///u{i}.rho" and p["version"] == i
        await clients[0].request("shutdown")
        clients[0].notify("exit")
        await clients[0].wait_closed()
        assert (await clients[1].request("rholang/ping", "still"))["pong"] == "still"
        await clients[1].close()
        assert await srv.stop() == 0
        assert not os.path.exists(path)


@pytest.mark.parametrize(
    "args",
    [
        ["--socket"],
        ["--websocket"],
        ["--socket", "--pipe", "x", "--port", "1"],
        ["--log-level", "loud"],
    ],
)
async def test_usage_errors_exit_2(args: list[str]) -> None:
    import sys

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "rholang_lsp.cli.main", "serve", *args, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode == 2 and b"error:" in err
