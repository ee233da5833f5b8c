"""Editing features end to end: the real server over stdio, driven by pytest-lsp's client."""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = "file:///tmp/e2e-edit"
A = ROOT + "/a.rho"
# line 0 has a non-BMP character before `x`, so UTF-16 columns differ from code points
A_TEXT = (
    "new out(`rho:io:stdout`), x in { /* 😀 */ x!(1) |\n"
    "  /// Says hi.\n"
    "  /// @param who the person\n"
    "  contract x(@who) = { out!(who) } |\n"
    "  for (y <- x) { Nil }\n"
    "}\n"
)
UGLY = ROOT + "/ugly.rho"
UGLY_TEXT = "new x in{\nx!(1)|x!(2)\n}"
SORT = ROOT + "/sort.rho"
SORT_TEXT = "new zeta, alpha in { zeta!(1) | alpha!(1) | for (zeta <- alpha) { zeta!(2) } }"
BROKEN = ROOT + "/broken.rho"
BROKEN_TEXT = "new x in { x!("


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(
                general=t.GeneralClientCapabilities(
                    position_encodings=[t.PositionEncodingKind.Utf16]
                ),
                text_document=t.TextDocumentClientCapabilities(
                    completion=t.CompletionClientCapabilities(
                        completion_item=t.ClientCompletionItemOptions(
                            snippet_support=True,
                            documentation_format=[t.MarkupKind.Markdown, t.MarkupKind.PlainText],
                        )
                    )
                ),
            ),
            workspace_folders=[t.WorkspaceFolder(uri=ROOT, name="edit")],
            initialization_options={"rholang": {"inlayHints": {"parameterNames": True}}},
        )
    )
    for uri, text in ((A, A_TEXT), (UGLY, UGLY_TEXT), (BROKEN, BROKEN_TEXT), (SORT, SORT_TEXT)):
        lsp_client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(
                    uri=uri, language_id="rholang", version=1, text=text
                )
            )
        )
    yield
    await lsp_client.shutdown_session()


def doc(uri: str) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri=uri)


def pos(line: int, ch: int) -> t.Position:
    return t.Position(line=line, character=ch)


async def test_semantic_tokens_full(client: LanguageClient) -> None:
    result = await client.protocol.send_request_async(
        t.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, t.SemanticTokensParams(text_document=doc(A))
    )
    assert result is not None and len(result.data) % 5 == 0 and result.data


async def test_completion_in_broken_code(client: LanguageClient) -> None:
    res = await client.text_document_completion_async(
        t.CompletionParams(text_document=doc(BROKEN), position=pos(0, 14))
    )
    assert isinstance(res, t.CompletionList)
    labels = [i.label for i in res.items]
    assert "*x" in labels and "Nil" in labels
    item = next(i for i in res.items if i.label == "*x")
    assert isinstance(item.text_edit, t.TextEdit)
    assert item.text_edit.range.start == pos(0, 14)


async def test_completion_snippet_utf16_and_resolve(client: LanguageClient) -> None:
    # after `x!(1) | ` on line 4 start: type at line 4 col 2 (before `for`)
    res = await client.text_document_completion_async(
        t.CompletionParams(text_document=doc(A), position=pos(4, 2))
    )
    assert isinstance(res, t.CompletionList)
    x = next(i for i in res.items if i.label == "x")
    assert x.insert_text_format == t.InsertTextFormat.Snippet
    assert isinstance(x.text_edit, t.TextEdit) and x.text_edit.new_text == "x!(${1:who})"
    resolved = await client.completion_item_resolve_async(x)
    assert isinstance(resolved.documentation, t.MarkupContent)
    assert resolved.documentation.kind == t.MarkupKind.Markdown  # the client listed it
    assert "Says hi." in (
        resolved.documentation.value
        if isinstance(resolved.documentation, t.MarkupContent)
        else resolved.documentation
    )


async def test_signature_help_with_param_docs(client: LanguageClient) -> None:
    # inside `x!(1)` on line 0: `(` is at code point 42, UTF-16 column 43
    line0 = A_TEXT.split("\n")[0]
    col = len(line0[: line0.index("x!(") + 3].encode("utf-16-le")) // 2
    res = await client.text_document_signature_help_async(
        t.SignatureHelpParams(text_document=doc(A), position=pos(0, col))
    )
    assert res is not None
    sig = res.signatures[0]
    assert sig.label == "x!(@who)"
    assert sig.parameters is not None and sig.parameters[0].label == (3, 7)
    assert res.active_parameter == 0


async def test_semantic_tokens_delta_and_range(client: LanguageClient) -> None:
    full = await client.text_document_semantic_tokens_full_async(
        t.SemanticTokensParams(text_document=doc(A))
    )
    assert full is not None and full.result_id
    delta = await client.text_document_semantic_tokens_full_delta_async(
        t.SemanticTokensDeltaParams(text_document=doc(A), previous_result_id=full.result_id)
    )
    assert isinstance(delta, t.SemanticTokensDelta) and not delta.edits
    rng = await client.text_document_semantic_tokens_range_async(
        t.SemanticTokensRangeParams(
            text_document=doc(A), range=t.Range(start=pos(3, 0), end=pos(4, 0))
        )
    )
    assert rng is not None and 0 < len(rng.data) < len(full.data)


