"""Diagnostics as the node decides them, through a real client (pytest-lsp over stdio):
the comparison-intent warning and its quick fix, unused names as greyed hints, and the
dialect target deciding what a `new` may bind."""

from __future__ import annotations

import sys

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

URI = "file:///tmp/e2e-node-diagnostics/a.rho"
# the rnode spelling of a case pattern that was meant to compare: `{*thisDecr}`
PURSE = (
    "new letCh, thisPurse, unused, a, a in {\n"
    "  letCh!(bundle0{*thisPurse}) | a!(1) |\n"
    "  for (thisDecr <- letCh) {\n"
    "    contract thisPurse(@providedDecr, return) = {\n"
    "      match providedDecr { {*thisDecr} => return!(true)  _ => return!(false) }\n"
    "    }\n"
    "  }\n"
    "}\n"
)
URIS = 'new g(`rho:ai:gpt4`), v(`rho:rchain:revVault`), r in { g!("hi", *r) | v!(1) }\n'


async def _open(args: list[str], text: str) -> tuple[LanguageClient, list[types.Diagnostic]]:
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", *args]
    )
    client = await config.start()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                        tag_support=types.ClientDiagnosticsTagOptions(
                            value_set=[types.DiagnosticTag.Unnecessary]
                        )
                    )
                )
            )
        )
    )
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="rholang", version=1, text=text
            )
        )
    )
    params = await client.wait_for_notification("textDocument/publishDiagnostics")
    return client, list(params.diagnostics)


async def _close(client: LanguageClient) -> None:
    try:
        await client.shutdown_session()
    finally:
        await client.stop()


def _range(text: str, needle: str, occurrence: int = 0) -> types.Range:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start)
    col = start - (text.rfind("\n", 0, start) + 1)
    return types.Range(types.Position(line, col), types.Position(line, col + len(needle)))


async def test_comparison_intent_warning_and_its_quick_fix_on_rnode() -> None:
    client, diags = await _open(["--target", "rnode"], PURSE)
    try:
        by_code = {str(d.code): d for d in diags}
        # `new unused, a, a`: RNode binds the later `a`; nothing to report but the unused name
        assert sorted(by_code) == ["comparison-intent", "unused-name"]
        warn = by_code["comparison-intent"]
        assert warn.severity == types.DiagnosticSeverity.Warning
        assert warn.range == _range(PURSE, "*thisDecr")
        unused = [d for d in diags if d.code == "unused-name"]
        assert [d.range for d in unused] == [_range(PURSE, "unused")]
        assert unused[0].severity == types.DiagnosticSeverity.Hint
        assert list(unused[0].tags or ()) == [types.DiagnosticTag.Unnecessary]
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                range=warn.range,
                context=types.CodeActionContext(diagnostics=[warn]),
            )
        )
        fix = next(
            a
            for a in actions or []
            if isinstance(a, types.CodeAction) and "`=*thisDecr`" in a.title
        )
        assert fix.edit is not None and fix.edit.changes is not None
        (edit,) = fix.edit.changes[URI]
        assert edit.range == warn.range and edit.new_text == "=*thisDecr"
    finally:
        await _close(client)


async def test_the_target_node_decides_what_new_may_bind() -> None:
    client, diags = await _open(["--target", "rnode"], URIS)
    try:
        got = sorted((str(d.code), d.severity, d.range.start.character) for d in diags)
        assert got == sorted(
            [
                ("uri-not-on-target", types.DiagnosticSeverity.Error, URIS.index("`rho:ai")),
                (
                    "registry-shorthand-in-new",
                    types.DiagnosticSeverity.Error,
                    URIS.index("`rho:rc"),
                ),
            ]
        )
    finally:
        await _close(client)
    client, diags = await _open([], URIS)  # F1R3FLY binds gpt4; the shorthand is not bindable
    try:
        assert [str(d.code) for d in diags] == ["registry-shorthand-in-new"]
    finally:
        await _close(client)
