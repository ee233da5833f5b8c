"""Virtual documents per connection: shared registry per root, nothing visible to a
connection that does not have the parent open, dropped on didClose and at disconnect."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.server.registry import HandlerRegistry
from rholang_lsp.server.server import Server, ServerOptions
from rholang_lsp.server.session import Session

TEXT = 'new mc(`rho:metta:compile`) in { mc!("(= (f $x) (g $x))\\n!(f 1 2)") }\n'


@pytest.fixture
async def connect(
    memory_pair: Callable[[], Any], tmp_path: Path
) -> AsyncIterator[Callable[..., Any]]:
    made: list[tuple[JsonRpcClient, asyncio.Task[None]]] = []
    server = Server(ServerOptions(diagnostics_debounce=0.01), HandlerRegistry.discover())

    async def make() -> JsonRpcClient:
        client_t, server_t = memory_pair()
        task = asyncio.create_task(server.serve(server_t))
        client = JsonRpcClient(client_t)
        made.append((client, task))
        await client.request(
            "initialize",
            {"capabilities": {}, "workspaceFolders": [{"uri": tmp_path.as_uri(), "name": "w"}]},
        )
        client.notify("initialized", {})
        client.server = server  # type: ignore[attr-defined]
        client.task = task  # type: ignore[attr-defined]
        return client

    yield make
    for client, _ in made:
        await client.close()
    server.stop()
    for _, task in made:
        await asyncio.wait_for(task, 5)


def session_of(server: Server, n: int) -> Session:
    return sorted(server.sessions, key=lambda s: s.id)[n]


async def published(c: JsonRpcClient, uri: str) -> dict[str, Any]:
    return await c.wait_notification(
        "textDocument/publishDiagnostics", lambda p: p["uri"] == uri, timeout=10
    )


async def test_registry_is_shared_per_root_and_private_per_connection(
    connect: Callable[..., Any], tmp_path: Path
) -> None:
    uri = (tmp_path / "a.rho").as_uri()
    a = await connect()
    b = await connect()
    server: Server = a.server  # type: ignore[attr-defined]
    a.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": TEXT}},
    )
    p = await published(a, uri)
    assert any(d["code"] == "metta-arity" for d in p["diagnostics"])
    sa, sb = session_of(server, 0), session_of(server, 1)
    reg = sa.virtual_documents.where[uri]
    assert reg is sa.indexing.workspace_for(uri).embedded  # type: ignore[union-attr]
    assert sa.embedded(uri + "#metta:0") is not None
    # the position edge converts a virtual document's offsets through its host
    loc = sa.positions().location(uri + "#metta:0", 4, 5)  # `f` of `(= (f $x) ...)`
    assert loc is not None and loc.uri == uri
    f_at = TEXT.index("(f $x)") + 1
    assert (loc.range.start.line, loc.range.start.character) == (0, f_at)
    assert (loc.range.end.line, loc.range.end.character) == (0, f_at + 1)
    assert sb.embedded(uri + "#metta:0") is None  # b does not have the parent open
    assert reg.lookup(sb, uri + "#metta:0") is None
    # b opens the same text: its own entry, the MeTTa analysis shared
    parses = reg.stats.parses
    b.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": TEXT}},
    )
    await published(b, uri)
    assert reg.stats.parses == parses and reg.stats.reused >= 1
    assert sb.embedded(uri + "#metta:0") is not None
    # closing in a drops a's documents only; b's disconnect drops the rest
    start = len(a.notifications)
    a.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    # the close handler clears the diagnostics, then drops the virtual documents, in one step
    await a.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == uri and p["diagnostics"] == [],
        timeout=10,
        start=start,
    )
    assert reg.file(sa, uri) is None and reg.file(sb, uri) is not None
    await b.close()
    await asyncio.wait_for(b.task, 5)  # type: ignore[attr-defined]  # b's session has ended
    assert len(reg) == 0


async def test_rholang_positions_never_wait_for_detection(
    memory_pair: Callable[[], Any], tmp_path: Path
) -> None:
    """Diagnostics debounced far away: a request at a Rholang position after an edit does
    not detect regions; one inside a literal does (it needs them)."""
    server = Server(ServerOptions(diagnostics_debounce=60.0), HandlerRegistry.discover())
    client_t, server_t = memory_pair()
    task = asyncio.create_task(server.serve(server_t))
    c = JsonRpcClient(client_t)
    try:
        await c.request(
            "initialize",
            {"capabilities": {}, "workspaceFolders": [{"uri": tmp_path.as_uri(), "name": "w"}]},
        )
        c.notify("initialized", {})
        uri = (tmp_path / "a.rho").as_uri()
        c.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": TEXT}},
        )
        await published(c, uri)  # didOpen publishes at once
        session = next(iter(server.sessions))
        reg = session.virtual_documents.where[uri]
        detections = reg.stats.detections
        c.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 2},
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
        mc = TEXT.index("mc!") + 1  # a Rholang name
        hover = await c.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": 0, "character": mc}},
        )
        assert hover is not None and "rho:metta:compile" in str(hover)
        assert reg.stats.detections == detections  # the Rholang request did not detect
        f_at = TEXT.index("(f $x)") + 2  # `f` in the MeTTa literal (shifted by the edit)
        defs = await c.request(
            "textDocument/definition",
            {"textDocument": {"uri": uri}, "position": {"line": 0, "character": f_at}},
        )
        assert reg.stats.detections == detections + 1
        assert defs and defs[0]["range"]["start"]["character"] == f_at
    finally:
        await c.close()
        server.stop()
        await asyncio.wait_for(task, 5)
