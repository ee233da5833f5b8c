"""Parameter-name inlay hints (pure)."""

from __future__ import annotations

from rholang_lsp.features.inlay_hints import inlay_hints
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot


def hints(src: str) -> list[tuple[str, str]]:
    snap = Snapshot({"u": SimpleDocument("u", src)})
    return [(h.label, src[h.offset : h.offset + 3]) for h in inlay_hints(snap, "u")]


def test_hints_for_unique_overload() -> None:
    src = "new x, ret, k in { contract x(@a, ret) = { Nil } | x!(1, *ret) | x!(2, *k) | x!(1) }"
    assert hints(src) == [("a:", "1, "), ("a:", "2, "), ("ret:", "*k)")]


def test_no_hints_for_literal_formals_or_ambiguous() -> None:
    src = 'new x in { contract x(@"get", ret) = { Nil } | contract x(@a, @b) = { Nil } | x!(1, 2) }'
    assert hints(src) == []
