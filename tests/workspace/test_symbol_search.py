"""The pruned symbol search returns exactly what scoring every name would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rholang_lsp.semantics.summary import SymbolEntry
from rholang_lsp.workspace.fuzzy import fuzzy_score
from rholang_lsp.workspace.index import search_symbol_rows

ALPHABET = "abcsvXYZ_019"
names = st.text(ALPHABET, min_size=1, max_size=10)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(names, min_size=1, max_size=120),
    st.text(ALPHABET, min_size=1, max_size=5),
    st.sampled_from([1, 3, 50]),
    st.sampled_from([None, 12, 13]),
)
def test_pruned_search_equals_exhaustive(
    all_names: list[str], query: str, limit: int, kind: int | None
) -> None:
    rows = [
        (n.lower(), f"file:///f{i % 5}.rho", SymbolEntry(n, 12 + i % 2, i, i + len(n), None))
        for i, n in enumerate(all_names)
    ]
    got = search_symbol_rows(rows, query, limit=limit, kind=kind)
    expected = []
    for low, uri, e in rows:
        if kind is not None and e.kind != kind:
            continue
        score = fuzzy_score(query, e.name, low)
        if score is not None:
            expected.append((score, uri, e))
    expected.sort(key=lambda h: (-h[0], len(h[2].name), h[2].name, h[1], h[2].start))
    assert [(h.score, h.uri, h.symbol) for h in got] == expected[:limit]
