from __future__ import annotations

from tests.semantics.checks.support import codes, diags, spans

from rholang_lsp.syntax.diagnostic import Severity


def test_bundle_in_pattern_with_free_variables_or_wildcards_is_an_error() -> None:
    text = (
        "new c in { for (@x <- c) { match x {"
        " {bundle+ { y | _ }} => Nil"
        " {bundle{[*d, =x, ...rest]}} => Nil"
        " {bundle0 { for (z <- e) { z!(1) } }} => Nil"
        " } } }"
    )
    found = [d for d in diags(text) if d.code == "bundle-free-variable"]
    assert [text[d.start : d.end] for d in found] == ["y", "_", "d", "rest", "e"]
    assert all(d.severity == Severity.ERROR for d in found)
    assert found[0].message.startswith("Bundle's content must not have free variables or wildcards")
    assert found[0].related and text[found[0].related[0].start : found[0].related[0].end] == (
        "bundle+"
    )
    # `=x` and the binders of a form nested in the bundle (`z`) are not free
    assert "bundle-in-pattern" not in codes(text)  # the error is enough


def test_bundle_in_receive_pattern_and_remainder_wildcard() -> None:
    text = "new c in { for (@{bundle+ {[1 ..._]}} <- c) { Nil } }"
    assert spans(text, "bundle-free-variable") == ["_"]


def test_ground_bundle_in_pattern_is_a_dialect_warning() -> None:
    text = 'new c in { for (@x <- c) { match x { {bundle0{"a"}} => Nil  _ => Nil } } }'
    found = [d for d in diags(text) if d.code == "bundle-in-pattern"]
    assert [(text[d.start : d.end], d.severity) for d in found] == [("bundle0", Severity.WARNING)]
    assert "BundleInsidePattern" in found[0].message
    assert spans(text, "bundle-in-pattern", target="rnode") == []  # the nodes accept it
    assert spans(text, "bundle-free-variable") == []


def test_bundle_outside_patterns_is_unaffected() -> None:
    text = "new c, r in { for (x <- c) { r!(bundle+{*x}) } }"
    assert [c for c in codes(text) if c.startswith("bundle")] == []
