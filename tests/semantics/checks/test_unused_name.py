from __future__ import annotations

from tests.semantics.checks.support import codes, diags, mark

from rholang_lsp.syntax.diagnostic import Severity, Tag


def test_unused_new_name_is_a_greyed_hint() -> None:
    text, labels = mark("new «u:unused», used, _ignored in { used!(1) }")
    (d,) = diags(text)
    assert d.code == "unused-name" and d.severity == Severity.HINT
    assert d.tags == (Tag.UNNECESSARY,) and (d.start, d.end) == labels["u"]


def test_uri_bound_boilerplate_is_greyed_too_never_a_warning() -> None:
    # deliberate: an unused `stdout(`rho:io:stdout`)` is greyed out like any unused name,
    # and nothing about it reaches the problems list (errors/warnings)
    text, labels = mark(
        "new «s:stdout»(`rho:io:stdout`), «l:lookup»(`rho:registry:lookup`), x in { x!(1) }"
    )
    ds = diags(text)
    assert [(d.start, d.end, d.severity, d.tags) for d in ds] == [
        (*labels["s"], Severity.HINT, (Tag.UNNECESSARY,)),
        (*labels["l"], Severity.HINT, (Tag.UNNECESSARY,)),
    ]
    assert codes(text) == []


def test_syntax_errors_hide_only_what_they_make_uncertain() -> None:
    # the broken block does not spell the name: it is surely unused, the warning stays
    # (the problems panel does not jump while the user types)
    assert [d.code for d in diags("new unused in { Nil | }") if d.code == "unused-name"] == [
        "unused-name"
    ]
    # the broken block spells it: the use may be in what could not be parsed
    assert [d for d in diags("new maybe in { maybe!( | }") if d.code == "unused-name"] == []
    # a warning inside the broken block is dropped
    src = "new a in { a!(1) | { new b in { Nil } | ) } }"
    assert [d for d in diags(src) if d.code == "unused-name"] == []
