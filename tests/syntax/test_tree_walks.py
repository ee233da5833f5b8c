"""Per-node tree helpers are linear: no helper enters the same subtree twice.

``Node.last_token`` used to call itself on a child and then walk into that child
again, so its cost doubled with every level: ``match 1 { 1 => @@@@@@@@x!(1) }``
(eight ``@``) took 8 s of folding, ten took 85 s.
"""

from __future__ import annotations

import time

import pytest

from rholang_lsp.features.folding import folding_ranges
from rholang_lsp.syntax import Node, Token, parse
from rholang_lsp.syntax.kinds import SyntaxKind

from .conftest import corpus_rows, read_corpus


def _reference_tokens(node: Node) -> list[Token]:
    return list(node.tokens())


def test_first_and_last_token_match_a_full_walk() -> None:
    texts = [
        "match 1 { 1 => @@@x!(1) }",
        "new x in { x!(1, ) | for (@a <- x) { } }",
        "contract f(@a, ...@rest) = { match a { [] => Nil  _ => f!(*rest) } }",
        "x!(",  # unfinished: placeholder nodes without tokens
    ]
    rows = corpus_rows()[:5]
    texts += [read_corpus(r["path"]) for r in rows if "path" in r]
    for text in texts:
        tree = parse(text).tree
        for node in tree.walk():
            toks = _reference_tokens(node)
            assert node.first_token() is (toks[0] if toks else None)
            assert node.last_token() is (toks[-1] if toks else None)


def test_last_token_on_empty_placeholders() -> None:
    empty = Node(SyntaxKind.ERROR, [], 3)
    inner = Node(SyntaxKind.ERROR, [Node(SyntaxKind.ERROR, [], 3)])
    assert empty.last_token() is None and inner.last_token() is None
    tok = Token(SyntaxKind.IDENT, 0, "x")
    outer = Node(SyntaxKind.ERROR, [tok, Node(SyntaxKind.ERROR, [Node(SyntaxKind.ERROR, [], 1)])])
    assert outer.last_token() is tok


@pytest.mark.timeout(60)
def test_deep_quotes_fold_in_bounded_time() -> None:
    # 300 nested `@` (about 900 tree levels): the old code would need ~2^900 steps.
    p = parse("match 1 { 1 => " + "@" * 300 + "x!(1) }")
    t0 = time.process_time()
    folding_ranges(p)
    for node in p.tree.walk():
        node.last_token()
    assert time.process_time() - t0 < 5.0
