from __future__ import annotations

from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax.diagnostic import Severity


def test_inner_new_shadowing_is_hinted() -> None:
    text, labels = mark("new «a:x» in { x!() | new «b:x» in { x!() } }")
    hints = [d for d in diags(text) if d.code == "shadowing"]
    assert [(d.start, d.end) for d in hints] == [labels["b"]]
    assert hints[0].severity == Severity.HINT
    assert [(r.start, r.end) for r in hints[0].related] == [labels["a"]]
    assert "line 1" in hints[0].message


def test_match_pattern_identifier_shadows_with_hint() -> None:
    text, labels = mark("new out in { for (@x <- out) { match 1 { «p:x» => out!(x) } } }")
    hints = [d for d in diags(text) if d.code == "shadowing"]
    assert [(d.start, d.end) for d in hints] == [labels["p"]]
    assert "`=x`" in hints[0].message


def test_no_hint_while_the_file_has_syntax_errors() -> None:
    assert [d for d in diags("new x in { new x in { x!( } }") if d.code == "shadowing"] == []
