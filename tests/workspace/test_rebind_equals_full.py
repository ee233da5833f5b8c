"""A block rebind (``semantics.rebind``) equals a fresh analysis of the same text.

Random edits (one character, auto-closed brackets, deletions, new binders, text that
breaks the block) are applied one at a time to an open document, each version analysed
through the ``AnalysisCache`` (which re-binds the edited block when it can); after each,
everything the model records (symbols, scopes, references, contracts, sends, global
names, facts, the lookup tables, broken blocks), the file diagnostics, the workspace-free
semantic diagnostics and the summary must equal those of ``analyze(text)``. The runs
must actually take the rebind path (counted).
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

from benchmarks.workspace_gen import generate_large_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.semantics.model import SemanticModel, fact_lists
from rholang_lsp.semantics.summary import CompactLineMap
from rholang_lsp.workspace.analysis import AnalysisCache, DocumentAnalysis, analyze
from rholang_lsp.workspace.documents import TextDocument

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
URI = "file:///w/rebind.rho"

BASE = (
    "new out(`rho:io:stdout`), a, b, unused in {\n"
    "  contract a(@x, ret) = {\n"
    '    match x { 1 => ret!(1)  _ => { out!("é😀") } }\n'
    "  } |\n"
    "  for (@m <- b) {\n"
    '    b!({"k": m}) | a!(m, *b) | @"svc"!(m)\n'
    "  } |\n"
    "  for (@n <- b; @k <- a) { new c in { c!(n) | for (_ <- c) { out!(k) } } } |\n"
    '  contract @"svc"(p, q) = { out!(*p) | new d in { d!(1) } }\n'
    "}\n"
)
INSERTS = [
    " ",
    "\n",
    "x",
    "a",
    "b",
    "out",
    "{}",
    "()",
    "{",
    "}",
    "(",
    "|",
    "new z in { z!(1) }",
    "for (y <- b) { y!() }",
    "b!(1, 2)",
    "a!(1)",
    '@"svc"!(1)',
    "match 1 { _ => Nil }",
    '"',
    "//",
    "Nil | ",
]


def model_signature(m: SemanticModel) -> dict[str, Any]:
    """Everything a model records, as plain values (ids included: they must agree)."""

    def rows(xs: Any) -> list[Any]:
        # a record's fields by ``dataclasses.fields`` (a class compiled by mypyc has no
        # ``__slots__``), else its slots
        return [
            tuple(getattr(x, f.name) for f in dataclasses.fields(x))
            if dataclasses.is_dataclass(x)
            else tuple(getattr(x, f) for f in x.__slots__)
            if hasattr(x, "__slots__")
            else x
            for x in xs
        ]

    return {
        "symbols": rows(m.symbols),
        "scopes": rows(m.scopes),
        "references": rows(m.references),
        "contracts": rows(m.contracts),
        "sends": rows(m.sends),
        "global_refs": list(m.global_refs),
        "facts": [rows(lst) for lst in fact_lists(m.facts)],
        "shadowing": rows(m.facts.shadowing),
        "receives": list(m.facts.receives),
        "receive_arities": m.facts.receive_arities,
        "agents": [(n.kind, n.start, n.end) for n in m.facts.agents],
        "diagnostics": list(m.diagnostics),
        "has_syntax_errors": m.has_syntax_errors,
        "broken": list(m.broken),
        "by_symbol": {k: rows(v) for k, v in m._by_symbol.items()},
        "global_sorted": list(m._global_sorted),
        "global_max_end": list(m._global_max_end),
        "contracts_by_symbol": {k: rows(v) for k, v in m._contracts_by_symbol.items()},
        "contracts_by_key": {k: rows(v) for k, v in m._contracts_by_key.items()},
        "sends_parent": list(m._sends_parent),
        "unbound_diagnostics": list(m._unbound_diagnostics),
    }


def assert_same_as_fresh(a: DocumentAnalysis) -> None:
    fresh = analyze(a.uri, a.text, a.version)
    assert a.parse.diagnostics == fresh.parse.diagnostics
    got, want = model_signature(a.model), model_signature(fresh.model)
    for key in want:
        assert got[key] == want[key], key
    assert semantic_diagnostics(a.parse, model=a.model) == semantic_diagnostics(
        fresh.parse, model=fresh.model
    )
    assert a.summary == fresh.summary


def in_block_offsets(text: str) -> list[int]:
    """Right after a `{` followed by a space or line break: inside a balanced block."""
    return [i + 1 for i, c in enumerate(text) if c == "{" and text[i + 1 : i + 2] in (" ", "\n")]


def ident_ends(text: str) -> list[int]:
    """Right after an identifier character: typing there extends a name."""
    return [i + 1 for i, c in enumerate(text) if c.isalpha() and not text[i + 1 : i + 2].isalnum()]


def run_edits(text: str, rng: random.Random, n: int, cache: AnalysisCache) -> None:
    """``n`` edits: mostly in-block ones that keep the file balanced (a space, a name
    typed or extended, a new binder, a call), some anywhere (deletions, brackets, quotes),
    each undone by the next edit so that the file heals."""
    doc = TextDocument(URI, text, 1)
    a = cache.get_or_analyze(URI, doc.text, doc.version, history=doc)
    del a
    undo: tuple[int, int, str] | None = None
    for v in range(2, n + 2):
        cur = doc.text
        if undo is not None:
            start, end, new = undo
            undo = None
        elif rng.random() < 0.7 and in_block_offsets(cur):
            start = end = rng.choice(in_block_offsets(cur) + ident_ends(cur))
            new = rng.choice(INSERTS + [" ", "\n", "x", "a"] * 3)
            if new not in (" ", "\n", "x", "a"):
                undo = (start, start + len(new), "")
        else:
            start = rng.randint(0, len(cur))
            if rng.random() < 0.4:
                end = min(len(cur), start + rng.randint(1, 3))
                new = ""
            else:
                end = start
                new = rng.choice(INSERTS)
            undo = (start, start + len(new), cur[start:end])
        s_line, s_ch = doc.line_index.position(start)
        e_line, e_ch = doc.line_index.position(end)
        doc.apply_edit(s_line, s_ch, e_line, e_ch, new)
        doc.version = v
        a = cache.get_or_analyze(URI, doc.text, doc.version, history=doc)
        assert_same_as_fresh(a)
        del a


#: free names before, inside and after the edited blocks, some with the `new` of an earlier
#: `|` sibling (a related location) before or after a block: the unbound-variable diagnostics
#: outside the re-bound block are the previous version's, moved (``semantics.rebind``)
FREE = (
    "new x in Nil | x!(0) | free0!(1) |\n"
    "contract c(r) = { r!(1) | free1!(r) | { free2!(3) } } |\n"
    "new y in Nil | y!(1) | { free3!(*y) } |\n"
    "contract d(@n) = { match n { 1 => free4!(n) _ => { x!(n) } } } |\n"
    "new z in Nil | z!(2) | =z\n"
)


def test_rebind_keeps_the_unbound_diagnostics_outside_the_block() -> None:
    cache = AnalysisCache()
    run_edits(FREE, random.Random(13), 60, cache)
    assert cache.stats["rebound"] >= 10, cache.stats
    fresh = analyze(URI, FREE)
    assert any(d.related for d in fresh.model._unbound_diagnostics)
    assert len(fresh.model._unbound_diagnostics) == len(fresh.model.facts.unbound) >= 8


def test_rebind_takes_the_block_path_and_equals_a_fresh_analysis() -> None:
    cache = AnalysisCache()
    run_edits(BASE, random.Random(7), 60, cache)
    assert cache.stats["rebound"] >= 10, cache.stats


def test_rebind_on_the_generated_large_file() -> None:
    cache = AnalysisCache()
    run_edits(generate_large_file(150, seed=3), random.Random(11), 40, cache)
    assert cache.stats["rebound"] >= 10, cache.stats


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([BASE, FREE, "new x in { x!(1) | for (y <- x) { Nil } }"]),
)
def test_rebind_equals_full_on_random_edits(seed: int, text: str) -> None:
    run_edits(text, random.Random(seed), 6, AnalysisCache())


def _corpus_texts() -> list[str]:
    files = sorted(CORPUS.rglob("*.rho"))[::23] if CORPUS.is_dir() else []
    return [p.read_text(encoding="utf-8", errors="replace")[:4000] for p in files]


def test_rebind_equals_full_on_corpus_programs() -> None:
    texts = _corpus_texts()
    if not texts:
        import pytest

        pytest.skip("corpus not available")
    cache = AnalysisCache()
    rng = random.Random(5)
    for text in texts:
        run_edits(text, rng, 6, cache)
    assert cache.stats["rebound"] > 0, cache.stats


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab{}\r\né😀 ", max_size=40),
    st.data(),
)
def test_spliced_line_map_equals_a_fresh_one(text: str, data: st.DataObject) -> None:
    """``CompactLineMap.spliced`` (the line map of a rebound version) equals ``from_text``
    whatever the line endings and characters, for an edit inside ``[lo, hi)`` ending
    right after a `}` (as a block does)."""
    closers = [i + 1 for i, c in enumerate(text) if c == "}"]
    if not closers:
        return
    hi = data.draw(st.sampled_from(closers))
    lo = data.draw(st.integers(0, hi - 1))
    at = data.draw(st.integers(lo + 1, hi - 1)) if hi - lo > 1 else hi - 1
    cut = data.draw(st.integers(0, min(2, hi - 1 - at)))
    ins = data.draw(st.text(alphabet="x\r\né😀 ", max_size=4))
    new = text[:at] + ins + text[at + cut :]
    old_map = CompactLineMap.from_text(text)
    assert old_map.spliced(new, lo, hi, len(ins) - cut) == CompactLineMap.from_text(new)


def test_a_parse_first_version_is_still_rebound() -> None:
    """Completion asks for the parse of a version first (``get_parse``: a parse-only entry
    replayed from the previous analysis); the analysis of that version then re-binds the
    block in the previous model it carried, once, and equals a fresh analysis."""
    cache = AnalysisCache()
    doc = TextDocument(URI, BASE, 1)
    a = cache.get_or_analyze(URI, doc.text, doc.version, history=doc)
    del a
    for v in range(2, 8):
        at = in_block_offsets(doc.text)[v % 4]
        line, ch = doc.line_index.position(at)
        doc.apply_edit(line, ch, line, ch, "x" if v % 2 else " ")
        doc.version = v
        p = cache.get_parse(URI, doc.text, doc.version, history=doc)
        assert p.splice is not None
        del p
        a = cache.get_or_analyze(URI, doc.text, doc.version, history=doc)
        assert a.rebound
        assert_same_as_fresh(a)
        del a
    assert cache.stats["rebound"] == 6, cache.stats


def test_summary_and_line_map_are_made_when_asked_and_equal_a_fresh_analysis() -> None:
    """After a keystroke only the diagnostics are wanted at once: a rebound version's
    summary and line map are made when first asked (``DocumentAnalysis.summary`` /
    ``lines``), spliced from the previous version's line map when that one was made and
    measured afresh when not; either way equal to a fresh analysis'."""
    cache = AnalysisCache()
    doc = TextDocument(URI, BASE, 1)
    a = cache.get_or_analyze(URI, doc.text, doc.version, history=doc)
    del a
    asked = {"nothing": 0, "lines": 0, "summary": 0}
    for v in range(2, 26):
        at = in_block_offsets(doc.text)[v % 4]
        line, ch = doc.line_index.position(at)
        doc.apply_edit(line, ch, line, ch, (" ", " \n", " Nil |")[v % 3])
        doc.version = v
        a = cache.get_or_analyze(URI, doc.text, doc.version, history=doc)
        assert a._summary is None and a._lines is None  # nothing made yet
        fresh = analyze(URI, doc.text, v)
        what = ("nothing", "lines", "summary", "lines")[(v * 7) % 4]
        asked[what] += 1
        if what == "lines":
            assert a.lines == CompactLineMap.from_text(doc.text)
            assert a._summary is None
        elif what == "summary":
            assert a.summary == fresh.summary
            assert a.lines is a.summary.lines
        del a
    assert all(asked.values()), asked
    assert cache.stats["rebound"] >= 16, cache.stats
