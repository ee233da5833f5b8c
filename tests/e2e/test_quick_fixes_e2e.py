"""Quick fixes end to end (issue 14): the real server over stdio, driven by pytest-lsp.

Each scenario is code in the style of the RChain system contracts. The client opens it,
waits for the server's diagnostics, asks for code actions *with the diagnostics the
server published*, applies the preferred fix as an editor does (didChange), and waits
for the diagnostics of the new version: the answered diagnostic is gone and no new
error or warning has appeared.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from rholang_lsp.syntax.line_index import LineIndex

ROOT = "file:///tmp/e2e-quick-fixes"


class Published:
    """Every publishDiagnostics, so a test can wait for the one of a version."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, int | None], list[t.Diagnostic]] = {}
        self._waiters: list[tuple[str, int, asyncio.Future[list[t.Diagnostic]]]] = []

    def __call__(self, params: t.PublishDiagnosticsParams) -> None:
        self.by_key[(params.uri, params.version)] = params.diagnostics
        for uri, version, fut in self._waiters:
            if params.uri == uri and params.version == version and not fut.done():
                fut.set_result(params.diagnostics)

    async def wait(self, uri: str, version: int) -> list[t.Diagnostic]:
        if (uri, version) in self.by_key:
            return self.by_key[(uri, version)]
        fut: asyncio.Future[list[t.Diagnostic]] = asyncio.get_running_loop().create_future()
        self._waiters.append((uri, version, fut))
        return await asyncio.wait_for(fut, 20.0)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    published = Published()
    features = lsp_client.protocol.fm.features
    default = features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: t.PublishDiagnosticsParams) -> Any:
        published(params)
        return default(params)

    features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(
                general=t.GeneralClientCapabilities(
                    position_encodings=[t.PositionEncodingKind.Utf16]
                )
            ),
            workspace_folders=[t.WorkspaceFolder(uri=ROOT, name="fixes")],
        )
    )
    lsp_client.published = published  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _apply(text: str, edits: list[t.TextEdit]) -> str:
    index = LineIndex(text)  # the scenarios are ASCII: UTF-16 columns are code points
    spans = [
        (
            index.offset(e.range.start.line, e.range.start.character),
            index.offset(e.range.end.line, e.range.end.character),
            e.new_text,
        )
        for e in edits
    ]
    for s, e, new in sorted(spans, reverse=True):
        text = text[:s] + new + text[e:]
    return text


def _problems(diags: list[t.Diagnostic]) -> list[tuple[str, str]]:
    return [
        (str(d.code), d.message)
        for d in diags
        if d.severity in (t.DiagnosticSeverity.Error, t.DiagnosticSeverity.Warning)
    ]


SCENARIOS = [
    # (file, program, diagnostic code, preferred title, text expected in the result)
    (
        "vault_typo.rho",
        "new rl(`rho:registry:lookup`), revVaultCh, resultCh in {\n"
        "  rl!(`rho:rchain:revVault`, *revVaultCh) |\n"
        "  for (@(_, revVault) <- revVaultCh) {\n"
        '    @revVault!("findOrCreate", "1111abc", *resultCh) |\n'
        "    for (@result <- resltCh) { Nil }\n"
        "  }\n"
        "}\n",
        "unbound-variable",
        "Change to `resultCh`",
        "for (@result <- resultCh)",
    ),
    (
        "stdout.rho",
        "new rl(`rho:registry:lookup`), ch in {\n"
        "  rl!(`rho:rchain:revVault`, *ch) |\n"
        '  for (_ <- ch) { stdout!("RevVault found") }\n'
        "}\n",
        "unbound-variable",
        "Declare `stdout` as `rho:io:stdout` in the enclosing `new`",
        "new rl(`rho:registry:lookup`), ch, stdout(`rho:io:stdout`) in {",
    ),
    (
        "sort.rho",
        'contract RevVault(@"deposit", @amount, ret) = {\n  amount!(1) | ret!(true)\n}\n',
        "process-in-name-position",
        "Change to `@amount`",
        "@amount!(1)",
    ),
    (
        "uri.rho",
        'new out(`rho:io:stdot`) in { out!("minted") }\n',
        "unknown-system-uri",
        "Change to `rho:io:stdout`",
        "new out(`rho:io:stdout`)",
    ),
    (
        "literal.rho",
        'new ack in { "balances"!(0) | ack!(Nil) }\n',
        "literal-channel",
        'Quote the channel: `@"balances"`',
        '@"balances"!(0)',
    ),
    (
        "bar.rho",
        'new ret in {\n  ret!("ok")\n  ret!("again")\n}\n',
        "missing-bar",
        "Insert `|` between the processes",
        'ret!("ok") |\n',
    ),
    (
        "quote.rho",
        "new ret in { ret!('hello') }\n",
        "quote-ident",
        'Use a string: `"hello"`',
        'ret!("hello")',
    ),
    (
        "lookup.rho",
        "new rl(`rho:registry:lookup`), vaultCh in {\n"
        "  rl!(`rho:rchain:revVaul`, *vaultCh) |\n"
        "  for (@(_, RevVault) <- vaultCh) { Nil }\n"
        "}\n",
        "unknown-lookup-uri",
        "Change to `rho:rchain:revVault`",
        "rl!(`rho:rchain:revVault`, *vaultCh)",
    ),
    (
        "empty_block.rho",
        "new ret in {\n  for (_ <- ret) {}\n}\n",
        "empty-block",
        "Write `Nil` in the empty block",
        "for (_ <- ret) { Nil }",
    ),
    (
        "trailing_comma.rho",
        'new ret in {\n  ret!("a", "b",)\n}\n',
        "trailing-comma",
        "Remove the trailing comma",
        'ret!("a", "b")',
    ),
    (
        "nil.rho",
        "new ret in { ret!(nil) }\n",
        "unbound-variable",
        "Change to `Nil`",
        "ret!(Nil)",
    ),
]


@pytest.mark.parametrize(("name", "program", "code", "title", "expect"), SCENARIOS)
async def test_preferred_fix_removes_the_diagnostic(
    client: LanguageClient, name: str, program: str, code: str, title: str, expect: str
) -> None:
    published: Published = client.published  # type: ignore[attr-defined]
    uri = f"{ROOT}/{name}"
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=uri, language_id="rholang", version=1, text=program
            )
        )
    )
    before = await published.wait(uri, 1)
    target = [d for d in before if d.code == code]
    assert target, before
    acts = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=target[0].range,
            context=t.CodeActionContext(diagnostics=target),
        )
    )
    assert acts is not None
    fixes = [a for a in acts if isinstance(a, t.CodeAction)]
    preferred = [a for a in fixes if a.is_preferred]
    assert [a.title for a in preferred] == [title]
    assert fixes[0].title == title  # ranked first
    fix = preferred[0]
    assert fix.diagnostics and fix.diagnostics[0].code == code
    assert fix.edit is not None and fix.edit.changes is not None
    new_text = _apply(program, list(fix.edit.changes[uri]))
    assert expect in new_text
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=new_text)],
        )
    )
    after = await published.wait(uri, 2)
    assert not [d for d in after if d.code == code], after
    assert set(_problems(after)) <= set(_problems(before)), after
