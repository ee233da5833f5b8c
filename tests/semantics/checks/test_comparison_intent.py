"""``comparison-intent``: a case binder that rebinds an outer variable of the same sort where
a comparison was evidently meant (the `*thisDecr` capability check that checks nothing)."""

from __future__ import annotations

from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax.diagnostic import Severity

# the shape of a purse's `decr` check: the case should only match the mint's own `thisDecr`
PURSE = (
    "new letCh, thisPurse, out in {\n"
    "  letCh!(bundle0{*thisPurse}) |\n"
    "  for (thisDecr <- letCh) {\n"
    "    contract thisPurse(@providedDecr, @amount, return) = {\n"
    "      match providedDecr {\n"
    "        «p:*thisDecr» => return!(true)\n"
    "        _ => return!(false)\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "}"
)


def _found(text: str, target: str = "f1r3fly") -> list[tuple[int, int, str]]:
    return [
        (d.start, d.end, d.message)
        for d in diags(text, target)
        if d.code == "comparison-intent" and d.severity == Severity.WARNING
    ]


def test_eval_pattern_of_an_outer_name() -> None:
    text, labels = mark(PURSE)  # bare `*x` case pattern: rholang-rs syntax
    ((s, e, msg),) = _found(text)
    assert (s, e) == labels["p"]
    assert "write `=*thisDecr`" in msg and "matches anything" in msg
    # no second report as a shadowing hint
    assert [d for d in diags(text) if d.code == "shadowing"] == []
    # the RNode grammar needs braces: `{*thisDecr}`
    text, labels = mark(PURSE.replace("«p:*thisDecr»", "{«p:*thisDecr»}"))
    for target in ("rnode", "f1r3fly"):
        ((s, e, msg),) = _found(text, target)
        assert (s, e) == labels["p"] and "write `=*thisDecr`" in msg


def test_catch_all_named_after_an_outer_process_variable() -> None:
    text, labels = mark(
        "new ch, out in { for (@expected <- ch; @got <- ch) { match got { «p:expected» => "
        "out!(true)  _ => out!(false) } } }"
    )
    ((s, e, msg),) = _found(text)
    assert (s, e) == labels["p"] and "write `=expected`" in msg


def test_binder_where_another_case_has_a_literal() -> None:
    text, labels = mark(
        'new ch, out in { for (@mode <- ch; @req <- ch) { match req { ("get", k) => out!(k)  '
        "(«p:mode», k) => out!(k) } } }"
    )
    ((s, e, msg),) = _found(text)
    assert (s, e) == labels["p"] and "write `=mode`" in msg


def test_silent_on_fresh_names_unwrap_and_other_sorts() -> None:
    silent = [
        "new ch, out in { for (@msg <- ch) { match msg { *r => r!(1) } } }",  # fresh name
        "new vaultCh, out in { for (@vault <- vaultCh) { match vault { (true, vault) => "
        'out!(vault)  ("x", vault) => Nil } } }',  # unwrap idiom
        "new x, out in { match 1 { x => out!(x) } }",  # outer name, process binder
        "new ch, out in { for (@e <- ch) { match [1] { [x] => out!(x) } } }",  # no outer x
    ]
    for text in silent:
        assert _found(text) == [], text
