"""Incremental analysis: the edit log of ``TextDocument`` replayed by ``AnalysisCache``.

* a random sequence of incremental edits, analysed at random points through the
  cache, always equals a fresh full analysis of the final text (tree, syntax and
  semantic diagnostics);
* the aliasing rule: an analysis still held by someone (an in-flight snapshot, a
  variable holding the analysis, its parse result or its tree) is never reparsed
  in place; once released, the next analysis is incremental again;
* parse-only entries (``get_parse``, ``Snapshot.parse``): one parse per version
  whichever of parse/analysis comes first, replay from an analysis or a parse,
  the same ownership rule for a handed-out parse.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.syntax import ParseResult, Token
from rholang_lsp.workspace.analysis import (
    MAX_REPLAY_EDITS,
    AnalysisCache,
    DocumentAnalysis,
    analyze,
)
from rholang_lsp.workspace.documents import MAX_EDIT_LOG, TextDocument
from rholang_lsp.workspace.snapshot import Snapshot

URI = "file:///w/a.rho"
OTHER = "file:///w/b.rho"

BASE = (
    "new out(`rho:io:stdout`), a, b in {\n"
    "  contract a(@x, ret) = {\n"
    '    match x { 1 => ret!(1)  _ => { out!("é😀") } }\n'
    "  } |\n"
    "  for (@m <- b) {\n"
    '    b!({"k": m}) | a!(m, *b) | @"svc"!(m)\n'
    "  } |\n"
    '  contract @"svc"(p, q) = { out!(*p) }\n'
    "}\n"
)
IN_BLOCK = BASE.index("out!(*p)") + 6  # before `p`: edits of an identifier in the last block
SEEDS = [
    BASE,
    "new x in { x!(1) | for (y <- x) { Nil } }",
    "new a in {\n  a!(1) | for (x <- a) { x!(2) }\n} | Nil",
    "{ }",
    "",
]
INSERTS = [
    "",
    "x",
    "y",
    " ",
    "\n",
    "}",
    "{",
    "(",
    ")",
    "|",
    "!",
    "1",
    '"',
    "/*",
    "*/",
    "//",
    "@",
    "Nil",
    " | y!(1)",
    "for (a <- b) { Nil }",
    "😀",
    "new z in { z!(0) }",
]

BALANCED = [" ", "\n", " x!(1) | ", "Nil | ", " /* c */ ", " for (a <- b) { Nil } | ", "😀 "]


def shape(res: ParseResult) -> list[object]:
    out: list[object] = []
    for el in res.tree.walk_elements():
        if isinstance(el, Token):
            out.append((el.kind, el.start, el.text, el._trivia))
        else:
            out.append((el.kind, el.start, el.end, el.parent.kind if el.parent else None))
    return out


def diags(items: list[object]) -> list[tuple[object, ...]]:
    return [
        (d.start, d.end, int(d.severity), d.message, d.code)  # type: ignore[attr-defined]
        for d in items
    ]


def assert_same(a: DocumentAnalysis, b: DocumentAnalysis) -> None:
    assert a.text == b.text
    assert shape(a.parse) == shape(b.parse)
    assert diags(list(a.parse.diagnostics)) == diags(list(b.parse.diagnostics))
    assert diags(list(a.model.diagnostics)) == diags(list(b.model.diagnostics))
    assert a.summary.contracts == b.summary.contracts
    assert a.summary.refs == b.summary.refs


def edit(doc: TextDocument, start: int, end: int, text: str) -> None:
    """An LSP ranged change (UTF-16 positions), as a client would send it."""
    index = doc.line_index
    (sl, sc), (el, ec) = index.position(start), index.position(end)
    doc.apply_change(
        {
            "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
            "text": text,
        }
    )


def analysis_of(cache: AnalysisCache, doc: TextDocument) -> DocumentAnalysis:
    return cache.get_or_analyze(doc.uri, doc.text, doc.version, history=doc)


def block_inner(text: str) -> int:
    """An offset just inside the first ``{`` (an in-block edit position)."""
    return text.index("{") + 1


# ---------------------------------------------------------------------------- the edit log


def test_edit_log_records_offsets_in_order() -> None:
    doc = TextDocument(URI, "new x in { Nil }", 1)
    rev0 = doc.revision
    edit(doc, 11, 14, "x!(1)")
    edit(doc, 0, 0, "// c\n")
    assert doc.text == "// c\nnew x in { x!(1) }"
    assert doc.edits_since(rev0) == [(11, 14, "x!(1)"), (0, 0, "// c\n")]
    assert doc.edits_since(doc.revision) == []


def test_full_change_and_other_documents_lose_the_log() -> None:
    doc = TextDocument(URI, "new x in { Nil }", 1)
    rev0 = doc.revision
    doc.apply_change({"text": "Nil"})  # full change
    assert doc.edits_since(rev0) is None
    rev1 = doc.revision
    edit(doc, 0, 0, " ")
    assert doc.edits_since(rev1) == [(0, 0, " ")]
    reopened = TextDocument(URI, doc.text, 1)  # same uri, another document
    assert reopened.edits_since(rev1) is None
    assert reopened.edits_since((rev1[0], 10**6)) is None


def test_edit_log_is_a_bounded_window() -> None:
    doc = TextDocument(URI, "", 1)
    rev0 = doc.revision
    for _ in range(MAX_EDIT_LOG):
        edit(doc, 0, 0, "x")
    assert doc.edits_since(rev0) is not None
    rev1 = doc.revision
    edit(doc, 0, 0, "x")
    assert doc.edits_since(rev0) is None  # fell out of the window
    assert doc.edits_since(rev1) == [(0, 0, "x")]


# ---------------------------------------------------------------------------- equivalence


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_incremental_edits_equal_a_full_analysis(data: st.DataObject) -> None:
    doc = TextDocument(URI, data.draw(st.sampled_from(SEEDS)), 1)
    cache = AnalysisCache()
    analysis_of(cache, doc)
    n = data.draw(st.integers(1, 12))
    for i in range(n):
        text = doc.text
        braces = [j + 1 for j, c in enumerate(text) if c == "{"]
        in_block: bool = data.draw(st.booleans())
        if braces and in_block:
            # balanced text right inside a block: the in-block reparse path
            start = end = data.draw(st.sampled_from(braces))
            insert = data.draw(st.sampled_from(BALANCED))
        else:  # anything
            start = data.draw(st.integers(0, len(text)))
            end = data.draw(st.integers(start, min(len(text), start + 6)))
            insert = data.draw(st.one_of(st.sampled_from(INSERTS), st.text(max_size=3)))
        edit(doc, start, end, insert)
        doc.version = i + 2
        if data.draw(st.booleans()):
            a = analysis_of(cache, doc)
            assert a.text == doc.text
            del a  # release it, so that the next analysis may reuse its tree
    final = analysis_of(cache, doc)
    fresh = analyze(URI, doc.text, doc.version)
    assert_same(final, fresh)
    # the diagnostics feature through a snapshot agrees with the snapshot-less path
    snap = Snapshot({URI: doc}, cache=cache)
    assert diags(list(document_diagnostics(doc.text, uri=URI, snapshot=snap))) == diags(
        list(document_diagnostics(doc.text))
    )


def test_in_block_edits_are_reparsed_incrementally() -> None:
    doc = TextDocument(URI, BASE, 1)
    cache = AnalysisCache()
    first = analysis_of(cache, doc)
    tree_id = id(first.parse.tree)  # not the tree itself: holding it would pin it
    del first
    pos = IN_BLOCK
    for v, ch in enumerate("xyz", start=2):  # three edits, one analysis
        edit(doc, pos, pos, ch)
        pos += 1
        doc.version = v
    a = analysis_of(cache, doc)
    assert a.incremental and id(a.parse.tree) == tree_id  # reused, not rebuilt
    assert cache.stats["incremental"] == 1 and cache.stats["reparsed_edits"] == 3
    assert_same(a, analyze(URI, doc.text, doc.version))


def test_too_many_edits_or_a_lost_log_mean_a_full_parse() -> None:
    doc = TextDocument(URI, BASE, 1)
    cache = AnalysisCache()
    analysis_of(cache, doc)
    pos = block_inner(BASE)
    for v in range(MAX_REPLAY_EDITS + 1):
        edit(doc, pos, pos, " ")
        doc.version = v + 2
    a = analysis_of(cache, doc)
    assert not a.incremental
    del a
    doc.apply_change({"text": BASE})
    doc.version += 1
    b = analysis_of(cache, doc)
    assert not b.incremental
    assert cache.stats["incremental"] == 0 and cache.stats["full_parses"] == 3
    assert_same(b, analyze(URI, BASE, doc.version))


# ---------------------------------------------------------------------------- aliasing


def test_in_flight_snapshot_is_not_corrupted_by_a_later_reparse() -> None:
    doc = TextDocument(URI, BASE, 1)
    docs = {URI: doc}
    cache = AnalysisCache()
    in_flight = Snapshot(docs, cache=cache)  # e.g. a request awaiting something
    old = in_flight.analysis(URI)
    assert old is not None
    old_shape = shape(old.parse)
    del old  # only the snapshot pins it now
    pos = IN_BLOCK
    edit(doc, pos, pos + 1, "zz")
    doc.version = 2
    new = Snapshot(docs, cache=cache).analysis(URI)
    assert new is not None and not new.incremental  # the pinned tree was not reused
    # the in-flight snapshot still sees its own, intact version
    mine = in_flight._analyses[URI]
    assert mine.text == BASE and shape(mine.parse) == old_shape
    assert (
        "".join(
            "".join(t.text for t in tok.leading_trivia) + tok.text for tok in mine.parse.tokens()
        )
        == BASE
    )
    assert_same(new, analyze(URI, doc.text, 2))
    # once the request is over, the following edit is incremental again
    del in_flight, mine, new
    edit(doc, pos, pos + 2, "w")
    doc.version = 3
    again = Snapshot(docs, cache=cache).analysis(URI)
    assert again is not None and again.incremental
    assert_same(again, analyze(URI, doc.text, 3))


def test_any_holder_pins_the_old_analysis() -> None:
    pos = IN_BLOCK
    for holder in ("analysis", "parse", "tree"):
        doc = TextDocument(URI, BASE, 1)
        cache = AnalysisCache()
        first = analysis_of(cache, doc)
        held: object = {"analysis": first, "parse": first.parse, "tree": first.parse.tree}[holder]
        old_shape = shape(first.parse)
        del first
        edit(doc, pos, pos + 1, "q")
        doc.version = 2
        second = analysis_of(cache, doc)
        assert not second.incremental, holder
        tree = held if holder == "tree" else None
        res = held if holder == "parse" else None
        if isinstance(held, DocumentAnalysis):
            res = held.parse
        if isinstance(res, ParseResult):
            assert shape(res) == old_shape
        elif tree is not None:
            assert tree is not second.parse.tree
        del held, tree, res, second
        # released: the next one reuses the tree (also checks the reference-count calibration)
        edit(doc, pos, pos + 1, "r")
        doc.version = 3
        assert analysis_of(cache, doc).incremental, holder


def test_the_other_open_document_does_not_block_incremental_analysis() -> None:
    a = TextDocument(URI, BASE, 1)
    b = TextDocument(OTHER, 'new x in { @"svc"!(1) }', 1)
    docs = {URI: a, OTHER: b}
    cache = AnalysisCache()
    snap = Snapshot(docs, cache=cache)
    document_diagnostics(b.text, uri=OTHER, snapshot=snap)
    del snap
    pos = IN_BLOCK
    edit(a, pos, pos + 1, "k")
    a.version = 2
    snap = Snapshot(docs, cache=cache)
    out = document_diagnostics(b.text, uri=OTHER, snapshot=snap)
    assert snap._analyses[URI].incremental
    assert any(d.code == "arity-mismatch" for d in out)  # cross-file: @"svc" takes 2


class _Metrics:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def cache_hit(self, kind: str) -> None:
        self.events.append(("hit", kind))

    def cache_miss(self, kind: str) -> None:
        self.events.append(("miss", kind))


def test_metrics_count_reuse_as_hits_and_computation_as_misses() -> None:
    m = _Metrics()
    cache = AnalysisCache(metrics=m)
    doc = TextDocument(URI, BASE, 1)
    analysis_of(cache, doc)
    analysis_of(cache, doc)
    edit(doc, block_inner(BASE), block_inner(BASE), " ")
    doc.version = 2
    analysis_of(cache, doc)  # incremental: still a miss
    assert m.events == [("miss", "parse"), ("hit", "parse"), ("miss", "parse")]
    assert cache.stats["hits"] == 1 and cache.stats["misses"] == 2
    assert cache.stats["incremental"] == 1


# ---------------------------------------------------------------------------- parse-only entries


def parse_of(cache: AnalysisCache, doc: TextDocument) -> ParseResult:
    return cache.get_parse(doc.uri, doc.text, doc.version, history=doc)


def fresh_parse(text: str) -> ParseResult:
    return analyze(URI, text, None).parse


def assert_same_parse(a: ParseResult, b: ParseResult) -> None:
    assert a.text == b.text
    assert shape(a) == shape(b)
    assert diags(list(a.diagnostics)) == diags(list(b.diagnostics))


def test_get_parse_then_analysis_parses_once() -> None:
    doc = TextDocument(URI, BASE, 1)
    cache = AnalysisCache()
    p = parse_of(cache, doc)
    assert parse_of(cache, doc) is p  # cached
    a = analysis_of(cache, doc)
    assert a.parse is p  # the parse-only entry was bound, not parsed again
    assert analysis_of(cache, doc) is a  # one analysis per version
    assert parse_of(cache, doc) is p
    assert cache.stats["misses"] == 1 and cache.stats["full_parses"] == 1
    assert cache.stats["binds"] == 1 and cache.stats["hits"] == 4
    assert_same(a, analyze(URI, BASE, 1))


def test_get_parse_of_an_analysed_version_is_its_parse() -> None:
    doc = TextDocument(URI, BASE, 1)
    cache = AnalysisCache()
    a = analysis_of(cache, doc)
    assert parse_of(cache, doc) is a.parse
    assert cache.stats["misses"] == 1 and cache.stats["binds"] == 1


def test_get_parse_replays_from_an_analysis_and_from_a_parse() -> None:
    doc = TextDocument(URI, BASE, 1)
    cache = AnalysisCache()
    first = analysis_of(cache, doc)
    tree_id = id(first.parse.tree)
    del first
    pos = IN_BLOCK
    for v, ch in enumerate("xyz", start=2):  # analysis -> parse -> parse -> parse
        edit(doc, pos, pos, ch)
        pos += 1
        doc.version = v
        p = parse_of(cache, doc)
        assert id(p.tree) == tree_id  # reused in place each time
        assert_same_parse(p, fresh_parse(doc.text))
        del p
    assert cache.stats["incremental"] == 3 and cache.stats["reparsed_edits"] == 3
    assert cache.stats["full_parses"] == 1 and cache.stats["binds"] == 1
    # then parse -> analysis of a later version (two edits replayed from the parse-only entry)
    edit(doc, pos, pos, "w")
    edit(doc, pos, pos + 1, "v")
    doc.version = 5
    a = analysis_of(cache, doc)
    assert a.incremental and id(a.parse.tree) == tree_id
    assert cache.stats["incremental"] == 4 and cache.stats["reparsed_edits"] == 5
    assert_same(a, analyze(URI, doc.text, 5))


def test_a_handed_out_parse_is_never_reparsed_in_place() -> None:
    pos = IN_BLOCK
    for holder in ("snapshot", "parse", "tree"):
        doc = TextDocument(URI, BASE, 1)
        docs = {URI: doc}
        cache = AnalysisCache()
        analysis_of(cache, doc)
        edit(doc, pos, pos, "q")
        doc.version = 2
        snap = Snapshot(docs, cache=cache)
        p = snap.parse(URI)
        assert p is not None
        held: object = {"snapshot": snap, "parse": p, "tree": p.tree}[holder]
        old_text, old_shape = p.text, shape(p)
        del snap, p
        edit(doc, pos, pos + 1, "r")
        doc.version = 3
        fresh = parse_of(cache, doc)
        assert cache.stats["incremental"] == 1 and cache.stats["full_parses"] == 2, holder
        mine = held._parses[URI][2] if isinstance(held, Snapshot) else held
        if isinstance(mine, ParseResult):
            assert mine.text == old_text and shape(mine) == old_shape
        else:
            assert mine is not fresh.tree
        assert_same_parse(fresh, fresh_parse(doc.text))
        del held, mine, fresh
        # released: the next one reuses the tree (the ownership rule for parse-only entries)
        edit(doc, pos, pos + 1, "s")
        doc.version = 4
        again = parse_of(cache, doc)
        assert cache.stats["incremental"] == 2, holder
        assert_same_parse(again, fresh_parse(doc.text))


def test_binding_a_parse_only_entry_keeps_the_handed_out_parse_intact() -> None:
    doc = TextDocument(URI, BASE, 1)
    docs = {URI: doc}
    cache = AnalysisCache()
    analysis_of(cache, doc)
    edit(doc, IN_BLOCK, IN_BLOCK, "k")
    doc.version = 2
    completion_snap = Snapshot(docs, cache=cache)  # e.g. completion, still in flight
    p = completion_snap.parse(URI)
    assert p is not None
    diag_snap = Snapshot(docs, cache=cache)  # then the diagnostics run
    a = diag_snap.analysis(URI)
    assert a is not None and a.parse is p and a.incremental
    assert cache.stats["misses"] == 2 and cache.stats["binds"] == 2  # open + this version
    # the snapshot's analysis memo answers parse() from now on
    assert diag_snap.parse(URI) is p and completion_snap.parse(URI) is p
    assert cache.stats["hits"] == 1  # only the bind; memoised parses never reach the cache


def test_snapshot_parse_is_memoised_and_closed_files_use_the_analysis() -> None:
    doc = TextDocument(URI, BASE, 1)
    files = {OTHER: 'new x in { @"svc"!(1) }'}
    cache = AnalysisCache()
    snap = Snapshot({URI: doc}, cache=cache, loader=files.get)
    p = snap.parse(URI)
    assert p is not None and snap.parse(URI) is p
    assert (cache.stats["hits"], cache.stats["misses"], cache.stats["binds"]) == (0, 1, 0)
    closed = snap.parse(OTHER)
    assert closed is not None and closed.text == files[OTHER]
    assert cache.stats["binds"] == 1  # the closed file is analysed
    assert snap.parse("file:///nowhere.rho") is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edits_with_parses_and_analyses_equal_a_full_analysis(
    data: st.DataObject,
) -> None:
    doc = TextDocument(URI, data.draw(st.sampled_from(SEEDS)), 1)
    cache = AnalysisCache()
    parse_of(cache, doc)
    for i in range(data.draw(st.integers(1, 10))):
        text = doc.text
        braces = [j + 1 for j, c in enumerate(text) if c == "{"]
        in_block: bool = data.draw(st.booleans())
        if braces and in_block:
            start = end = data.draw(st.sampled_from(braces))
            insert = data.draw(st.sampled_from(BALANCED))
        else:
            start = data.draw(st.integers(0, len(text)))
            end = data.draw(st.integers(start, min(len(text), start + 6)))
            insert = data.draw(st.one_of(st.sampled_from(INSERTS), st.text(max_size=3)))
        edit(doc, start, end, insert)
        doc.version = i + 2
        action = data.draw(st.sampled_from(["none", "parse", "analysis", "both"]))
        if action in ("parse", "both"):
            p = parse_of(cache, doc)
            assert p.text == doc.text
            if action == "both":
                assert analysis_of(cache, doc).parse is p
            del p
        elif action == "analysis":
            assert analysis_of(cache, doc).text == doc.text
    misses = cache.stats["misses"]
    p = parse_of(cache, doc)
    final = analysis_of(cache, doc)
    assert final.parse is p and cache.stats["misses"] <= misses + 1
    assert_same(final, analyze(URI, doc.text, doc.version))


def test_without_exact_reference_counts_every_version_is_parsed_from_scratch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The in-place reuse depends on CPython's reference counts; elsewhere it is off."""
    from rholang_lsp.workspace import analysis

    monkeypatch.setattr(analysis, "_EXACT_REFCOUNTS", False)
    doc = TextDocument(URI, BASE, 1)
    cache = AnalysisCache()
    first = analysis_of(cache, doc)
    tree_id = id(first.parse.tree)
    del first
    edit(doc, IN_BLOCK, IN_BLOCK, "x")
    doc.version = 2
    a = analysis_of(cache, doc)
    assert not a.incremental and id(a.parse.tree) != tree_id
    assert cache.stats["incremental"] == 0 and cache.stats["full_parses"] == 2
    assert_same(a, analyze(URI, doc.text, doc.version))
