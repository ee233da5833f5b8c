"""Typing end to end: the real server over stdio, incremental didChange, diagnostics.

Every ``publishDiagnostics`` is recorded (the client's handler is wrapped) so that
the test can check the whole sequence, not just the last one: versions only go
up, each published list is exactly the diagnostics of the text of its version,
and the last one is the final version's.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.syntax.line_index import LineIndex

ROOT = "file:///tmp/e2e-incremental"
A = ROOT + "/typed.rho"
SVC = ROOT + "/svc.rho"
USER = ROOT + "/user.rho"

# typed one character at a time; ends with one unbound variable (`y`), and a non-BMP
# character so that UTF-16 columns differ from code points
PROGRAM = 'new out(`rho:io:stdout`) in {\n  out!("😀") |\n  for (x <- out) { y!(*x) }\n}\n'


class Recorder:
    def __init__(self) -> None:
        self.published: list[t.PublishDiagnosticsParams] = []
        self._waiters: list[tuple[str, int, asyncio.Future[None]]] = []

    def __call__(self, params: t.PublishDiagnosticsParams) -> None:
        self.published.append(params)
        for uri, version, fut in self._waiters:
            if params.uri == uri and params.version == version and not fut.done():
                fut.set_result(None)

    async def wait(self, uri: str, version: int, timeout: float = 15.0) -> None:
        if any(p.uri == uri and p.version == version for p in self.published):
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((uri, version, fut))
        await asyncio.wait_for(fut, timeout)

    def of(self, uri: str) -> list[t.PublishDiagnosticsParams]:
        return [p for p in self.published if p.uri == uri]


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    recorder = Recorder()
    features = lsp_client.protocol.fm.features
    default = features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: t.PublishDiagnosticsParams) -> Any:
        recorder(params)
        return default(params)

    features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(
                general=t.GeneralClientCapabilities(
                    position_encodings=[t.PositionEncodingKind.Utf16]
                )
            ),
            workspace_folders=[t.WorkspaceFolder(uri=ROOT, name="incremental")],
        )
    )
    lsp_client.recorder = recorder  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=uri, language_id="rholang", version=version, text=text
            )
        )
    )


def insert(client: LanguageClient, uri: str, version: int, text: str, offset: int, new: str) -> str:
    """Send ``text[offset:offset] = new`` as an incremental change; return the new text."""
    line, ch = LineIndex(text).position(offset)
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                t.TextDocumentContentChangePartial(
                    range=t.Range(start=t.Position(line, ch), end=t.Position(line, ch)), text=new
                )
            ],
        )
    )
    return text[:offset] + new + text[offset:]


def expected(text: str) -> list[tuple[int, int, int, int, str, str]]:
    """The diagnostics of ``text`` alone, as the server should publish them (UTF-16)."""
    index = LineIndex(text)
    out = []
    for d in document_diagnostics(text):
        sl, sc = index.position(d.start)
        el, ec = index.position(d.end)
        out.append((sl, sc, el, ec, str(d.code), d.message))
    return sorted(out)


def published(p: t.PublishDiagnosticsParams) -> list[tuple[int, int, int, int, str, str]]:
    out = []
    for d in p.diagnostics:
        r = d.range
        out.append(
            (r.start.line, r.start.character, r.end.line, r.end.character, str(d.code), d.message)
        )
    return sorted(out)


async def test_typing_char_by_char_publishes_only_right_diagnostics(client: Any) -> None:
    lsp: LanguageClient = client
    rec: Recorder = client.recorder
    text = ""
    texts = {1: text}
    open_doc(lsp, A, text)
    version = 1
    for ch in PROGRAM:  # type the program, one incremental change per character
        version += 1
        text = insert(lsp, A, version, text, len(text), ch)
        texts[version] = text
    # then edit inside the block: `y!(*x)` -> `out!(*x)` typed in the middle of the file
    at = text.index("y!(*x)")
    text = text[:at] + text[at + 1 :]
    version += 1
    lsp.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=A, version=version),
            content_changes=[
                t.TextDocumentContentChangePartial(
                    range=t.Range(start=t.Position(2, 19), end=t.Position(2, 20)), text=""
                )
            ],
        )
    )
    texts[version] = text
    for i, ch in enumerate("out"):
        version += 1
        text = insert(lsp, A, version, text, at + i, ch)
        texts[version] = text
    final = version
    await rec.wait(A, final)
    mine = rec.of(A)
    versions = [p.version or 0 for p in mine]
    assert versions == sorted(set(versions)), versions  # never an older version after a newer
    assert versions[-1] == final
    for p in mine:  # each publish is exactly its version's diagnostics
        assert p.version is not None
        assert published(p) == expected(texts[p.version]), p.version
    assert text == PROGRAM.replace("y!(*x)", "out!(*x)")
    assert expected(text) == []  # the final program is clean
    # the intermediate, unbound-`y` version was right too, when computed
    assert any(code == "unbound-variable" for *_, code, _ in expected(texts[final - 4]))


async def test_cross_file_arity_warning_and_hint(client: Any) -> None:
    lsp: LanguageClient = client
    rec: Recorder = client.recorder
    # `plain` is free in svc.rho: a file-level contract on a plain name (an error there)
    open_doc(
        lsp,
        SVC,
        'new o in {\n  contract @"svc"(a, b) = { Nil } |\n  contract plain(x) = { Nil }\n}\n',
    )
    await rec.wait(SVC, 1)
    text = 'new x in {\n  @"svc"!(1)\n}\n'
    open_doc(lsp, USER, text)
    await rec.wait(USER, 1)
    (first,) = rec.of(USER)
    arity = [d for d in first.diagnostics if d.code == "arity-mismatch"]
    assert len(arity) == 1
    assert arity[0].range.start == t.Position(1, 2)
    assert arity[0].severity == t.DiagnosticSeverity.Warning
    assert arity[0].related_information and arity[0].related_information[0].location.uri == SVC
    # type a use of the plain name `plain` (a contract in the other file): the cross-file hint
    text = insert(lsp, USER, 2, text, text.index("@"), "plain!(0) | ")
    await rec.wait(USER, 2)
    last = rec.of(USER)[-1]
    assert any(d.code == "cross-file-contract-hint" for d in last.diagnostics)
    # give the send its second argument: the arity warning goes
    insert(lsp, USER, 3, text, text.index("(1)") + 2, ", 2")
    await rec.wait(USER, 3)
    last = rec.of(USER)[-1]
    assert last.version == 3
    assert not any(d.code == "arity-mismatch" for d in last.diagnostics)
