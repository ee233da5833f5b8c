"""FileSummary (compact, picklable), WorkspaceIndex queries, fuzzy scoring, doc comments."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from rholang_lsp.semantics.doc_comments import parse_doc_comments
from rholang_lsp.semantics.summary import CompactLineMap
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.analysis import AnalysisCache, summarize_text
from rholang_lsp.workspace.fuzzy import fuzzy_score
from rholang_lsp.workspace.index import WorkspaceIndex

LIB = (
    '/// The registry.\ncontract @"Registry"(@key, ret) = { ret!(key) } |\n'
    'contract @"Registry"(@"all", ret) = { Nil } |\n'
    "contract helper(x) = { Nil } |\n"
    'new pub in { @"Registry"!("k", *pub) }'
)
APP = 'new r in { @"Registry"!("a", *r) | for (@v <- r) { Nil } }'


def test_summary_contents_and_pickle() -> None:
    s = summarize_text("file:///lib.rho", LIB)
    assert [(c.key, c.arity, c.literals) for c in s.contracts] == [
        ('@"Registry"', 2, (None, None)),
        ('@"Registry"', 2, ('"all"', None)),
    ]
    assert s.contracts[0].doc_markdown == "The registry."
    assert [p.name for p in s.plain_contracts] == ["helper"]
    assert sum(r.is_def for r in s.refs) == 2 and len(s.refs) == 3
    assert {e.name for e in s.symbols} == {"Registry", "helper", "pub"}
    again = pickle.loads(pickle.dumps(s))
    assert again == s


def test_index_queries_update_and_remove() -> None:
    idx = WorkspaceIndex()
    idx.update("file:///lib.rho", summarize_text("file:///lib.rho", LIB))
    idx.update("file:///app.rho", summarize_text("file:///app.rho", APP))
    assert len(idx.definitions('@"Registry"')) == 2
    assert {u for u, _ in idx.references('@"Registry"')} == {"file:///lib.rho", "file:///app.rho"}
    assert [u for u, _ in idx.contracts_named("helper")] == ["file:///lib.rho"]
    gen = idx.generation
    # replacing a file's summary replaces its entries (no duplicates, no leftovers)
    idx.update(
        "file:///lib.rho", summarize_text("file:///lib.rho", "contract helper2(y) = { Nil }")
    )
    assert idx.definitions('@"Registry"') == []
    assert idx.contracts_named("helper") == []
    assert [u for u, _ in idx.contracts_named("helper2")] == ["file:///lib.rho"]
    assert idx.generation > gen
    idx.remove("file:///app.rho")
    assert idx.references('@"Registry"') == []
    assert [h.symbol.name for h in idx.search_symbols("hel")] == ["helper2"]
    idx.remove("file:///nope.rho")  # harmless
    assert len(idx) == 1


def test_unchanged_summary_is_not_reindexed() -> None:
    idx = WorkspaceIndex()
    s = summarize_text("file:///a.rho", APP)
    idx.update("file:///a.rho", s)
    gen = idx.generation
    idx.update("file:///a.rho", summarize_text("file:///a.rho", APP))
    assert idx.generation == gen


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", "😀", "\n", "\r\n", "\r", " ", "한"]), max_size=60))
def test_compact_line_map_agrees_with_line_index(pieces: list[str]) -> None:
    text = "".join(pieces)
    cm = CompactLineMap.from_text(text)
    li = LineIndex(text)
    for off in range(len(text) + 1):
        for enc in ("utf-16", "utf-8", "utf-32"):
            assert cm.position(off, enc) == li.position(off, enc)
    assert pickle.loads(pickle.dumps(cm)) == cm


def test_compact_line_map_keeps_only_non_ascii_lines() -> None:
    cm = CompactLineMap.from_text("abc\nd😀e\nxyz")
    assert [ln for ln, _ in cm.wide] == [1]
    assert cm.position(6, "utf-16") == (1, 3)
    assert cm.position(6, "utf-8") == (1, 5)


def test_fuzzy_scoring() -> None:
    assert fuzzy_score("xyz", "abc") is None
    assert fuzzy_score("", "abc") == 0
    exact = fuzzy_score("foo", "foo")
    prefix = fuzzy_score("foo", "fooBar")
    inner = fuzzy_score("foo", "xfoo")
    scattered = fuzzy_score("foo", "fxoxo")
    assert exact is not None and prefix is not None and inner is not None and scattered is not None
    assert exact > prefix > inner > scattered
    hump = fuzzy_score("gb", "getBalance")
    plain = fuzzy_score("gb", "algebra")
    assert hump is not None and plain is not None and hump > plain
    # the boundary-preferring alignment falls back when it would miss a later character
    assert fuzzy_score("ab", "xabc_a") is not None


def test_doc_comment_parsing() -> None:
    doc = parse_doc_comments(
        [
            "/// Transfers tokens.",
            "/// Second line.",
            "/// @param from the payer",
            "///   (continued)",
            "/// @param @to the payee",
            "/// @return `true` on success",
            "/// @example",
            '///   @"bank"!("alice", "bob", *ack)',
        ]
    )
    assert doc is not None
    assert doc.summary == "Transfers tokens.\nSecond line."
    assert doc.params == (("from", "the payer (continued)"), ("to", "the payee"))
    assert doc.returns == "`true` on success"
    assert doc.examples == ('  @"bank"!("alice", "bob", *ack)',)
    md = doc.to_markdown()
    assert "## Parameters" in md and "**from**" in md and "```rholang" in md
    block = parse_doc_comments(["/**\n * Block doc.\n * @param x it\n */"])
    assert block is not None and block.summary == "Block doc." and block.params == (("x", "it"),)
    assert parse_doc_comments(["// plain comment"]) is None


def test_analysis_cache_keys_on_version() -> None:
    cache = AnalysisCache(capacity=4)
    a1 = cache.get_or_analyze("file:///a.rho", APP, 1)
    assert cache.get_or_analyze("file:///a.rho", APP, 1) is a1
    a2 = cache.get_or_analyze("file:///a.rho", APP + " ", 2)
    assert a2 is not a1 and a2.version == 2


def test_contracts_named_many_equals_contracts_named_per_name() -> None:
    """The batched lookup of the cross-file hint answers, per name, what ``contracts_named``
    answers without the excluded file: index, composite view and snapshot (open documents
    over the index, an open document hiding its indexed version)."""
    from rholang_lsp.workspace.index import CompositeIndex
    from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

    a = WorkspaceIndex()
    a.update("file:///a.rho", summarize_text("file:///a.rho", "contract f(x) = { Nil } |\n" * 2))
    a.update("file:///b.rho", summarize_text("file:///b.rho", "contract g(x) = { f!(1) }"))
    b = WorkspaceIndex()
    b.update("file:///c.rho", summarize_text("file:///c.rho", "contract f(x, y) = { Nil }"))
    docs = {
        "file:///b.rho": SimpleDocument("file:///b.rho", "contract f() = { Nil } | g!(1)", 1),
        "file:///d.rho": SimpleDocument("file:///d.rho", "contract g(z) = { h!() }", 1),
    }
    names = ["f", "g", "h", "nope"]
    views = [a, CompositeIndex([a, b]), Snapshot(docs, CompositeIndex([a, b]))]
    for view in views:
        for exclude in (None, "file:///a.rho", "file:///b.rho", "file:///d.rho"):
            want = {}
            for n in names:
                found = [(u, c) for u, c in view.contracts_named(n) if u != exclude]
                if found:
                    want[n] = found
            assert view.contracts_named_many(set(names), exclude=exclude) == want
