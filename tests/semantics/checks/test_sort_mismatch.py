from __future__ import annotations

from tests.semantics.checks.support import codes, diags, mark

from rholang_lsp.syntax.diagnostic import Severity


def test_sort_mismatch_messages() -> None:
    text, labels = mark("new out in { for («b:msg» <- out) { out!(«m:msg») } }")
    (d,) = [d for d in diags(text) if d.severity == Severity.ERROR]
    assert d.code == "name-in-process-position" and (d.start, d.end) == labels["m"]
    assert "`*msg`" in d.message and "line 1" in d.message
    assert [(r.start, r.end) for r in d.related] == [labels["b"]]
    text, labels = mark("new out in { for (@p <- out) { «p1:p»!(1) } }")
    (d,) = [d for d in diags(text) if d.severity == Severity.ERROR]
    assert d.code == "process-in-name-position" and (d.start, d.end) == labels["p1"]
    assert "`@p`" in d.message


def test_var_ref_checks_sort() -> None:
    assert codes("new out in { for (@v <- out) { match 1 { =v => Nil } } }") == []
    # `=*x` must refer to a name; the nearest `x` is a process variable
    bad = "new x, c in { for (@x <- c) { match 1 { =*x => Nil } } }"
    (d,) = [d for d in diags(bad) if d.code == "process-in-name-position"]
    assert "write `=x`" in d.message
