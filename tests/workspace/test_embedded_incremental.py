"""Random edits inside and outside embedded MeTTa regions: the incremental path (the
analysis cache replaying the edit log, the registry reusing analyses of unchanged
regions) always equals a fresh open of the final text, and a MeTTa region is analysed
again only when its own literals changed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.features import embedded as emb
from rholang_lsp.workspace.analysis import AnalysisCache, DocumentAnalysis, analyze
from rholang_lsp.workspace.documents import TextDocument
from rholang_lsp.workspace.embedded import EmbeddedFile, EmbeddedRegistry

URI = "file:///w/m.rho"
BASE = (
    "// é😀 header\n"
    "new mc(`rho:metta:compile`), ret, body in {\n"
    '  mc!("(= (sq $x) (* $x $x))\\n(= (bad $a) (sq $a $b)) ; ü", *ret) |\n'
    '  @"rho:metta:eval"!("!(sq \\"é\\" 1)") |\n'
    '  for (r <- @"rho:metta:repl") { r!("(= (h $y) " ++ *body ++ ")") } |\n'
    "  contract c(@v) = { ret!(v) }\n"
    "}\n"
)
PIECES = [
    "",
    " ",
    "\n",
    "(",
    ")",
    "$x",
    "$z",
    "sq",
    "(sq 1)",
    "(= (g $q) $w)",
    '\\"',
    "\\\\",
    "\\n",
    "é",
    "😀",
    '"',
    "; c",
    " | Nil",
    "{",
    "}",
    "x",
]


def view(ef: EmbeddedFile) -> object:
    """What the features see: regions (parent ranges, virtual text) and diagnostics."""
    regions = [(d.uri, d.region.parts, d.region.holes, d.text) for d in ef.docs]
    diags = sorted((d.start, d.end, d.code, d.message) for d in emb.diagnostics(ef))
    return regions, diags


def rholang_diags(a: DocumentAnalysis) -> list[tuple[int, int, str]]:
    return sorted((d.start, d.end, d.code) for d in [*a.parse.diagnostics, *a.model.diagnostics])


def fresh(text: str) -> tuple[object, list[tuple[int, int, str]]]:
    a = analyze(URI, text, 0)
    ef = EmbeddedRegistry().refresh("fresh", URI, 0, a.parse, a.model)
    return view(ef), rholang_diags(a)


def content_offsets(ef: EmbeddedFile) -> list[int]:
    return [p for d in ef.docs for s, e in d.region.parts for p in range(s + 1, e)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.booleans(), st.integers(0, 10_000), st.integers(0, 3), st.sampled_from(PIECES)
        ),
        min_size=1,
        max_size=8,
    )
)
def test_random_edits_incremental_equals_fresh(steps: list[tuple[bool, int, int, str]]) -> None:
    doc = TextDocument(URI, BASE, 1)
    cache = AnalysisCache()
    reg = EmbeddedRegistry()
    a = cache.get_or_analyze(URI, doc.text, doc.version, history=doc)
    ef = reg.refresh("s", URI, doc.version, a.parse, a.model)
    rholang = rholang_diags(a)
    del a
    for inside, where, length, piece in steps:
        inner = content_offsets(ef)
        if inside and inner:
            start = inner[where % len(inner)]
            end = min(start + length, max(inner))
        else:
            start = where % (len(doc.text) + 1)
            end = min(start + length, len(doc.text))
        keys_before = set(reg._cache)
        doc.replace(start, max(start, end), piece)
        doc.version += 1
        a = cache.get_or_analyze(URI, doc.text, doc.version, history=doc)
        parses = reg.stats.parses
        ef = reg.refresh("s", URI, doc.version, a.parse, a.model)
        rholang = rholang_diags(a)
        del a
        # only regions whose literals changed were analysed again
        new_keys = {d.region.key(doc.text) for d in ef.docs} - keys_before
        assert reg.stats.parses - parses == len(new_keys)
    want_view, want_rholang = fresh(doc.text)
    assert view(ef) == want_view  # both languages' diagnostics, in parent offsets
    assert rholang == want_rholang


def test_edit_outside_regions_keeps_every_analysis() -> None:
    doc = TextDocument(URI, BASE, 1)
    cache = AnalysisCache()
    reg = EmbeddedRegistry()
    a = cache.get_or_analyze(URI, doc.text, 1, history=doc)
    before = reg.refresh("s", URI, 1, a.parse, a.model)
    del a
    doc.replace(BASE.index("contract c"), BASE.index("contract c"), "Nil | ")
    doc.replace(0, 0, "// 😀😀\n")
    doc.version = 2
    a = cache.get_or_analyze(URI, doc.text, 2, history=doc)
    after = reg.refresh("s", URI, 2, a.parse, a.model)
    del a
    assert reg.stats.parses == 3  # the three regions, once
    assert [d.model for d in after.docs] == [d.model for d in before.docs]
    assert view(after) == fresh(doc.text)[0]
