"""Embedded MeTTa end to end: the real server over stdio, driven by pytest-lsp's client.

One Rholang file holds a region of each detection form (directive, quoted channel,
``new``-bound channel, flow through a received name with a ``++`` hole), with non-BMP
characters and escapes before and inside the regions, so that UTF-16 columns, code
points and the decoded MeTTa text all differ. Every expected position is computed here
from the file's text (independently of the server's line index).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

_ROOT_DIR = Path(tempfile.mkdtemp(prefix="e2e-metta-"))
ROOT = _ROOT_DIR.as_uri()
RHO = ROOT + "/prog.rho"
LIB = ROOT + "/lib.metta"
LIB_TEXT = "; a MeTTa library on disk\n(= (libfn $q) (+ $q 1))\n(: libfn (-> Number Number))\n"
(_ROOT_DIR / "lib.metta").write_text(LIB_TEXT, encoding="utf-8")

TEXT = (
    "// ünïcödé 😀 before everything\n"
    "new mc(`rho:metta:compile`), ret, body in {\n"
    "  // @metta\n"
    '  @"scratch"!("(= (twice $x) (* 2 $x)) ; é😀") |\n'
    '  mc!("; 😀 \\"q\\"\\n(= (sq $x) (* $x $x))\\n(= (bad $a) (sq $a $b))", *ret) |\n'
    '  @"rho:metta:eval"!("!(sq (twice 3))") |\n'
    '  for (repl <- @"rho:metta:repl") {\n'
    '    repl!("(= (h $y)\n  (g $y " ++ *body ++ ")\n)")\n'
    "  }\n"
    "}\n"
)


def lsp_pos(text: str, offset: int) -> tuple[int, int]:
    """(line, UTF-16 column) of a code-point offset, computed from scratch."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return line, len(text[start:offset].encode("utf-16-le")) // 2


