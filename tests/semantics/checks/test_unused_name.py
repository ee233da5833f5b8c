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


def test_no_hint_while_the_file_has_syntax_errors() -> None:
    assert [d for d in diags("new unused in { Nil | }") if d.code == "unused-name"] == []
