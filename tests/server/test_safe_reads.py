"""Reading client-chosen paths never blocks, never grows without bound, never leaves
the workspace (issue 20, findings 2 and 3).

* a FIFO named ``x.rho`` in the workspace used to block every client until someone
  wrote to it (``Path.read_text`` on the event loop);
* a workspace folder ``/dev`` and ``file:///dev/zero`` grew the server to 2.5 GB;
* a 20 MB ``.rho`` stalled all clients 15 s (the indexer's 8 MiB limit was not applied);
* ``file:///%00`` made ``Path.resolve`` raise;
* a link ``ws/evil.rho -> /outside/secret.rho`` was indexed on ``didChangeWatchedFiles``
  / ``didSave``, appeared in ``workspace/symbol`` and rename edited the outside file.

Real files on disk, the real server over an in-memory transport with the real client.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.server.indexing import session_indexing
from rholang_lsp.server.registry import HandlerRegistry
from rholang_lsp.server.server import Server, ServerOptions
from rholang_lsp.workspace.files import MAX_FILE_BYTES, ReadRefused, read_source
from rholang_lsp.workspace.indexer import discover_files
from rholang_lsp.workspace.shared import BackendOptions

SECRET = 'contract @"secretContract"(ret) = { ret!(42) }\n'


# ---------------------------------------------------------------------- the reader itself
def test_reader_refuses_fifo_device_large_outside_and_bad_paths(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    good = ws / "a.rho"
    good.write_text("Nil\n")
    assert read_source(good, roots=[ws]) == "Nil\n"
    fifo = ws / "x.rho"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    with pytest.raises(ReadRefused, match="not a regular file"):
        read_source(fifo, roots=[ws])
    assert time.monotonic() - t0 < 1.0  # no writer needed to get the answer
    with pytest.raises(ReadRefused, match="not a regular file"):
        read_source("/dev/zero")
    big = ws / "big.rho"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: 8 MiB + 1 without writing it
    with pytest.raises(ReadRefused, match="too large"):
        read_source(big, roots=[ws])
    outside = tmp_path / "outside.rho"
    outside.write_text(SECRET)
    (ws / "evil.rho").symlink_to(outside)
    with pytest.raises(ReadRefused, match="outside"):
        read_source(ws / "evil.rho", roots=[ws])
    (ws / "inner.rho").symlink_to(good)  # a link that stays inside is fine
    assert read_source(ws / "inner.rho", roots=[ws]) == "Nil\n"
    with pytest.raises(ReadRefused, match="invalid path"):
        read_source("/\x00", roots=[ws])
    bad = ws / "latin1.rho"
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(ReadRefused, match="UTF-8"):
        read_source(bad, roots=[ws])


def test_discovery_is_bounded_and_skips_special_files(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    for i in range(30):
        (root / f"f{i:02}.rho").write_text("Nil\n")
    os.mkfifo(root / "pipe.rho")
    found = discover_files(root)
    assert len(found) == 30 and all(not f.path.endswith("pipe.rho") for f in found)
    assert len(discover_files(root, max_files=10)) == 10
    assert len(discover_files(root, max_bytes=4 * 5)) == 5
    assert len(discover_files(root, max_entries=5)) == 0  # the root alone has 31 entries


def test_dev_as_a_workspace_root_is_bounded() -> None:
    t0 = time.monotonic()
    found = discover_files("/dev", extensions=("",))  # every name matches ""
    assert time.monotonic() - t0 < 10
    assert found == [] or all(Path(f.path).is_file() for f in found)  # only regular files


# ---------------------------------------------------------------------- through the server
@pytest.fixture
async def start(memory_pair: Callable[[], Any]) -> AsyncIterator[Callable[..., Any]]:
    made: list[tuple[JsonRpcClient, Server, asyncio.Task[None]]] = []

    async def make(root: Path) -> JsonRpcClient:
        server = Server(
            ServerOptions(
                diagnostics_debounce=0.05,
                backend=BackendOptions(workers=0, use_cache=False),
            ),
            HandlerRegistry.discover(),
        )
        client_t, server_t = memory_pair()
        task = asyncio.create_task(server.serve(server_t))
        c = JsonRpcClient(client_t)
        await c.request(
            "initialize",
            {
                "capabilities": {},
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            },
        )
        c.notify("initialized", {})
        await c.request("rholang/ping")
        (session,) = server.sessions
        for ws in session_indexing(session).workspaces:
            await ws.quiesce()
        c.session = session  # type: ignore[attr-defined]
        made.append((c, server, task))
        return c

    yield make
    for c, server, task in made:
        await c.close()
        server.stop()
        await asyncio.wait_for(task, 5)


async def _quiesce(c: JsonRpcClient) -> None:
    await c.request("rholang/ping")  # the notifications before it have been handled
    for ws in session_indexing(c.session).workspaces:  # type: ignore[attr-defined]
        await ws.quiesce()


def _definition(c: JsonRpcClient, uri: str) -> Any:
    return c.request(
        "textDocument/definition",
        {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}},
        timeout=5.0,
    )


async def test_fifo_device_huge_and_nul_uris_answer_at_once(
    tmp_path: Path, start: Callable[..., Any]
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "a.rho").write_text("new x in { x!(1) }\n")
    os.mkfifo(ws / "x.rho")
    with (ws / "huge.rho").open("wb") as f:
        f.truncate(20 * 1024 * 1024)
    c = await start(ws)
    for uri in (
        (ws / "x.rho").as_uri(),
        (ws / "huge.rho").as_uri(),
        "file:///dev/zero",
        "file:///%00",
        "file:///%00/x.rho",
    ):
        t0 = time.monotonic()
        assert await _definition(c, uri) in (None, [])
        assert time.monotonic() - t0 < 3.0, uri
    assert (await c.request("rholang/ping", 1))["pong"] == 1


async def test_dev_folder_and_dev_zero(start: Callable[..., Any]) -> None:
    c = await start(Path("/dev"))
    assert await _definition(c, "file:///dev/zero") in (None, [])
    assert await _definition(c, "file:///dev/null") in (None, [])


async def test_symlink_out_of_the_workspace_is_never_indexed(
    tmp_path: Path, start: Callable[..., Any]
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (tmp_path / "outside").mkdir()
    secret = tmp_path / "outside" / "secret.rho"
    secret.write_text(SECRET)
    user = ws / "user.rho"
    user.write_text('@"secretContract"!(1)\n')
    c = await start(ws)
    evil = ws / "evil.rho"
    evil.symlink_to(secret)
    linked_dir = ws / "sub"
    linked_dir.symlink_to(tmp_path / "outside", target_is_directory=True)
    via_dir = linked_dir / "secret.rho"
    c.notify(
        "workspace/didChangeWatchedFiles",
        {"changes": [{"uri": evil.as_uri(), "type": 1}, {"uri": via_dir.as_uri(), "type": 1}]},
    )
    c.notify("textDocument/didSave", {"textDocument": {"uri": evil.as_uri()}})
    c.notify("textDocument/didSave", {"textDocument": {"uri": via_dir.as_uri()}})
    await _quiesce(c)
    assert await c.request("workspace/symbol", {"query": "secretContract"}) == []
    # rename from a file inside: no edit may touch a file outside the folders
    c.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": user.as_uri(),
                "languageId": "rholang",
                "version": 1,
                "text": user.read_text(),
            }
        },
    )
    res = await c.request(
        "textDocument/rename",
        {
            "textDocument": {"uri": user.as_uri()},
            "position": {"line": 0, "character": 3},
            "newName": "renamed",
        },
    )
    touched = set((res or {}).get("changes", {})) | {
        d["textDocument"]["uri"] for d in (res or {}).get("documentChanges", [])
    }
    assert touched <= {user.as_uri()}, touched
    assert secret.read_text() == SECRET


async def test_link_inside_the_workspace_is_indexed(
    tmp_path: Path, start: Callable[..., Any]
) -> None:
    ws = tmp_path / "ws"
    (ws / "lib").mkdir(parents=True)
    (ws / "lib" / "real.rho").write_text('contract @"insideContract"(ret) = { ret!(1) }\n')
    c = await start(ws)
    link = ws / "alias.rho"
    link.symlink_to(ws / "lib" / "real.rho")
    (ws / "lib" / "real.rho").write_text('contract @"insideContract2"(ret) = { ret!(1) }\n')
    c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": link.as_uri(), "type": 1}]})
    await _quiesce(c)
    hits = await c.request("workspace/symbol", {"query": "insideContract2"})
    assert {h["location"]["uri"] for h in hits} >= {link.as_uri()}


async def test_rename_drops_edits_outside_the_folders_even_if_indexed(
    tmp_path: Path, start: Callable[..., Any]
) -> None:
    """Defence in depth: an index entry for a link out of the root (say from an older
    server version's cache) still gets no edit."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (tmp_path / "outside").mkdir()
    secret = tmp_path / "outside" / "secret.rho"
    secret.write_text(SECRET)
    user = ws / "user.rho"
    user.write_text('@"secretContract"!(1)\n')
    c = await start(ws)
    evil = ws / "evil.rho"
    evil.symlink_to(secret)
    from rholang_lsp.workspace.analysis import summarize_text

    (shared,) = session_indexing(c.session).workspaces  # type: ignore[attr-defined]
    shared.index.update(evil.as_uri(), summarize_text(evil.as_uri(), SECRET))
    c.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": user.as_uri(),
                "languageId": "rholang",
                "version": 1,
                "text": user.read_text(),
            }
        },
    )
    res = await c.request(
        "textDocument/rename",
        {
            "textDocument": {"uri": user.as_uri()},
            "position": {"line": 0, "character": 3},
            "newName": "renamed",
        },
    )
    assert set(res["changes"]) == {user.as_uri()}