def span(text: str, needle: str, nth: int = 0, inner: str | None = None) -> tuple[int, int]:
    """Code-point range of ``inner`` (default: ``needle``) inside the nth ``needle``."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    sub = inner if inner is not None else needle
    s = i + needle.index(sub)
    return s, s + len(sub)


def lsp_range(text: str, s: int, e: int) -> t.Range:
    sl, sc = lsp_pos(text, s)
    el, ec = lsp_pos(text, e)
    return t.Range(start=t.Position(line=sl, character=sc), end=t.Position(line=el, character=ec))


def at(
    text: str, needle: str, nth: int = 0, inner: str | None = None, delta: int = 1
) -> t.Position:
    s, _ = span(text, needle, nth, inner)
    line, ch = lsp_pos(text, s + delta)
    return t.Position(line=line, character=ch)


def doc(uri: str) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri=uri)


class Published:
    def __init__(self) -> None:
        self.last: dict[str, t.PublishDiagnosticsParams] = {}
        self.changed = asyncio.Event()

    def __call__(self, params: t.PublishDiagnosticsParams) -> None:
        self.last[params.uri] = params
        self.changed.set()

    async def wait(self, uri: str, version: int | None) -> t.PublishDiagnosticsParams:
        while True:
            p = self.last.get(uri)
            if p is not None and (version is None or p.version == version):
                return p
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 15)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    pub = Published()
    features = lsp_client.protocol.fm.features
    default = features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: t.PublishDiagnosticsParams) -> Any:
        pub(params)
        return default(params)

    features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(
                general=t.GeneralClientCapabilities(
                    position_encodings=[t.PositionEncodingKind.Utf16]
                ),
                workspace=t.WorkspaceClientCapabilities(
                    workspace_edit=t.WorkspaceEditClientCapabilities(document_changes=False)
                ),
            ),
            workspace_folders=[t.WorkspaceFolder(uri=ROOT, name="metta")],
        )
    )
    lsp_client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=RHO, language_id="rholang", version=1, text=TEXT)
        )
    )
    lsp_client.published = pub  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_diagnostics_merged_into_the_parent_publish(client: Any) -> None:
    p = await client.published.wait(RHO, 1)
    metta = sorted(
        (d.code, d.range.start.line, d.range.start.character, d.range.end.character)
        for d in p.diagnostics
        if (d.source or "").startswith("metta")
    )
    b = span(TEXT, "(sq $a $b)", inner="$b")
    call = span(TEXT, "(sq $a $b)", inner="sq")
    expected = sorted(
        [
            ("metta-unbound-variable", *lsp_pos(TEXT, b[0]), lsp_pos(TEXT, b[1])[1]),
            ("metta-arity", *lsp_pos(TEXT, call[0]), lsp_pos(TEXT, call[1])[1]),
        ]
    )
    assert metta == expected
    # no MeTTa diagnostic across the `++ *body ++` hole, and the Rholang ones are still there
    assert not any(d.code == "metta-unclosed-paren" for d in p.diagnostics)


async def test_definition_across_regions_in_parent_coordinates(client: LanguageClient) -> None:
    defs = await client.text_document_definition_async(
        t.DefinitionParams(text_document=doc(RHO), position=at(TEXT, "!(sq", inner="sq"))
    )
    assert isinstance(defs, list)
    assert [(d.uri, d.range) for d in defs] == [
        (RHO, lsp_range(TEXT, *span(TEXT, "(sq $x)", inner="sq")))
    ]
    twice = await client.text_document_definition_async(
        t.DefinitionParams(text_document=doc(RHO), position=at(TEXT, "(twice 3)", inner="twice"))
    )
    assert isinstance(twice, list)
    assert [d.range for d in twice] == [lsp_range(TEXT, *span(TEXT, "(twice $x)", inner="twice"))]


async def test_references_and_highlights_of_a_variable(client: LanguageClient) -> None:
    pos = at(TEXT, "(sq $x)", inner="$x")
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=doc(RHO),
            position=pos,
            context=t.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None
    want = [lsp_range(TEXT, *span(TEXT, "(sq $x) (* $x $x)", inner=v)) for v in ("$x",)]
    s0 = span(TEXT, "(sq $x) (* $x $x)")[0]
    seg = TEXT[s0 : s0 + len("(sq $x) (* $x $x)")]
    want = [lsp_range(TEXT, s0 + i, s0 + i + 2) for i in range(len(seg)) if seg.startswith("$x", i)]
    assert [r.range for r in refs] == want and all(r.uri == RHO for r in refs)
    hls = await client.text_document_document_highlight_async(
        t.DocumentHighlightParams(text_document=doc(RHO), position=pos)
    )
    assert hls is not None
    assert [(h.range, h.kind) for h in hls] == [
        (want[0], t.DocumentHighlightKind.Write),
        (want[1], t.DocumentHighlightKind.Read),
        (want[2], t.DocumentHighlightKind.Read),
    ]


async def test_hover_shows_the_decoded_clauses(client: LanguageClient) -> None:
    h = await client.text_document_hover_async(
        t.HoverParams(text_document=doc(RHO), position=at(TEXT, "!(sq", inner="sq"))
    )
    assert h is not None and h.range == lsp_range(TEXT, *span(TEXT, "!(sq", inner="sq"))
    contents = h.contents
    value = contents.value if isinstance(contents, t.MarkupContent) else str(contents)
    assert "(= (sq $x) (* $x $x))" in value and "MeTTa function" in value


async def test_rename_a_function_in_every_region(client: LanguageClient) -> None:
    edit = await client.text_document_rename_async(
        t.RenameParams(
            text_document=doc(RHO), position=at(TEXT, "(sq $x)", inner="sq"), new_name="square"
        )
    )
    assert edit is not None and edit.changes is not None
    got = sorted(
        ((e.range.start.line, e.range.start.character), e.new_text) for e in edit.changes[RHO]
    )
    want = sorted(
        (lsp_pos(TEXT, s), "square")
        for s, _ in (
            span(TEXT, "(sq $x)", inner="sq"),
            span(TEXT, "(sq $a $b)", inner="sq"),
            span(TEXT, "!(sq", inner="sq"),
        )
    )
    assert got == want


def decode_tokens(data: list[int]) -> list[tuple[int, int, int, int]]:
    out = []
    line = ch = 0
    for i in range(0, len(data), 5):
        dl, dc, n, typ, _ = data[i : i + 5]
        line += dl
        ch = ch + dc if dl == 0 else dc
        out.append((line, ch, n, typ))
    return out


async def test_semantic_tokens_merged_into_the_parent_stream(client: LanguageClient) -> None:
    res = await client.text_document_semantic_tokens_full_async(
        t.SemanticTokensParams(text_document=doc(RHO))
    )
    assert res is not None
    toks = decode_tokens(res.data)
    function, variable, keyword, string = 2, 5, 6, 7
    sq = span(TEXT, "!(sq", inner="sq")
    assert (*lsp_pos(TEXT, sq[0]), 2, function) in toks
    eq = span(TEXT, "(= (sq", inner="=")
    assert (*lsp_pos(TEXT, eq[0]), 1, keyword) in toks
    bvar = span(TEXT, "(sq $a $b)", inner="$b")
    assert (*lsp_pos(TEXT, bvar[0]), 2, variable) in toks
    assert (0, 0, len("// ünïcödé 😀 before everything".encode("utf-16-le")) // 2, 10) in toks
    assert (*lsp_pos(TEXT, TEXT.index("new")), 3, keyword) in toks
    # the plain Rholang string `"scratch"` stays one string token
    sc = span(TEXT, '"scratch"')
    assert (*lsp_pos(TEXT, sc[0]), 9, string) in toks
    assert toks == sorted(toks)


async def test_outline_and_folding(client: LanguageClient) -> None:
    syms = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=doc(RHO))
    )
    assert syms is not None
    found: dict[str, t.DocumentSymbol] = {}
    stack = list(syms)
    while stack:
        s = stack.pop()
        assert isinstance(s, t.DocumentSymbol)
        found.setdefault(s.name, s)
        stack.extend(s.children or [])
    assert "MeTTa" in found and "sq" in found and "h" in found
    assert found["sq"].selection_range == lsp_range(TEXT, *span(TEXT, "(sq $x)", inner="sq"))
    folds = await client.text_document_folding_range_async(
        t.FoldingRangeParams(text_document=doc(RHO))
    )
    assert folds is not None
    h_line = lsp_pos(TEXT, TEXT.index("(= (h $y)"))[0]
    assert any(f.start_line == h_line and f.end_line == h_line + 1 for f in folds)


async def test_rholang_positions_still_answer_as_rholang(client: LanguageClient) -> None:
    h = await client.text_document_hover_async(
        t.HoverParams(text_document=doc(RHO), position=at(TEXT, "mc!", inner="mc", delta=0))
    )
    assert h is not None
    value = h.contents.value if isinstance(h.contents, t.MarkupContent) else str(h.contents)
    assert "rho:metta:compile" in value


async def test_metta_file_standalone_and_indexed(client: LanguageClient) -> None:
    syms = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="libfn"))
    assert syms is not None
    hit = [s for s in syms if s.name == "libfn"]
    assert hit and isinstance(hit[0], t.SymbolInformation | t.WorkspaceSymbol)
    loc = hit[0].location
    assert isinstance(loc, t.Location) and loc.uri == LIB
    assert loc.range == lsp_range(LIB_TEXT, *span(LIB_TEXT, "(libfn $q)", inner="libfn"))
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=LIB, language_id="metta", version=1, text=LIB_TEXT)
        )
    )
    p = await client.published.wait(LIB, 1)  # type: ignore[attr-defined]
    assert list(p.diagnostics) == []
    h = await client.text_document_hover_async(
        t.HoverParams(text_document=doc(LIB), position=at(LIB_TEXT, "(libfn $q)", inner="libfn"))
    )
    assert h is not None
    value = h.contents.value if isinstance(h.contents, t.MarkupContent) else str(h.contents)
    assert "(: libfn (-> Number Number))" in value
    fmt = await client.text_document_formatting_async(
        t.DocumentFormattingParams(
            text_document=doc(LIB), options=t.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    )
    assert not fmt  # never format MeTTa as Rholang


def _literal_contents(text: str) -> list[int]:
    """Offsets inside the MeTTa literals of ``TEXT``-like programs (between their quotes)."""
    out: list[int] = []
    for marker in ('mc!("', '@"rho:metta:eval"!("', '"scratch"!("'):
        i = text.find(marker)
        if i < 0:
            continue
        s = i + len(marker)
        e = s
        while e < len(text) and not (text[e] == '"' and text[e - 1] != "\\"):
            e += 1
        out.extend(range(s + 1, e))
    return out


def _key(d: t.Diagnostic) -> tuple[object, ...]:
    r = d.range
    return (r.start.line, r.start.character, r.end.line, r.end.character, d.code, d.message)


async def test_random_edits_match_a_fresh_open(client: Any) -> None:
    """Seeded random edits inside and outside the regions (incremental didChange, UTF-16
    ranges): the last publish equals the publish of a fresh open of the final text."""
    import random

    lsp: LanguageClient = client
    rnd = random.Random(16)
    pieces = [" ", "\n", "(", ")", "$z", "(sq 2)", '\\"', "é", "😀", "x", "; c", " | Nil"]
    text = TEXT
    version = 1
    await client.published.wait(RHO, 1)
    for step in range(14):
        inner = _literal_contents(text)
        if step % 2 == 0 and inner:
            start = rnd.choice(inner)
        else:
            start = rnd.randrange(len(text) + 1)
        end = min(len(text), start + rnd.choice([0, 0, 1, 2]))
        new = rnd.choice(pieces)
        version += 1
        lsp.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=RHO, version=version),
                content_changes=[
                    t.TextDocumentContentChangePartial(range=lsp_range(text, start, end), text=new)
                ],
            )
        )
        text = text[:start] + new + text[end:]
    incremental = await client.published.wait(RHO, version)
    other = ROOT + "/fresh.rho"
    lsp.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=other, language_id="rholang", version=1, text=text)
        )
    )
    fresh = await client.published.wait(other, 1)
    assert sorted(map(_key, incremental.diagnostics)) == sorted(map(_key, fresh.diagnostics))


async def test_completion_inside_a_region(client: LanguageClient) -> None:
    pos = at(TEXT, "!(sq (twice", inner="sq", delta=1)  # after `s` of `sq`
    res = await client.text_document_completion_async(
        t.CompletionParams(text_document=doc(RHO), position=pos)
    )
    assert isinstance(res, t.CompletionList)
    labels = {i.label: i for i in res.items}
    assert "sq" in labels and "twice" not in labels and "superpose" in labels
    edit = labels["sq"].text_edit
    assert isinstance(edit, t.TextEdit)
    s = span(TEXT, "!(sq (twice", inner="sq")[0]
    assert edit.range == lsp_range(TEXT, s, s + 1)
