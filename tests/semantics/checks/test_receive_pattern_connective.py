from __future__ import annotations

from tests.semantics.checks.support import codes, spans


def test_disjunction_in_receive_pattern() -> None:
    text = 'new c in { for (@{"a" \\/ "b"} <- c) { Nil } }'
    assert codes(text) == ["receive-pattern-connective"]
    assert spans(text, "receive-pattern-connective") == ["\\/"]
    assert codes("new out in { match 1 { 1 \\/ 2 => out!(1) } }") == []
