"""The prefix index of workspace names (issue 19, row 8): kept up to date per file,
answers exactly what filtering every name would, and completion over it keeps its
ranking (names in scope first) and says when it was cut (``is_incomplete``)."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from rholang_lsp.features.completion import complete
from rholang_lsp.semantics.summary import SK_FUNCTION, SK_VARIABLE, SymbolEntry
from rholang_lsp.workspace.analysis import summarize_text
from rholang_lsp.workspace.index import CompositeIndex, WorkspaceIndex, search_symbol_rows
from rholang_lsp.workspace.prefix_index import MAX_WORD_KEYS, PrefixIndex, SortedRows, word_starts
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot


def _syms(*names: str, kind: int = SK_FUNCTION) -> tuple[SymbolEntry, ...]:
    return tuple(SymbolEntry(n, kind, i * 10, i * 10 + len(n)) for i, n in enumerate(names))


def _names(found: list[tuple[str, SymbolEntry]]) -> list[str]:
    return [e.name for _u, e in found]


def test_word_starts_follow_the_fuzzy_boundaries() -> None:
    assert word_starts("svc_state") == [4]
    assert word_starts("ledgerStateHelper") == [6, 11]
    assert word_starts("rho:io:stdout") == [4, 7]
    assert word_starts("ABC") == []  # no hump inside an upper-case run
    assert word_starts("Ünïcødé_Ωmega") == [8]  # the non-ASCII path
    assert len(word_starts("a_b_c_d_e_f_g")) == MAX_WORD_KEYS


def test_insert_replace_remove_and_case_folding() -> None:
    p = PrefixIndex()
    p.replace("file:///a.rho", _syms("Stack", "start", "best"))
    p.replace("file:///b.rho", _syms("STORE", "svc_state"))
    found, more = p.candidates("st")
    assert not more
    # whole names first (key order), then word starts (`svc_state`)
    assert _names(found) == ["Stack", "start", "STORE", "svc_state"]
    assert _names(p.candidates("ST")[0]) == _names(found)
    # replace: the file's old names leave, its new ones come
    p.replace("file:///a.rho", _syms("stub"))
    assert _names(p.candidates("st")[0]) == ["STORE", "stub", "svc_state"]
    p.remove("file:///b.rho")
    assert _names(p.candidates("st")[0]) == ["stub"]
    p.remove("file:///b.rho")  # harmless
    # and the same after the lists were built (updates are incremental then)
    p.replace("file:///c.rho", _syms("stop", "stdout", kind=SK_VARIABLE))
    assert _names(p.candidates("st", kind=SK_VARIABLE)[0]) == ["stdout", "stop"]
    assert _names(p.candidates("st", kind=SK_FUNCTION)[0]) == ["stub"]
    assert sorted(_names(p.candidates("st")[0])) == ["stdout", "stop", "stub"]


def test_cap_exclude_and_more() -> None:
    p = PrefixIndex()
    p.replace("file:///a.rho", _syms(*(f"st{i:02d}" for i in range(30))))
    p.replace("file:///b.rho", _syms("stx"))
    found, more = p.candidates("st", cap=10)
    assert len(found) == 10 and more
    found, more = p.candidates("st", cap=31)
    assert len(found) == 31 and not more
    found, more = p.candidates("st", exclude=frozenset({"file:///a.rho"}))
    assert _names(found) == ["stx"] and not more
    assert p.candidates("", cap=5)[1]  # an empty prefix: everything, cut


def test_sorted_rows_across_bucket_splits() -> None:
    rows = SortedRows()
    keys = [f"k{(i * 7919) % 3000:04d}" for i in range(3000)]
    for k in keys:
        rows.add(k)
    assert list(rows) == sorted(keys)
    for k in keys[::2]:
        rows.discard(k)
    rows.discard("absent")
    assert list(rows) == sorted(keys[1::2]) and len(rows) == 1500
    assert list(rows.starting_with("k29")) == sorted(k for k in keys[1::2] if k.startswith("k29"))


ALPHABET = "abSsTt_:xY9"
names = st.text(ALPHABET, min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(names, max_size=8), min_size=1, max_size=6),
    st.lists(st.tuples(st.integers(0, 5), st.lists(names, max_size=8)), max_size=6),
    st.text(ALPHABET, max_size=3),
)
def test_index_answers_what_filtering_every_name_would(
    files: list[list[str]], edits: list[tuple[int, list[str]]], prefix: str
) -> None:
    idx = WorkspaceIndex()
    current: dict[str, tuple[SymbolEntry, ...]] = {}

    def put(i: int, ns: list[str]) -> None:
        uri = f"file:///f{i}.rho"
        s = summarize_text(uri, "Nil")
        syms = _syms(*ns) + _syms(*ns[:2], kind=SK_VARIABLE)
        idx.update(
            uri, msgspec.structs.replace(s, symbols=syms, content_hash=repr((len(current), ns)))
        )
        current[uri] = syms

    for i, ns in enumerate(files):
        put(i, ns)
    idx.complete_symbols("x")  # build the lists; the edits below are incremental
    for i, ns in edits:
        if ns:
            put(i, ns)
        elif f"file:///f{i}.rho" in idx:
            idx.remove(f"file:///f{i}.rho")
            current.pop(f"file:///f{i}.rho")
    q = prefix.lower()
    for kind in (SK_FUNCTION, None):
        found, more = idx.complete_symbols(prefix, kind=kind, cap=10_000)
        expected = {
            (u, e)
            for u, syms in current.items()
            for e in syms
            if (kind is None or e.kind == kind)
            and (
                e.name.lower().startswith(q)
                or any(e.name[w:].lower().startswith(q) for w in word_starts(e.name))
            )
        }
        assert not more and len(found) == len(expected) and set(found) == expected
    # workspace/symbol: the same answer with and without the prefix index's shortcut
    rows = [(e.name.lower(), u, e) for u, syms in current.items() for e in syms]
    for limit in (1, 3, 50):
        if prefix.strip():
            got = idx.search_symbols(prefix, limit=limit)
            assert got == search_symbol_rows(rows, prefix, limit=limit)


def test_composite_index_merges_parts() -> None:
    a, b = WorkspaceIndex(), WorkspaceIndex()
    for idx, uri, text in (
        (a, "file:///a/x.rho", 'contract @"stack"(x) = { Nil }'),
        (b, "file:///b/y.rho", 'contract @"store"(x) = { Nil }'),
    ):
        idx.update(uri, summarize_text(uri, text))
    found, more = CompositeIndex([a, b]).complete_symbols("st", kind=SK_FUNCTION)
    assert sorted(_names(found)) == ["stack", "store"] and not more


# ------------------------------------------------------------------ completion over the index
URI = "file:///w/main.rho"


def _workspace(n: int) -> WorkspaceIndex:
    idx = WorkspaceIndex()
    for i in range(n):
        uri = f"file:///w/lib{i}.rho"
        idx.update(uri, summarize_text(uri, f'contract @"store{i:03d}"(@k, ret) = {{ ret!(k) }}'))
    uri = "file:///w/other.rho"
    idx.update(uri, summarize_text(uri, 'contract @"svc_state"(ret) = { Nil }'))
    return idx


def test_completion_names_in_scope_first_then_workspace_names() -> None:
    text = "new stdout, stack in { st }"
    off = text.index("st }") + 2
    res = complete(Snapshot({URI: SimpleDocument(URI, text)}, _workspace(3)), URI, off)
    labels = [i.label for i in res.items]
    assert labels[:2] == ["stack", "stdout"] or labels[:2] == ["stdout", "stack"]
    ws = [lb for lb in labels if lb.startswith("@")]
    assert ws == ['@"store000"', '@"store001"', '@"store002"', '@"svc_state"']
    assert labels.index(ws[0]) > labels.index("stdout")
    assert not res.is_incomplete


def test_completion_is_incomplete_when_the_index_cut_its_answer() -> None:
    text = "new x in { st }"
    off = text.index("st }") + 2
    res = complete(Snapshot({URI: SimpleDocument(URI, text)}, _workspace(150)), URI, off)
    ws = [i.label for i in res.items if i.label.startswith("@")]
    assert ws[:3] == ['@"store000"', '@"store001"', '@"store002"']
    assert res.is_incomplete
    # a longer prefix narrows the run: complete again, nothing cut
    text = "new x in { store14 }"
    off = text.index("store14 }") + 7
    res = complete(Snapshot({URI: SimpleDocument(URI, text)}, _workspace(150)), URI, off)
    assert [i.label for i in res.items if i.label.startswith("@")] == [
        f'@"store{i}"' for i in range(140, 150)
    ]
    assert not res.is_incomplete
