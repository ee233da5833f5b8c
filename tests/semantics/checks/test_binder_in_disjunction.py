from __future__ import annotations

from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax.diagnostic import Severity


def test_binder_under_disjunction_or_negation_is_a_warning() -> None:
    # the nodes accept it: each side is normalised with an empty free map and discarded
    text, labels = mark("new out in { match 1 { «x:x» \\/ 2 => Nil  ~«y:y» => Nil } }")
    found = [d for d in diags(text) if d.code == "binder-in-disjunction"]
    assert [(d.start, d.end) for d in found] == [labels["x"], labels["y"]]
    assert all(d.severity == Severity.WARNING for d in found)
    assert "binds nothing" in found[0].message


def test_a_use_of_a_disjunction_binder_is_unbound_at_the_use() -> None:
    text, labels = mark("new out in { match [1] { [key] \\/ [key, _] => out!(«u:key») } }")
    for target in ("rnode", "f1r3fly"):
        errors = [d for d in diags(text, target) if d.severity == Severity.ERROR]
        assert [(d.code, d.start, d.end) for d in errors] == [("unbound-variable", *labels["u"])]


def test_conjunction_binds_normally() -> None:
    assert [d for d in diags("new out in { match 1 { x /\\ Int => out!(x) } }")] == []
