"""Folding ranges and selection ranges (pure)."""

from __future__ import annotations

from rholang_lsp.features.folding import FoldRange, folding_ranges
from rholang_lsp.features.selection_range import selection_chain
from rholang_lsp.syntax import parse

SRC = """// region setup
// a
// b
new x in {
  /* multi
   line */
  match 1 {
    1 => {
      Nil
    }
    _ => Nil
  } |
  x!(
    1,
    2
  )
}
// endregion
"""


def test_folding_ranges() -> None:
    folds = folding_ranges(parse(SRC))
    assert FoldRange(0, 17, "region") in folds
    assert FoldRange(1, 2, "comment") in folds
    assert FoldRange(4, 5, "comment") in folds
    assert FoldRange(3, 15, None) in folds  # new body block
    assert FoldRange(6, 10, None) in folds  # match braces
    assert FoldRange(7, 8, None) in folds  # case body block
    assert FoldRange(12, 14, None) in folds  # multi-line argument list
    assert all(f.end_line > f.start_line for f in folds)


def test_folding_on_broken_code() -> None:
    folds = folding_ranges(parse("new x in {\n  for (y <- x) {\n    Nil\n"))
    assert folds and all(f.end_line > f.start_line for f in folds)


def test_selection_expands_by_syntax_node() -> None:
    src = 'new x in { x!("hello", 1 + 2) }'
    r = parse(src)
    chain = selection_chain(r, src.index("ell"))
    texts = [src[s:e] for s, e in chain]
    assert texts[0] == "hello"
    assert texts[1] == '"hello"'
    assert '("hello", 1 + 2)' in texts
    assert texts[-1] == src
    for (s1, e1), (s2, e2) in zip(chain, chain[1:], strict=False):
        assert s2 <= s1 and e1 <= e2 and (s1, e1) != (s2, e2)
    chain = selection_chain(r, src.index("+"))
    assert [src[s:e] for s, e in chain][:2] == ["+", "1 + 2"]
