"""Navigation to files that are not open: the server indexes the workspace folder from disk."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

LIB_TEXT = (
    "// lib.rho\n/// Looks things up.\n/// @param key what to look up\n"
    'contract @"lookup"(@key, ret) = { ret!(key) } |\n'
    'contract @"lookup"(@"all", ret) = { ret!([]) }\n'
)
APP_TEXT = 'new r in {\n  @"lookup"!("k", *r) |\n  @"lookup"!("all", *r)\n}'


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def ws_client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "lib.rho").write_text(LIB_TEXT, encoding="utf-8")
    (tmp_path / "app.rho").write_text(APP_TEXT, encoding="utf-8")
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            workspace_folders=[t.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        )
    )
    app = (tmp_path / "app.rho").as_uri()
    lsp_client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=app, language_id="rholang", version=1, text=APP_TEXT
            )
        )
    )
    await _indexed(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def _indexed(client: LanguageClient) -> None:
    """Wait (event-driven) for the server's "indexed N files" log message."""
    while not any("indexed" in m.message and "files" in m.message for m in client.log_messages):
        await client.wait_for_notification("window/logMessage")


async def test_definition_references_rename_into_closed_file(ws_client: LanguageClient) -> None:
    root: Path = ws_client.root  # type: ignore[attr-defined]
    app = (root / "app.rho").as_uri()
    lib = (root / "lib" / "lib.rho").as_uri()
    ident = t.TextDocumentIdentifier(uri=app)
    # overloads: `"k"` matches only the general contract, `"all"` the literal one
    defs = await ws_client.text_document_definition_async(
        t.DefinitionParams(text_document=ident, position=t.Position(line=1, character=5))
    )
    assert isinstance(defs, list) and [(d.uri, d.range.start.line) for d in defs] == [(lib, 3)]
    defs = await ws_client.text_document_definition_async(
        t.DefinitionParams(text_document=ident, position=t.Position(line=2, character=5))
    )
    assert isinstance(defs, list) and [(d.uri, d.range.start.line) for d in defs] == [(lib, 4)]
    refs = await ws_client.text_document_references_async(
        t.ReferenceParams(
            text_document=ident,
            position=t.Position(line=1, character=5),
            context=t.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None and sorted((r.uri == lib, r.range.start.line) for r in refs) == [
        (False, 1),
        (False, 2),
    ]
    edit = await ws_client.text_document_rename_async(
        t.RenameParams(
            text_document=ident, position=t.Position(line=1, character=5), new_name="find"
        )
    )
    assert edit is not None and edit.changes is not None
    assert {u: len(es) for u, es in edit.changes.items()} == {app: 2, lib: 2}
    hov = await ws_client.text_document_hover_async(
        t.HoverParams(text_document=ident, position=t.Position(line=1, character=5))
    )
    assert hov is not None and isinstance(hov.contents, t.MarkupContent)
    assert "Looks things up." in hov.contents.value and "declared in lib.rho" in hov.contents.value
    syms = await ws_client.workspace_symbol_async(t.WorkspaceSymbolParams(query="lookup"))
    assert syms is not None and {s.location.uri for s in syms} == {lib}  # type: ignore[union-attr]


async def test_definition_and_references_asked_from_a_closed_file(
    ws_client: LanguageClient,
) -> None:
    # A client may ask from a file it has not opened (e.g. a peek view): the server
    # reads it from disk, inside the workspace folder.
    root: Path = ws_client.root  # type: ignore[attr-defined]
    lib = (root / "lib" / "lib.rho").as_uri()
    app = (root / "app.rho").as_uri()
    ident = t.TextDocumentIdentifier(uri=lib)
    name = t.Position(line=3, character=11)  # `lookup` in `contract @"lookup"(@key, ret)`
    defs = await ws_client.text_document_definition_async(
        t.DefinitionParams(text_document=ident, position=name)
    )
    assert isinstance(defs, list) and [(d.uri, d.range.start.line) for d in defs] == [(lib, 3)]
    refs = await ws_client.text_document_references_async(
        t.ReferenceParams(
            text_document=ident,
            position=name,
            context=t.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None and {(r.uri, r.range.start.line) for r in refs} >= {(app, 1), (app, 2)}
    outside = t.TextDocumentIdentifier(uri=(root.parent / "elsewhere.rho").as_uri())
    assert (
        await ws_client.text_document_definition_async(
            t.DefinitionParams(text_document=outside, position=name)
        )
        is None
    )
