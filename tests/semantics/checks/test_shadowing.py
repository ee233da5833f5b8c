"""``shadowing``: only a `match` case binder named like an outer variable (a likely
mistake), with the comparison written for the outer variable's sort; the idioms are silent."""

from __future__ import annotations

import pytest
from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax.diagnostic import Severity

IDIOMS = [
    # nested contracts reusing `ret` / `return` / `ack`
    "new make, out in { contract make(ret) = { new obj in { contract obj(ret) = { ret!(1) } "
    "| ret!(*obj) } } | make!(*out) }",
    # chained receives re-binding the same name
    "new ack, out in { ack!(0) | for (@count <- ack) { out!(count) | "
    "for (@count <- ack) { out!(count) } } }",
    # a receive re-binding a `new` name
    "new boxCh, out in { boxCh!(*out) | for (boxCh <- boxCh) { boxCh!(1) } }",
    # an inner `new` re-declaring an outer name
    "new x in { x!() | new x in { x!() } }",
    # the unwrap idiom: the outer variable is the match target
    "new vaultCh, out in { for (@vault <- vaultCh) { match vault { (true, vault) => "
    "out!(vault)  (false, err) => out!(err) } } }",
    # a case binder named like an outer name used by the match target
    "new x, out in { for (y <= x) { match *y { [y, z] => out!(y) } } }",
]


@pytest.mark.parametrize("text", IDIOMS)
def test_idioms_are_silent(text: str) -> None:
    assert [d for d in diags(text) if d.code == "shadowing"] == []
    assert [d for d in diags(text, "rnode") if d.code == "shadowing"] == []


def test_case_binder_shadowing_an_outer_process_advises_eq_x() -> None:
    text, labels = mark("new out in { for (@x <- out) { match [1, 2] { [«p:x», y] => out!(x) } } }")
    hints = [d for d in diags(text) if d.code == "shadowing"]
    assert [(d.start, d.end) for d in hints] == [labels["p"]]
    assert hints[0].severity == Severity.HINT
    assert "write `=x`" in hints[0].message and "process `x`" in hints[0].message


def test_case_binder_shadowing_an_outer_name_advises_eq_star_x() -> None:
    # `=x` would itself be a sort error here: the outer `x` is a name
    text, labels = mark("new x, out in { match [1, 2] { [«p:x», y] => out!(x) } }")
    hints = [d for d in diags(text) if d.code == "shadowing"]
    assert [(d.start, d.end) for d in hints] == [labels["p"]]
    assert "write `=*x`" in hints[0].message and "name `x`" in hints[0].message


def test_no_hint_while_the_file_has_syntax_errors() -> None:
    text = "new x, out in { match [1, 2] { [x, y] => out!( } }"
    assert [d for d in diags(text) if d.code == "shadowing"] == []


def test_syntax_errors_hide_only_the_hints_of_their_block() -> None:
    # the error is inside the case body's own block: the shadowing pattern itself is certain
    text = "new x, out in { match [1, 2] { [x, y] => { out!( } } }"
    assert [d.code for d in diags(text) if d.code == "shadowing"] == ["shadowing"]
    # the shadowing pattern stands in the broken block: held back until it parses
    text = "new x, out in { match [1, 2] { [x, y] => out!(y) } | out!( }"
    assert [d for d in diags(text) if d.code == "shadowing"] == []