async def test_folding_and_selection(client: LanguageClient) -> None:
    folds = await client.text_document_folding_range_async(
        t.FoldingRangeParams(text_document=doc(A))
    )
    assert folds and any(f.start_line == 0 and f.end_line == 4 for f in folds)
    sel = await client.text_document_selection_range_async(
        t.SelectionRangeParams(text_document=doc(A), positions=[pos(3, 30)])
    )
    assert sel and sel[0].parent is not None


async def test_formatting_document_and_range(client: LanguageClient) -> None:
    edits = await client.text_document_formatting_async(
        t.DocumentFormattingParams(
            text_document=doc(UGLY), options=t.FormattingOptions(tab_size=4, insert_spaces=True)
        )
    )
    assert edits
    assert any(e.new_text == "\n    " for e in edits)
    none = await client.text_document_formatting_async(
        t.DocumentFormattingParams(
            text_document=doc(BROKEN), options=t.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    )
    assert none is not None and len(none) == 0
    partial = await client.text_document_range_formatting_async(
        t.DocumentRangeFormattingParams(
            text_document=doc(UGLY),
            range=t.Range(start=pos(1, 0), end=pos(1, 5)),
            options=t.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert partial is not None and 0 < len(partial) < len(edits)


async def test_code_actions(client: LanguageClient) -> None:
    inner = SORT_TEXT.index("zeta <-")
    diag = t.Diagnostic(
        range=t.Range(start=pos(0, inner), end=pos(0, inner + 4)),
        message="`zeta` shadows the `zeta` declared on line 1.",
        code="shadowing",
    )
    acts = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=doc(SORT),
            range=t.Range(start=pos(0, inner), end=pos(0, inner)),
            context=t.CodeActionContext(diagnostics=[diag]),
        )
    )
    assert acts is not None
    by_title = {a.title: a for a in acts if isinstance(a, t.CodeAction)}
    fix = by_title["Rename `zeta` to `zeta2`"]
    assert fix.kind == t.CodeActionKind.QuickFix
    assert fix.diagnostics and fix.diagnostics[0].code == "shadowing"
    assert fix.edit is not None and fix.edit.changes is not None
    assert len(fix.edit.changes[SORT]) == 2
    acts = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=doc(SORT),
            range=t.Range(start=pos(0, 0), end=pos(0, 3)),
            context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.Source]),
        )
    )
    assert acts is not None
    assert [a.title for a in acts if isinstance(a, t.CodeAction)] == ["Sort `new` declarations"]


async def test_inlay_hints_enabled_by_init_options(client: LanguageClient) -> None:
    hints = await client.text_document_inlay_hint_async(
        t.InlayHintParams(text_document=doc(A), range=t.Range(start=pos(0, 0), end=pos(5, 0)))
    )
    assert hints is not None
    assert [h.label for h in hints] == ["who:"]
    line0 = A_TEXT.split("\n")[0]
    assert hints[0].position == pos(
        0, len(line0[: line0.index("x!(1)") + 3].encode("utf-16-le")) // 2
    )


TYPING = ROOT + "/typing.rho"
TYPING_TEXT = "new x in {\n  contract x(@a, @b) = { Nil } |\n  Nil\n}\n"


def _type(
    client: LanguageClient, version: int, start: t.Position, end: t.Position, text: str
) -> None:
    """One incremental didChange on TYPING (the next request follows it at once)."""
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=TYPING, version=version),
            content_changes=[
                t.TextDocumentContentChangePartial(range=t.Range(start=start, end=end), text=text)
            ],
        )
    )


async def _labels(client: LanguageClient, at: t.Position) -> list[str]:
    res = await client.text_document_completion_async(
        t.CompletionParams(text_document=doc(TYPING), position=at)
    )
    assert isinstance(res, t.CompletionList)
    return [i.label for i in res.items]


async def test_completion_and_signature_help_right_after_incremental_changes(
    client: LanguageClient,
) -> None:
    """Each request follows its didChange at once (no diagnostics in between): the answer
    comes from the parse of that very version (``Snapshot.parse``, no bind)."""
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=TYPING, language_id="rholang", version=1, text=TYPING_TEXT
            )
        )
    )
    # line 2 `  Nil` -> `  new fresh in { f } | Nil`; the cursor after that `f`
    _type(client, 2, pos(2, 2), pos(2, 2), "new fresh in { f } | ")
    assert "fresh" in await _labels(client, pos(2, 18))
    # rename the new name: `fresh` is gone at once
    _type(client, 3, pos(2, 6), pos(2, 11), "other")
    labels = await _labels(client, pos(2, 18))
    assert "fresh" not in labels and "for" in labels
    _type(client, 4, pos(2, 17), pos(2, 18), "o")
    assert "other" in await _labels(client, pos(2, 18))
    # `{ o }` -> `{ x!(1,  }`: signature help inside the unclosed argument list
    _type(client, 5, pos(2, 17), pos(2, 18), "x!(1, ")
    res = await client.text_document_signature_help_async(
        t.SignatureHelpParams(text_document=doc(TYPING), position=pos(2, 23))
    )
    assert res is not None and res.active_parameter == 1
    assert res.signatures[res.active_signature or 0].label == "x!(@a, @b)"
