from __future__ import annotations

from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax.diagnostic import Severity, Tag


def test_unused_new_name_warning() -> None:
    text, labels = mark("new «u:unused», used, _ignored in { used!(1) }")
    (d,) = diags(text)
    assert d.code == "unused-name" and d.severity == Severity.WARNING
    assert d.tags == (Tag.UNNECESSARY,) and (d.start, d.end) == labels["u"]


def test_no_warning_while_the_file_has_syntax_errors() -> None:
    assert [d for d in diags("new unused in { Nil | }") if d.code == "unused-name"] == []
