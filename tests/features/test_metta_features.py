"""MeTTa features on analysed documents (virtual offsets)."""

from __future__ import annotations

import pytest

from rholang_lsp.features.metta import (
    MettaRenameError,
    VLoc,
    metta_definition,
    metta_folding,
    metta_highlights,
    metta_hover,
    metta_prepare_rename,
    metta_references,
    metta_rename,
    metta_semantic_tokens,
    metta_symbols,
)
from rholang_lsp.features.semantic_tokens import (
    T_COMMENT,
    T_FUNCTION,
    T_KEYWORD,
    T_NUMBER,
    T_PARAMETER,
    T_STRING,
    T_VARIABLE,
)
from rholang_lsp.semantics.metta import analyze_metta

SRC = """(: area (-> Shape Number))
(= (area (circle $r)) (* 3 (* $r $r)))
(= (area (rect $w $h)) (* $w $h))
(= (area $s $scale) (* $scale (area $s)))
!(area (rect 2 "x"))  ; two
"""


def at(text: str, needle: str, nth: int = 0, delta: int = 1) -> int:
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return i + delta


def spans(text: str, locs: list[VLoc]) -> list[str]:
    return [text[loc.start : loc.end] for loc in locs]


def test_definition_filters_clauses_by_arity() -> None:
    m = analyze_metta(SRC)
    call1 = at(SRC, "(area $s)")  # a one-argument call: the two clauses of arity 1
    defs = metta_definition([m], 0, call1)
    assert [loc.start for loc in defs] == [at(SRC, "area", 1, 0), at(SRC, "area", 2, 0)]
    call2 = at(SRC, "!(area") + 1
    assert [loc.start for loc in metta_definition([m], 0, call2)] == [
        at(SRC, "area", 1, 0),
        at(SRC, "area", 2, 0),
    ]


def test_definition_of_an_arity_without_clause_lists_them_all() -> None:
    text = "(= (f $x) $x)\n(= (f $x $y) $y)\n!(f 1 2 3)"
    m = analyze_metta(text)
    assert len(metta_definition([m], 0, at(text, "!(f") + 1)) == 2


def test_references_and_highlights_of_a_function() -> None:
    m = analyze_metta(SRC)
    refs = metta_references([m], 0, at(SRC, "area"))
    assert spans(SRC, refs) == ["area"] * 6
    no_decl = metta_references([m], 0, at(SRC, "area"), include_declaration=False)
    assert len(no_decl) == 2
    kinds = [k for _, k in metta_highlights([m], 0, at(SRC, "area"))]
    assert kinds.count(3) == 3 and kinds.count(2) == 3


def test_variables_are_local_to_their_clause() -> None:
    m = analyze_metta(SRC)
    off = at(SRC, "$r")
    refs = metta_references([m], 0, off)
    assert spans(SRC, refs) == ["$r", "$r", "$r"]
    assert all(SRC.index("(circle") < r.start < SRC.index("(= (area (rect") for r in refs)
    [d] = metta_definition([m], 0, at(SRC, "$r", 2))
    assert d.start == SRC.index("$r")


def test_rename_function_across_documents_of_a_group() -> None:
    a = analyze_metta("(= (f $x) (g $x))")
    b = analyze_metta("!(f 1)\n!(f 2)")
    edits = metta_rename([a, b], 1, 2, "double")
    assert sorted((e[0].doc, e[0].start) for e in edits) == [(0, 4), (1, 2), (1, 9)]
    assert {t for _, t in edits} == {"double"}
    with pytest.raises(MettaRenameError):
        metta_rename([a, b], 1, 2, "g")  # would merge f into g
    with pytest.raises(MettaRenameError):
        metta_rename([a, b], 1, 2, "two words")


def test_rename_variable() -> None:
    m = analyze_metta("(= (f $x $y) (+ $x $y))")
    edits = metta_rename([m], 0, 6, "n")
    assert [(e.start, t) for e, t in edits] == [(6, "$n"), (16, "$n")]
    with pytest.raises(MettaRenameError):
        metta_rename([m], 0, 6, "$y")
    assert metta_prepare_rename([m], 0, 6) == (6, 8, "$x")
    assert metta_prepare_rename([m], 0, 14) is None  # `+` is not defined here


def test_hover_shows_declaration_and_clauses() -> None:
    m = analyze_metta(SRC)
    md, s, e = metta_hover([m], 0, at(SRC, "!(area") + 2) or ("", 0, 0)
    assert SRC[s:e] == "area"
    assert "(: area (-> Shape Number))" in md
    assert "(= (area (rect $w $h)) (* $w $h))" in md
    assert "3 clauses" in md and "arity 1 or 2" in md
    v = metta_hover([m], 0, at(SRC, "$w"))
    assert v is not None and "bound by the head" in v[0]
    kw = metta_hover([m], 0, SRC.index("(-> ") + 1)
    assert kw is not None and "function type" in kw[0]


def test_semantic_tokens_classify_every_kind() -> None:
    m = analyze_metta(SRC)
    toks = {(SRC[s : s + n], t) for s, n, t, _ in metta_semantic_tokens([m], 0)}
    assert ("area", T_FUNCTION) in toks
    assert ("$r", T_PARAMETER) in toks and ("$scale", T_PARAMETER) in toks
    assert ("=", T_KEYWORD) in toks and (":", T_KEYWORD) in toks and ("->", T_KEYWORD) in toks
    assert ("!", T_KEYWORD) in toks
    assert ("3", T_NUMBER) in toks and ('"x"', T_STRING) in toks
    assert ("; two", T_COMMENT) in toks
    body_var = analyze_metta("(= (f) (let $v 1 $v))")
    assert ("$v", T_VARIABLE) in {
        (body_var.text[s : s + n], t) for s, n, t, _ in metta_semantic_tokens([body_var], 0)
    }


def test_symbols_and_folding() -> None:
    m = analyze_metta(SRC)
    [sym] = metta_symbols(m)
    assert sym.name == "area" and len(sym.children) == 3
    assert sym.detail == "(: area (-> Shape Number))"
    folds = metta_folding(analyze_metta("(= (f $x)\n  (g $x))\n(h)"))
    assert (0, 18) in folds


def test_completion_of_functions_variables_and_heads() -> None:
    from rholang_lsp.features.metta.completion import metta_completions

    a = analyze_metta("(= (square $num) (* $num $n2))\n(= (sq2 $x) $x)")
    b = analyze_metta("!(sq")
    start, items = metta_completions([a, b], 1, 4)
    assert start == 2
    assert [(c.label, c.detail) for c in items] == [("sq2", "arity 1"), ("square", "arity 1")]
    off = a.text.index("$n2") + 2
    start, items = metta_completions([a, b], 0, off)
    assert a.text[start:off] == "$n" and [c.label for c in items] == ["$num"]
    _, heads = metta_completions([b], 0, 2)
    assert {"let", "match", "superpose"} <= {c.label for c in heads}
