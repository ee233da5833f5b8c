from __future__ import annotations

from tests.semantics.checks.support import codes, spans


def test_wildcard_var_ref_and_connectives_outside_patterns() -> None:
    assert spans("new x in { x!(_) }", "wildcard-outside-pattern") == ["_"]
    assert spans("new x in { x!(1 /\\ 2) }", "connective-outside-pattern") == ["/\\"]
    assert spans("new x in { for (@y <- x) { x!(=y) } }", "var-ref-outside-pattern") == ["=y"]
    assert codes("new x in { for (@{Int /\\ y} <- x) { x!(y) } }") == []
