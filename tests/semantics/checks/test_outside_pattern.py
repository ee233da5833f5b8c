from __future__ import annotations

from tests.semantics.checks.support import codes, diags, mark, spans

from rholang_lsp.syntax.diagnostic import Severity


def test_wildcard_var_ref_and_connectives_outside_patterns() -> None:
    assert spans("new x in { x!(_) }", "wildcard-outside-pattern") == ["_"]
    assert spans("new x in { x!(1 /\\ 2) }", "connective-outside-pattern") == ["/\\"]
    assert spans("new x in { for (@y <- x) { x!(=y) } }", "var-ref-outside-pattern") == ["=y"]
    assert codes("new x in { for (@{Int /\\ y} <- x) { x!(y) } }") == []


def test_list_remainder_outside_a_pattern_is_a_free_variable() -> None:
    # RNode's RemainderNormalizeMatcher never looks `x` up: `...x` is a new free variable
    text, labels = mark("new c in { for (@x <- c) { c!([1 ...«r:x»]) } }")
    for target in ("rnode", "f1r3fly"):
        found = [d for d in diags(text, target) if d.severity == Severity.ERROR]
        assert [(d.code, d.start, d.end) for d in found] == [
            ("remainder-outside-pattern", *labels["r"])
        ]
    assert codes("new c in { for (@x <- c) { match x { [h ...t] => c!(t) } } }") == []
