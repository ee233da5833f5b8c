"""Typing states through a real client (pytest-lsp over stdio): what an editor shows while a
user types, one edit per keystroke, with the brackets the editor auto-closes."""

from __future__ import annotations

import asyncio
import sys

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

URI = "file:///tmp/e2e-typing/bank.rho"
TEXT = (
    "new out(`rho:io:stdout`), deposit in {\n"
    "  contract deposit(@amount, ret) = {\n"
    "    out!(amount)\n"
    "  } |\n"
    "  \n"
    "  out!(1)\n"
    "}\n"
)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[
            sys.executable,
            "-m",
            "rholang_lsp.cli.main",
            "serve",
            "--stdio",
            "--diagnostics-debounce",
            "0",
        ]
    )
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            workspace_folders=[t.WorkspaceFolder(uri="file:///tmp/e2e-typing", name="typing")],
        )
    )
    # every publish, by version: waiting for "the next notification" would miss one that
    # arrives in the same read as the one before it
    published: dict[int, list[t.Diagnostic]] = {}
    arrived = asyncio.Event()
    default = lsp_client.protocol.fm.features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: t.PublishDiagnosticsParams) -> None:
        default(params)  # pytest-lsp's own bookkeeping
        if params.uri == URI and params.version is not None:
            published[params.version] = list(params.diagnostics)
            arrived.set()

    lsp_client.protocol.fm.features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    lsp_client.published = published  # type: ignore[attr-defined]
    lsp_client.arrived = arrived  # type: ignore[attr-defined]
    lsp_client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=URI, language_id="rholang", version=1, text=TEXT)
        )
    )
    await Typist(lsp_client, 0, 0).diagnostics()
    yield
    await lsp_client.shutdown_session()


class Typist:
    """Types at a cursor, one didChange per keystroke, auto-closing `(`, `[`, `{`, `"`."""

    PAIRS = {"(": ")", "[": "]", "{": "}", '"': '"'}

    def __init__(self, client: LanguageClient, line: int, character: int) -> None:
        self.client = client
        self.line, self.character = line, character
        self.version = 1
        self.pending = ""

    def _insert(self, text: str) -> None:
        self.version += 1
        pos = t.Position(line=self.line, character=self.character)
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=URI, version=self.version),
                content_changes=[
                    t.TextDocumentContentChangePartial(range=t.Range(start=pos, end=pos), text=text)
                ],
            )
        )

    def type(self, chars: str) -> None:
        for ch in chars:
            if self.pending[:1] == ch:
                self.pending = self.pending[1:]
            elif ch in self.PAIRS:
                self._insert(ch + self.PAIRS[ch])
                self.pending = self.PAIRS[ch] + self.pending
            else:
                self._insert(ch)
            self.character += 1

    @property
    def position(self) -> t.Position:
        return t.Position(line=self.line, character=self.character)

    async def diagnostics(self) -> list[t.Diagnostic]:
        """The diagnostics published for the current version (waits for them)."""
        published = self.client.published  # type: ignore[attr-defined]
        arrived: asyncio.Event = self.client.arrived  # type: ignore[attr-defined]
        async with asyncio.timeout(60):
            while self.version not in published:
                arrived.clear()
                await arrived.wait()
        return list(published[self.version])


async def test_signature_help_and_completion_after_a_comma_with_the_paren_auto_closed(
    client: LanguageClient,
) -> None:
    typist = Typist(client, 4, 2)
    typist.type("deposit!(1,")
    sh = await client.text_document_signature_help_async(
        t.SignatureHelpParams(
            text_document=t.TextDocumentIdentifier(uri=URI), position=typist.position
        )
    )
    assert sh is not None and sh.active_parameter == 1
    assert sh.signatures[0].label == "deposit!(@amount, ret)"
    comp = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=URI), position=typist.position
        )
    )
    assert comp is not None
    items = comp.items if isinstance(comp, t.CompletionList) else comp
    labels = {i.label for i in items}
    assert {"*out", "*deposit"} <= labels and "matches" not in labels


async def test_an_auto_closed_block_is_not_an_error_while_it_is_typed(
    client: LanguageClient,
) -> None:
    typist = Typist(client, 4, 2)
    typist.type("for (x <- out) {")
    diags = await typist.diagnostics()
    empty = [d for d in diags if d.code == "empty-block"]
    assert empty and all(d.severity == t.DiagnosticSeverity.Hint for d in empty)
    # an edit elsewhere: the block is left empty, and that is an error again
    typist.version += 1
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=URI, version=typist.version),
            content_changes=[
                t.TextDocumentContentChangePartial(
                    range=t.Range(
                        start=t.Position(line=5, character=7), end=t.Position(line=5, character=8)
                    ),
                    text="2",
                )
            ],
        )
    )
    diags = await typist.diagnostics()
    assert [d.severity for d in diags if d.code == "empty-block"] == [t.DiagnosticSeverity.Error]


async def test_an_unclosed_string_is_named_and_the_rest_stays_quiet(
    client: LanguageClient,
) -> None:
    typist = Typist(client, 4, 2)
    typist.pending = ""
    for ch in 'out!("balance requested':  # typed without auto-closing
        typist._insert(ch)
        typist.character += 1
    diags = await typist.diagnostics()
    errors = [d for d in diags if d.severity == t.DiagnosticSeverity.Error]
    assert errors and errors[0].code == "unclosed-string" and errors[0].range.start.line == 4
    assert all(d.range.start.line in (4, 5) for d in errors), [(d.range, d.message) for d in errors]


async def test_a_binder_being_typed_is_not_replaced_by_an_existing_name(
    client: LanguageClient,
) -> None:
    typist = Typist(client, 4, 2)
    typist.type("for (@(_, dep")
    comp = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=URI), position=typist.position
        )
    )
    assert comp is not None
    items = comp.items if isinstance(comp, t.CompletionList) else comp
    assert items[0].label == "dep"  # Enter keeps the new binder
    assert "=*deposit" in [i.label for i in items]


async def test_warnings_elsewhere_stay_while_a_syntax_error_is_typed(
    client: LanguageClient,
) -> None:
    typist = Typist(client, 4, 2)
    typist.type("new spare in { Nil } |")
    before = await typist.diagnostics()
    assert [d.code for d in before if d.code == "unused-name"] == ["unused-name"]
    typist.line, typist.character = 2, 16  # after `out!(amount)`, in the contract's body
    typist.type(" |")  # a dangling `|` in another block
    after = await typist.diagnostics()
    assert any(d.code == "dangling-bar" for d in after)
    assert [d.code for d in after if d.code == "unused-name"] == ["unused-name"]


async def test_an_unclosed_brace_is_named_where_its_block_ends(client: LanguageClient) -> None:
    # typed without auto-closing, inside the contract body: `new tmp in {` and a send
    typist = Typist(client, 2, 4)
    for ch in "new tmp in {\n    tmp!(1) |\n    ":
        typist._insert(ch)
        if ch == "\n":
            typist.line, typist.character = typist.line + 1, 0
        else:
            typist.character += 1
    diags = await typist.diagnostics()
    errors = [d for d in diags if d.severity == t.DiagnosticSeverity.Error]
    assert errors, diags
    # the `{` just typed (line 2, col 15) is named, at the end of the contract's block,
    # not at the end of the file naming the outermost block
    assert any("opened at 3:16" in d.message for d in errors), [d.message for d in errors]
    assert all(d.range.start.line <= 5 for d in errors), [(d.range, d.message) for d in errors]
