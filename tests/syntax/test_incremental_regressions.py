"""Regressions found by the incremental-vs-full hypothesis test."""

from __future__ import annotations

from rholang_lsp.syntax import parse, reparse


def _diags(result: object) -> list[tuple[int, int, str]]:
    return [(d.start, d.end, d.message) for d in result.diagnostics]  # type: ignore[attr-defined]


def test_message_naming_a_moved_position_is_recomputed() -> None:
    # The unclosed `{` after the edited block is reported with its line:col;
    # deleting a newline inside the first block moves that line up by one.
    text = "new a in {\n  a!(1)\n\n} |\nnew b in {\n  b!(2)\n"
    old = parse(text)
    assert any("opened at 5:" in m for _, _, m in _diags(old))
    cut = text.index("\n\n") + 1
    new = reparse(old, cut, cut + 1, "")
    expected = parse(new.text)
    assert _diags(new) == _diags(expected)
    assert any("opened at 4:" in m for _, _, m in _diags(new))


def test_block_after_a_recovered_error_is_reparsed_in_context() -> None:
    # `new@` recovers at `@`, and the quote that follows reads the block; how
    # it does depends on the block's extent, so the splice must not be used.
    text = "new@ { x!(1) | for (y <- x) { Nil } }"
    old = parse(text)
    at = text.rindex("}", 0, len(text) - 1)
    new = reparse(old, at, at + 1, " Nil ")
    assert _diags(new) == _diags(parse(new.text))
