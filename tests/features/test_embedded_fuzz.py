"""Random Rholang around MeTTa regions: detection, the virtual documents and every
embedded feature never raise, and every answer is a range of the parent text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.features import embedded as emb
from rholang_lsp.features.symbols import DocSymbol
from rholang_lsp.semantics.binder import Binder
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.embedded import EmbeddedRegistry

PIECES = [
    '@"rho:metta:eval"!("',
    "mc!(",
    "new mc(`rho:metta:compile`) in { ",
    'for (r <- @"rho:metta:repl") { r!("',
    "// @metta\n",
    '"',
    '" ++ x ++ "',
    " ++ ",
    "(= (f $x) ",
    "(f 1 2)",
    "$x",
    "$y",
    "(",
    ")",
    "\\",
    '\\"',
    "\\n",
    "; c\n",
    " ",
    "\n",
    "é😀",
    ") | ",
    "}",
    "{",
    "!",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_embedded_features_never_raise_and_stay_in_the_parent(text: str) -> None:
    p = parse(text)
    ef = EmbeddedRegistry().refresh("s", "file:///f.rho", 1, p, Binder(p).run())
    n = len(text)

    def inside(s: int, e: int) -> None:
        assert 0 <= s <= e <= n

    for d in emb.diagnostics(ef):
        inside(d.start, d.end)
    for s, length, _, _ in emb.semantic_tokens(ef, []):
        inside(s, s + length)
    emb.folding(ef, LineIndex(text).line_of)
    stack: list[DocSymbol] = list(emb.outline(ef, []))
    while stack:
        sym = stack.pop()
        inside(sym.start, sym.end)
        stack.extend(sym.children)
    for off in range(0, n + 1, 3):
        for s, e in emb.definition(ef, off) + emb.references(ef, off):
            inside(s, e)
        h = emb.hover(ef, off)
        if h is not None:
            inside(h.start, h.end)
        for hl in emb.highlights(ef, off):
            inside(hl.start, hl.end)
        c = emb.completions(ef, off)
        if c is not None:
            inside(c[0], c[1])
