from __future__ import annotations

from tests.semantics.checks.support import codes, diags, mark

from rholang_lsp.semantics.checks import UNBOUND_CODES, DiagnosticCode
from rholang_lsp.syntax.diagnostic import Severity


def test_unbound_every_occurrence_and_nil_hint() -> None:
    text, labels = mark("new x in { «a:y»!(1) | «b:y»!(2) | x!(«n:nil») }")
    errs = [d for d in diags(text) if d.severity == Severity.ERROR]
    assert sorted((d.start, d.end) for d in errs) == sorted([labels["a"], labels["b"], labels["n"]])
    assert {d.code for d in errs} == {DiagnosticCode.UNBOUND_VARIABLE}
    nil = next(d for d in errs if (d.start, d.end) == labels["n"])
    assert "`Nil`" in nil.message
    assert all(d.source == "rholang-semantic" for d in errs)


def test_top_level_free_variable() -> None:
    (d,) = diags("x!(42)")
    assert d.code == "top-level-free-variable" and d.severity == Severity.ERROR
    assert "free variable" in d.message.lower()
    assert diags("new x in { x!(42) }") == []


def test_new_extends_only_over_next_process() -> None:
    text, labels = mark("«new:new» x in { x!(1) } | «y:x»!(2)")
    (d,) = [d for d in diags(text) if d.severity == Severity.ERROR]
    assert (d.start, d.end) == labels["y"] and d.code == "unbound-variable"
    assert "not in scope" in d.message and "`{ }`" in d.message
    assert [(r.start, r.end) for r in d.related] == [labels["new"]]


def test_var_ref_unbound() -> None:
    text, labels = mark("new c in { for (@{=«y:y»} <- c) { Nil } }")
    (d,) = [d for d in diags(text) if d.code in UNBOUND_CODES]
    assert (d.start, d.end) == labels["y"] and d.code == "unbound-variable"
    assert "`=y`" in d.message
    assert "unbound-variable" in codes("new c in { for (@{=*y} <- c) { Nil } }")
