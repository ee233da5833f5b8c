"""Server + Session in process, over an in-memory transport, with the real JsonRpcClient."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.protocol.messages import ResponseError
from rholang_lsp.server.registry import HandlerRegistry, request
from rholang_lsp.server.server import Server, ServerOptions
from rholang_lsp.server.session import Session

URI = "file:///w/a.rho"


class Pos(msgspec.Struct):
    line: int
    character: int


class EchoParams(msgspec.Struct):
    position: Pos


@request("test/echoPosition", params=EchoParams, capabilities={"experimental": {"echo": True}})
def echo_position(session: Session, params: EchoParams) -> dict[str, Any]:
    return {"line": params.position.line, "enc": session.position_encoding}


@pytest.fixture
async def connect(memory_pair: Callable[[], Any]) -> AsyncIterator[Callable[..., Any]]:
    made: list[tuple[JsonRpcClient, asyncio.Task[None]]] = []
    registry = HandlerRegistry.discover(include_test_handlers=True)
    registry.add(echo_position)
    server = Server(ServerOptions(diagnostics_debounce=0.05, test_handlers=True), registry)

    async def make(init: dict[str, Any] | None = None) -> JsonRpcClient:
        client_t, server_t = memory_pair()
        task = asyncio.create_task(server.serve(server_t))
        client = JsonRpcClient(client_t, handlers={"workspace/configuration": lambda p: [{"x": 1}]})
        made.append((client, task))
        if init is not None:
            client.result = await client.request("initialize", init)
            client.notify("initialized", {})
        client.server = server
        return client

    yield make
    for client, task in made:
        await client.close()
        server.stop()
        await asyncio.wait_for(task, 5)


async def test_requests_before_initialize_and_after_shutdown(connect: Callable[..., Any]) -> None:
    c = await connect()
    with pytest.raises(ResponseError) as e:
        await c.request("rholang/ping")
    assert e.value.code == -32002
    await c.request("initialize", {"capabilities": {}})
    with pytest.raises(ResponseError) as e:
        await c.request("initialize", {"capabilities": {}})
    assert e.value.code == -32600
    assert (await c.request("rholang/ping", 1))["pong"] == 1
    with pytest.raises(ResponseError) as e:
        await c.request("no/such")
    assert e.value.code == -32601
    assert await c.request("shutdown") is None
    with pytest.raises(ResponseError) as e:
        await c.request("rholang/ping")
    assert e.value.code == -32600
    c.notify("exit")
    await c.wait_closed()


async def test_capabilities_and_encoding_negotiation(connect: Callable[..., Any]) -> None:
    c = await connect({"capabilities": {"general": {"positionEncodings": ["utf-32", "utf-16"]}}})
    caps = c.result["capabilities"]
    assert caps["positionEncoding"] == "utf-32"
    assert caps["textDocumentSync"] == {
        "openClose": True,
        "change": 2,
        "save": {"includeText": False},
    }
    assert caps["experimental"] == {"echo": True}
    assert c.result["serverInfo"]["name"] == "rholang-language-server"
    d = await connect({"capabilities": {"general": {"positionEncodings": ["utf-7"]}}})
    assert d.result["capabilities"]["positionEncoding"] == "utf-16"
    e = await connect({"capabilities": {}})
    assert e.result["capabilities"]["positionEncoding"] == "utf-16"


async def test_bad_params_name_the_field(connect: Callable[..., Any]) -> None:
    c = await connect({"capabilities": {}})
    with pytest.raises(ResponseError) as e:
        await c.request("test/echoPosition", {"position": {"line": "x", "character": 0}})
    assert e.value.code == -32602 and "$.position.line" in e.value.message
    assert await c.request("test/echoPosition", {"position": {"line": 4, "character": 0}}) == {
        "line": 4,
        "enc": "utf-16",
    }
    with pytest.raises(ResponseError) as e:
        await c.request("initialize", {"processId": "me"})
    assert e.value.code == -32600  # already initialized


async def test_initialize_bad_params(connect: Callable[..., Any]) -> None:
    c = await connect()
    with pytest.raises(ResponseError) as e:
        await c.request("initialize", {"processId": "me"})
    assert e.value.code == -32602 and "processId" in e.value.message


async def test_handler_exception_keeps_serving(connect: Callable[..., Any]) -> None:
    c = await connect({"capabilities": {}})
    with pytest.raises(ResponseError) as e:
        await c.request("rholang/_test/crash")
    assert e.value.code == -32603
    assert (await c.request("rholang/ping", 2))["pong"] == 2


async def test_diagnostics_debounced_and_never_stale(connect: Callable[..., Any]) -> None:
    c = await connect({"capabilities": {}})
    c.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": URI,
                "languageId": "rholang",
                "version": 1,
                "text": "new x in { x!(1) }",
            }
        },
    )
    first = await c.wait_notification("textDocument/publishDiagnostics")
    assert first["uri"] == URI and first["version"] == 1
    for v in range(2, 12):
        c.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": URI, "version": v},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": 0, "character": 0},
                            "end": {"line": 0, "character": 0},
                        },
                        "text": " ",
                    }
                ],
            },
        )
    last = await c.wait_notification(
        "textDocument/publishDiagnostics", lambda p: p.get("version") == 11
    )
    assert last["uri"] == URI
    versions = [
        p.get("version") for m, p in c.notifications if m == "textDocument/publishDiagnostics"
    ]
    assert versions == [1, 11]  # one publish after the burst, none for intermediate versions
    c.notify("textDocument/didClose", {"textDocument": {"uri": URI}})
    cleared = await c.wait_notification(
        "textDocument/publishDiagnostics", lambda p: "version" not in p
    )
    assert cleared == {"uri": URI, "diagnostics": []}


async def test_session_state_is_per_connection(connect: Callable[..., Any]) -> None:
    a = await connect(
        {"capabilities": {}, "workspaceFolders": [{"uri": "file:///tmp/ws-a", "name": "a"}]}
    )
    await connect({"capabilities": {}, "rootUri": "file:///tmp/ws-b"})
    a.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": URI, "languageId": "rholang", "version": 1, "text": "x"}},
    )
    await a.wait_notification("textDocument/publishDiagnostics")
    server: Server = a.server
    sessions = sorted(server.sessions, key=lambda s: s.id)
    sa, sb = sessions[-2], sessions[-1]
    assert URI in sa.documents and not sb.documents
    assert [f.uri for f in sa.workspace_folders] == ["file:///tmp/ws-a"]
    assert [f.uri for f in sb.workspace_folders] == ["file:///tmp/ws-b"]
    assert sa.is_in_workspace(Path("/tmp/ws-a/x/y.rho")) and not sa.is_in_workspace(
        "/tmp/ws-b/y.rho"
    )
    assert not sa.is_in_workspace("/tmp/ws-a/../ws-b/y.rho")


async def test_server_to_client_request(connect: Callable[..., Any]) -> None:
    c = await connect({"capabilities": {}})
    result = await c.request(
        "rholang/_test/askClient", {"method": "workspace/configuration", "params": {"items": []}}
    )
    assert result == [{"x": 1}]
    with pytest.raises(ResponseError) as e:
        await c.request(
            "rholang/_test/askClient", {"method": "client/registerCapability", "params": {}}
        )
    assert e.value.code == -32601  # the client's error reaches the handler, then the caller


async def test_workspace_folder_changes(connect: Callable[..., Any]) -> None:
    c = await connect(
        {"capabilities": {}, "workspaceFolders": [{"uri": "file:///w1", "name": "w1"}]}
    )
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        {
            "event": {
                "added": [{"uri": "file:///w2", "name": "w2"}],
                "removed": [{"uri": "file:///w1", "name": "w1"}],
            }
        },
    )
    await c.request("rholang/ping")  # ordered after the notification
    (session,) = c.server.sessions
    assert [f.uri for f in session.workspace_folders] == ["file:///w2"]
