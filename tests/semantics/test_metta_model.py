"""MeTTa semantics: clauses, declarations, occurrences and the two semantic checks."""

from __future__ import annotations

from rholang_lsp.semantics.metta import analyze_metta
from rholang_lsp.syntax.metta import HOLE_CHAR

SRC = """; factorial
(: fac (-> Number Number))
(= (fac 0) 1)
(= (fac $n) (* $n (fac (- $n 1))))
(= (pair $a $b) ($a $b))
!(fac 5)
!(pair 1)
"""


def test_clauses_declarations_and_occurrences() -> None:
    m = analyze_metta(SRC)
    assert sorted(m.functions) == ["fac", "pair"]
    assert [c.arity for c in m.functions["fac"]] == [1, 1]
    assert m.decl_of("fac") is not None and m.decl_of("fac").text == "(: fac (-> Number Number))"
    roles = [(o.role, o.arity) for o in m.fn_occurrences if o.name == "fac"]
    assert roles == [("decl", None), ("def", 1), ("def", 1), ("call", 1), ("call", 1)]


def test_arity_mismatch_is_reported_at_the_call() -> None:
    m = analyze_metta(SRC)
    arity = [d for d in m.diagnostics if d.code == "metta-arity"]
    assert len(arity) == 1
    d = arity[0]
    assert SRC[d.start : d.end] == "pair" and SRC[d.start - 2 : d.start] == "!("
    assert "2 arguments" in d.message and "passes 1" in d.message
    assert [SRC[r.start : r.end] for r in d.related] == ["pair"]


def test_patterns_in_heads_and_type_declarations_are_not_calls() -> None:
    m = analyze_metta("(= (f (g $x)) $x)\n(= (g $a $b) $a)\n(: g (-> A B C))")
    assert [d.code for d in m.diagnostics] == []


def test_unbound_variable_in_body() -> None:
    text = "(= (g $x) (+ $x $y))"
    m = analyze_metta(text)
    assert [(d.code, text[d.start : d.end]) for d in m.diagnostics] == [
        ("metta-unbound-variable", "$y")
    ]


def test_variables_bound_by_binding_forms_are_fine() -> None:
    text = """
(= (a $x) (let $y (f $x) $y))
(= (b $x) (let* (($p 1) ($q $p)) (+ $p $q)))
(= (c $x) (match &self (edge $x $to) $to))
(= (d $x) (case $x ((($h $t) $h) ($other $other))))
(= (e $x) (chain (f $x) $r (g $r)))
"""
    m = analyze_metta(text)
    assert [d for d in m.diagnostics if d.code == "metta-unbound-variable"] == []


def test_no_semantic_diagnostic_across_a_hole() -> None:
    text = f"(= (g $x) (+ $x $y {HOLE_CHAR}))\n(= (k $a) $a)\n!(k 1 {HOLE_CHAR})"
    m = analyze_metta(text, holes=True)
    assert m.diagnostics == []
    assert m.hole_items == {0, 2}
