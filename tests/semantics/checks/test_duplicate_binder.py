from __future__ import annotations

from tests.semantics.checks.support import codes, diags, mark

from rholang_lsp.syntax.diagnostic import Severity


def test_duplicate_binder_across_join_formals_let_and_new() -> None:
    assert "duplicate-binder" in codes("new x, y in { for (@a <- x & @a <- y) { Nil } }")
    assert "duplicate-binder" in codes("new c in { contract c(@a, @a) = { Nil } }")
    assert "duplicate-binder" in codes("new out in { let @a <- 1 & @a <- 2 in { out!(a) } }")


def test_duplicate_in_new_points_at_the_first_and_is_not_also_unused() -> None:
    # F1R3FLY: the rholang-rs parser (Rust node) rejects it, the Scala node accepts it
    text, labels = mark("new «c1:c», «c2:c» in { c!(1) }")
    ds = diags(text)
    assert [d.code for d in ds] == ["duplicate-binder"]
    (d,) = ds
    assert (d.start, d.end) == labels["c2"] and "declared twice" in d.message
    assert d.severity == Severity.WARNING
    assert [(r.start, r.end, r.message) for r in d.related] == [
        (*labels["c1"], "first declaration")
    ]


def test_duplicate_in_new_is_fine_on_rnode() -> None:
    # RNode's PNewNormalizer binds the names one after the other: the later one wins
    # (RChain's genesis contracts do it)
    assert diags("new a, b, a in { a!(1) | b!(1) }", "rnode") == []


def test_duplicate_in_pattern_message() -> None:
    text, labels = mark("new c in { for (@a, @«a2:a» <- c) { Nil } }")
    (d,) = [d for d in diags(text) if d.code == "duplicate-binder"]
    assert (d.start, d.end) == labels["a2"] and "bound twice in this pattern" in d.message
