from __future__ import annotations

from tests.semantics.checks.support import codes, diags, mark, spans


def test_disjunction_in_receive_pattern() -> None:
    text = 'new c in { for (@{"a" \\/ "b"} <- c) { Nil } }'
    assert codes(text) == ["receive-pattern-connective"]
    assert spans(text, "receive-pattern-connective") == ["\\/"]
    assert codes("new out in { match 1 { 1 \\/ 2 => out!(1) } }") == []


def test_connectives_at_any_quote_depth_of_a_top_level_receive() -> None:
    # RNode: the connectives collect in the pattern's free map (PatternReceiveError)
    text, labels = mark("for (@{ @{1 «d:\\/» 2}!(x) } <- @Nil) { Nil }")
    for target in ("rnode", "f1r3fly"):
        found = [d for d in diags(text, target) if d.code == "receive-pattern-connective"]
        assert [(d.start, d.end) for d in found] == [labels["d"]]
    text, labels = mark("contract @Nil(@{ @{«n:~»1}!(x) }) = { Nil }")
    found = [d for d in diags(text) if d.code == "receive-pattern-connective"]
    assert [(d.start, d.end) for d in found] == [labels["n"]]


def test_a_receive_inside_a_pattern_may_use_them() -> None:
    # failOnInvalidConnective applies only at bound-map depth 0
    for target in ("rnode", "f1r3fly"):
        assert diags("match 1 { {for (@{~1} <- c) { Nil }} => Nil }", target) == []
        assert diags("match 1 { {for (@{1 \\/ 2} <- c) { Nil }} => Nil }", target) == []
