"""Quick fixes matched by diagnostic code, and the sort-`new` source action."""

from __future__ import annotations

from rholang_lsp.features.code_actions import DiagnosticRef, code_actions
from rholang_lsp.features.formatting import apply_edits
from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Diagnostic
from rholang_lsp.workspace.analysis import analyze


def fixes(src: str, only: list[str] | None = None) -> dict[str, str]:
    a = analyze("file:///a.rho", src)
    return {
        act.title: apply_edits(src, act.edits) for act in code_actions(a, 0, len(src), only=only)
    }


def diags_of(src: str) -> list[Diagnostic]:
    return semantic_diagnostics(parse(src, target="rnode"), target="rnode")


def test_remove_unused_new_name() -> None:
    out = fixes("new x, y, z in { x!(1) | z!(2) }")
    assert out["Remove unused `y` from `new`"] == "new x, z in { x!(1) | z!(2) }"
    out = fixes("new x, y in { x!(1) }")
    assert out["Remove unused `y` from `new`"] == "new x in { x!(1) }"
    out = fixes("new x in { Nil }")
    assert out["Remove unused `x` (and its `new`)"] == "{ Nil }"


def test_declare_unbound_name() -> None:
    out = fixes("new y in { x!(1) | y!(1) }")
    fixed = out["Declare `x` in the enclosing `new`"]
    assert fixed == "new y, x in { x!(1) | y!(1) }"
    assert not parse(fixed).has_errors
    out = fixes("x!(1)")
    fixed = next(v for k, v in out.items() if k.startswith("Add `new x"))
    assert fixed.startswith("new x in {") and not parse(fixed).has_errors


def test_rename_shadowing_binder() -> None:
    out = fixes("new x, out in { match [1, 2] { [x, y] => out!(x) } }")
    assert out["Rename `x` to `x2`"] == "new x, out in { match [1, 2] { [x2, y] => out!(x2) } }"


def test_compare_instead_of_rebinding() -> None:
    src = (
        "new ch, out in { for (thisDecr <- ch; @provided <- ch) { "
        "match provided { {*thisDecr} => out!(true)  _ => out!(false) } } }"
    )
    out = fixes(src)
    fixed = out["Compare with the outer `thisDecr`: `=*thisDecr`"]
    assert fixed == src.replace("{*thisDecr}", "{=*thisDecr}")
    assert not parse(fixed, target="rnode").has_errors
    # after the fix the case compares: nothing left to report, the outer name is used
    assert [d.code for d in diags_of(fixed) if d.code] == []


def test_sort_new_and_only_filter() -> None:
    src = "new zeta, alpha, out(`rho:io:stdout`) in { zeta!(1) | alpha!(1) | out!(1) }"
    out = fixes(src, only=["source"])
    assert list(out) == ["Sort `new` declarations"]
    assert out["Sort `new` declarations"].startswith("new out(`rho:io:stdout`), alpha, zeta in")
    assert fixes(src, only=["quickfix"]) == {}


def test_client_diagnostics_are_matched_by_code() -> None:
    src = "new x, y in { x!(1) }"
    a = analyze("file:///a.rho", src)
    s = src.index("y")
    acts = code_actions(a, s, s, [DiagnosticRef(s, s + 1, "unused-name")])
    assert acts and acts[0].diagnostics[0].code == "unused-name"
