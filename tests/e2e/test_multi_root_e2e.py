"""One session, two workspace folders: workspace-wide features see both roots.

Folder ``a`` calls a contract defined in folder ``b`` (neither file of ``b`` is
open). Definition, references, rename and workspace/symbol must cross the
folder boundary, in both directions (pytest-lsp client over stdio).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

APP_TEXT = 'new r in {\n  @"lookup"!("k", *r) |\n  contract @"alpha"(ret) = { ret!(1) }\n}'
LIB_TEXT = 'contract @"lookup"(@key, ret) = { ret!(key) }\n'
USER_TEXT = 'new r in {\n  @"lookup"!("other", *r) |\n  @"alpha"!(*r)\n}'


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "app.rho").write_text(APP_TEXT, encoding="utf-8")
    (tmp_path / "b" / "lib.rho").write_text(LIB_TEXT, encoding="utf-8")
    (tmp_path / "b" / "user.rho").write_text(USER_TEXT, encoding="utf-8")
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            workspace_folders=[
                t.WorkspaceFolder(uri=(tmp_path / "a").as_uri(), name="a"),
                t.WorkspaceFolder(uri=(tmp_path / "b").as_uri(), name="b"),
            ],
        )
    )
    app = (tmp_path / "a" / "app.rho").as_uri()
    lsp_client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=app, language_id="rholang", version=1, text=APP_TEXT
            )
        )
    )
    await _indexed(lsp_client, 2)
    yield
    await lsp_client.shutdown_session()


async def _indexed(client: LanguageClient, roots: int) -> None:
    """Wait (event-driven) for one "indexed N files" log message per root."""

    def done() -> int:
        return sum("indexed" in m.message and "files" in m.message for m in client.log_messages)

    while done() < roots:
        await client.wait_for_notification("window/logMessage")


async def test_features_cross_workspace_folders(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    app = (root / "a" / "app.rho").as_uri()
    lib = (root / "b" / "lib.rho").as_uri()
    user = (root / "b" / "user.rho").as_uri()
    ident = t.TextDocumentIdentifier(uri=app)
    lookup = t.Position(line=1, character=5)

    # a global name defined in folder b, used from folder a (the first folder)
    defs = await client.text_document_definition_async(
        t.DefinitionParams(text_document=ident, position=lookup)
    )
    assert isinstance(defs, list) and [(d.uri, d.range.start.line) for d in defs] == [(lib, 0)]
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=ident,
            position=lookup,
            context=t.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None and {r.uri for r in refs} == {app, lib, user}
    edit = await client.text_document_rename_async(
        t.RenameParams(text_document=ident, position=lookup, new_name="find")
    )
    assert edit is not None and edit.changes is not None
    assert {u: len(es) for u, es in edit.changes.items()} == {app: 1, lib: 1, user: 1}

    # and the other way round: a name of folder a, referenced from folder b
    alpha = t.Position(line=2, character=14)
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=ident,
            position=alpha,
            context=t.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None and [(r.uri, r.range.start.line) for r in refs] == [(user, 2)]

    # workspace/symbol searches every folder
    syms = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="lookup"))
    assert syms is not None and {s.location.uri for s in syms} == {lib}
    syms = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="alpha"))
    assert syms is not None and {s.location.uri for s in syms} == {app}
