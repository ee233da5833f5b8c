"""Navigation end to end: the real server over stdio, driven by pytest-lsp's client."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = "file:///tmp/e2e-nav"
FOO = ROOT + "/foo.rho"
LIB = ROOT + "/lib.rho"
APP = ROOT + "/app.rho"

# line 0 holds a non-BMP character before `foo`, so UTF-16 columns differ from code points
FOO_TEXT = "new foo in { /* 😀 */ foo!(1) |\n  contract foo(@x) = { Nil }\n}"
LIB_TEXT = '/// The greeter.\n/// @param who the person\ncontract @"greet"(@who) = { Nil }'
APP_TEXT = 'new x in { @"greet"!("bob") | x!(1) }'


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def nav_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(
                general=t.GeneralClientCapabilities(
                    position_encodings=[t.PositionEncodingKind.Utf16]
                ),
                workspace=t.WorkspaceClientCapabilities(
                    workspace_edit=t.WorkspaceEditClientCapabilities(document_changes=True)
                ),
            ),
            workspace_folders=[t.WorkspaceFolder(uri=ROOT, name="nav")],
        )
    )
    for uri, text in ((FOO, FOO_TEXT), (LIB, LIB_TEXT), (APP, APP_TEXT)):
        lsp_client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(
                    uri=uri, language_id="rholang", version=3, text=text
                )
            )
        )
    yield
    await lsp_client.shutdown_session()


def pos(line: int, ch: int) -> t.Position:
    return t.Position(line=line, character=ch)


def rng(l1: int, c1: int, l2: int, c2: int) -> t.Range:
    return t.Range(start=pos(l1, c1), end=pos(l2, c2))


def doc(uri: str) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri=uri)


async def test_definition_and_declaration_utf16(nav_client: LanguageClient) -> None:
    # `foo` in `foo!(1)`: code points 21-24, UTF-16 columns 22-25 (the emoji is two units)
    use = pos(0, 23)
    defs = await nav_client.text_document_definition_async(
        t.DefinitionParams(text_document=doc(FOO), position=use)
    )
    assert isinstance(defs, list)
    assert [(d.uri, d.range) for d in defs] == [(FOO, rng(1, 11, 1, 14))]
    decl = await nav_client.text_document_declaration_async(
        t.DeclarationParams(text_document=doc(FOO), position=use)
    )
    assert isinstance(decl, list)
    assert [(d.uri, d.range) for d in decl] == [(FOO, rng(0, 4, 0, 7))]


async def test_references_and_highlight(nav_client: LanguageClient) -> None:
    refs = await nav_client.text_document_references_async(
        t.ReferenceParams(
            text_document=doc(FOO),
            position=pos(0, 4),
            context=t.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None
    assert sorted((r.range.start.line, r.range.start.character) for r in refs) == [(0, 22), (1, 11)]
    hl = await nav_client.text_document_document_highlight_async(
        t.DocumentHighlightParams(text_document=doc(FOO), position=pos(0, 4))
    )
    assert hl is not None
    assert [(h.range.start.character, h.kind) for h in hl] == [
        (4, t.DocumentHighlightKind.Write),
        (22, t.DocumentHighlightKind.Read),
        (11, t.DocumentHighlightKind.Read),
    ]


async def test_cross_file_quoted_name(nav_client: LanguageClient) -> None:
    at = pos(0, 14)  # inside "greet" in app.rho
    defs = await nav_client.text_document_definition_async(
        t.DefinitionParams(text_document=doc(APP), position=at)
    )
    assert isinstance(defs, list)
    assert [(d.uri, d.range) for d in defs] == [(LIB, rng(2, 11, 2, 16))]
    refs = await nav_client.text_document_references_async(
        t.ReferenceParams(
            text_document=doc(LIB),
            position=pos(2, 12),
            context=t.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None and {r.uri for r in refs} == {LIB, APP}
    hov = await nav_client.text_document_hover_async(
        t.HoverParams(text_document=doc(APP), position=at)
    )
    assert hov is not None and isinstance(hov.contents, t.MarkupContent)
    assert "The greeter." in hov.contents.value and "**who**" in hov.contents.value
    assert "declared in lib.rho" in hov.contents.value


async def test_rename_uses_document_changes_with_versions(nav_client: LanguageClient) -> None:
    prep = await nav_client.text_document_prepare_rename_async(
        t.PrepareRenameParams(text_document=doc(APP), position=pos(0, 14))
    )
    assert prep is not None
    edit = await nav_client.text_document_rename_async(
        t.RenameParams(text_document=doc(APP), position=pos(0, 14), new_name="welcome")
    )
    assert edit is not None and edit.document_changes is not None
    by_uri = {}
    for change in edit.document_changes:
        assert isinstance(change, t.TextDocumentEdit)
        assert change.text_document.version == 3
        by_uri[change.text_document.uri] = [(e.range, e.new_text) for e in change.edits]
    assert by_uri == {LIB: [(rng(2, 11, 2, 16), "welcome")], APP: [(rng(0, 13, 0, 18), "welcome")]}


async def test_rename_rejects_keywords(nav_client: LanguageClient) -> None:
    with pytest.raises(Exception) as err:
        await nav_client.text_document_rename_async(
            t.RenameParams(text_document=doc(FOO), position=pos(0, 4), new_name="contract")
        )
    assert "keyword" in str(err.value)


async def test_symbols(nav_client: LanguageClient) -> None:
    syms = await nav_client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=doc(FOO))
    )
    assert syms is not None
    # declarations, not statements: the `new` name and the contract, no `new` node
    assert all(isinstance(s, t.DocumentSymbol) for s in syms)
    assert [(s.name, s.kind) for s in syms] == [
        ("foo", t.SymbolKind.Variable),
        ("foo", t.SymbolKind.Function),
    ]
    assert [c.name for c in syms[1].children or []] == ["x"]  # type: ignore[union-attr]
    ws = await nav_client.workspace_symbol_async(t.WorkspaceSymbolParams(query="gre"))
    assert ws is not None
    assert [(s.name, s.location.uri) for s in ws] == [("greet", LIB)]  # type: ignore[union-attr]
