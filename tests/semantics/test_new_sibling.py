"""The `new x in P | Q` hint: which earlier `new` sibling declares an unbound name.

``_new_sibling_declaring`` answers from per-bind memos (issue 19, row 6). Checked
against the plain definition (climb every ancestor, scan every `|`'s children) on
the corpus and on edge shapes, and its work is counted: linear in the program for
long compositions, deep nesting and many unbound names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rholang_lsp.semantics.binder import Binder, _new_sibling_declaring, _SiblingNews, bind
from rholang_lsp.syntax import ast, parse
from rholang_lsp.syntax.kinds import SyntaxKind as K
from rholang_lsp.syntax.tree import Node, Token

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _reference(tok: Token, name: str) -> Node | None:
    """The definition, without memos: every `|` ancestor, every earlier `new` child."""
    child: Node | Token = tok
    for anc in tok.parent.ancestors() if tok.parent is not None else ():
        if anc.kind == K.PAR:
            for sib in anc.children:
                if not isinstance(sib, Node) or sib.start >= child.start:
                    continue
                if sib.kind == K.NEW and any(
                    (t := ast.ident_of(d)) is not None and t.text == name
                    for d in ast.New(sib).decls
                ):
                    return sib
        child = anc
    return None


def _unbound_tokens(text: str) -> list[Token]:
    res = parse(text)
    starts = {u.start for u in bind(res).facts.unbound}
    return [t for t in res.tree.tokens() if t.start in starts and t.kind == K.IDENT]


def _check_same(text: str) -> int:
    toks = _unbound_tokens(text)
    news = _SiblingNews()
    for tok in toks:
        assert _new_sibling_declaring(tok, tok.text, news) is _reference(tok, tok.text), (
            tok.text,
            tok.start,
        )
    return len(toks)


SHAPES = [
    "new x in P | x!(1)",
    "new x in { Nil } | x!(1)",
    "x!(1) | new x in { Nil }",
    "new x in Nil | new y in Nil | { x!(1) | y!(2) | z!(3) }",
    "new x in Nil | for (a <- b) { new x in Nil | { x!(1) } | new y in Nil } | y!(1)",
    "new a, b in Nil | new b, c in Nil | { a!(1) | b!(2) | c!(3) | { new a in Nil | a!(0) } }",
    "contract c(x) = { Nil } | new q in Nil | match 1 { 1 => q!(1) | new r in Nil | r!(1) }",
    "new x in x!(1) | new y in { y!(2) } | x!(3) | y!(4",  # broken: recovery trees too
]


@pytest.mark.parametrize("text", SHAPES)
def test_same_answer_as_the_definition_on_shapes(text: str) -> None:
    _check_same(text)


def test_shapes_exercise_the_hint() -> None:
    text = SHAPES[3]
    toks = {t.text: t for t in _unbound_tokens(text)}
    assert _new_sibling_declaring(toks["x"], "x") is not None
    assert _new_sibling_declaring(toks["z"], "z") is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_same_answer_as_the_definition_on_the_corpus() -> None:
    checked = 0
    for path in sorted(CORPUS.rglob("*.rho")):
        checked += _check_same(path.read_text(encoding="utf-8", errors="replace"))
    assert checked > 100  # the corpus has unbound names (rnode-only files, fragments)


# programs of size k whose unbound names used to cost a walk or a scan each; nesting
# stays under the parser's depth bound at 4k. (Left out: k nested `|` levels that each
# have an earlier `new` sibling on the path; a name crosses each such level once.)
FAMILIES: dict[str, tuple[Callable[[int], str], int]] = {
    "unbound in a long par": (
        lambda k: "new a in Nil | " + " | ".join(f"x{i}!(1)" for i in range(k)),
        100,
    ),
    "unbound in nested for": (
        lambda k: "".join(f"for (y{i} <- x{i}) {{ " for i in range(k)) + "Nil" + " }" * k,
        20,
    ),
    "unbound under nested news": (
        lambda k: "".join(f"x{i}!(1) | new a{i} in {{ " for i in range(k)) + "Nil" + " }" * k,
        20,
    ),
    "news and unbound names alternating": (
        lambda k: " | ".join(f"new n{i} in Nil | m{i}!(1)" for i in range(k)),
        100,
    ),
}


def _work(text: str) -> tuple[int, int]:
    b = Binder(parse(text))
    b.run()
    return b._sibling_news.work, len(b.m.facts.unbound)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_sibling_search_work_is_linear(family: str) -> None:
    make, k = FAMILIES[family]
    small, n_small = _work(make(k))
    big, n_big = _work(make(4 * k))
    assert n_big >= 4 * n_small - 4 and n_small >= k  # every shape has k unbound names
    assert big <= 4.5 * small, (small, big)
