from __future__ import annotations

from tests.semantics.checks.support import diags, mark


def test_binder_under_disjunction_or_negation() -> None:
    text, labels = mark("new out in { match 1 { «x:x» \\/ 2 => Nil  ~«y:y» => Nil } }")
    found = [d for d in diags(text) if d.code == "binder-in-disjunction"]
    assert [(d.start, d.end) for d in found] == [labels["x"], labels["y"]]
    assert "not available in the body" in found[0].message


def test_conjunction_binds_normally() -> None:
    assert [d for d in diags("new out in { match 1 { x /\\ Int => out!(x) } }")] == []
