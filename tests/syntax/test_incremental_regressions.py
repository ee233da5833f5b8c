"""Regressions found by the incremental-vs-full hypothesis test."""

from __future__ import annotations

import gc
from typing import Any

import pytest

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


def test_deeply_nested_block_is_reparsed_under_the_parsers_recursion_headroom() -> None:
    # The block is re-parsed by the same recursive descent as a full parse (about ten
    # frames per level): 90 nested brackets overflowed the default limit of 1000 when
    # ``reparse`` ran outside the parser's guard.
    import sys

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        for depth in (60, 90, 130):
            text = "new x in { x!(" + "[" * depth + "]" * depth + ") }"
            at = text.index("x!(")
            new = reparse(parse(text), at, at, "y")
            assert _diags(new) == _diags(parse(new.text)) == []
        assert sys.getrecursionlimit() == 1000
    finally:
        sys.setrecursionlimit(old_limit)


@pytest.mark.pure_python(
    "spies on tree.Node.__init__; a compiled class's methods cannot be replaced"
)
def test_full_collections_are_paused_while_trees_and_models_are_built_and_resumed_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a reparse builds nodes and a bind builds a model with the cyclic GC's full collections
    # paused (``full_gc_paused``: young collections go on); the thresholds come back after
    from rholang_lsp.semantics import binder
    from rholang_lsp.syntax import tree

    text = "new x in { x!(1) | for (y <- x) { y!(2) } }"
    old = parse(text)
    at = text.index("y!(")
    thresholds = gc.get_threshold()
    while_building: list[tuple[bool, tuple[int, int, int]]] = []
    node_init = tree.Node.__init__
    binder_run = binder.Binder.run

    def spy_init(self: tree.Node, *args: Any, **kw: Any) -> None:
        while_building.append((gc.isenabled(), gc.get_threshold()))
        node_init(self, *args, **kw)

    def spy_run(self: binder.Binder) -> Any:
        while_building.append((gc.isenabled(), gc.get_threshold()))
        return binder_run(self)

    monkeypatch.setattr(tree.Node, "__init__", spy_init)
    monkeypatch.setattr(binder.Binder, "run", spy_run)
    assert gc.isenabled()
    new = reparse(old, at, at, "z")
    assert new.tree is old.tree  # in place: the block alone was re-parsed
    binder.bind(new)
    assert len(while_building) > 1
    paused = (True, (thresholds[0], thresholds[1], 1 << 30))
    assert all(state == paused for state in while_building)
    assert gc.isenabled() and gc.get_threshold() == thresholds


@pytest.mark.parametrize(
    "text",
    [
        # found by a soak of the rebind-equals-full edits over the corpus (tut-iterate.rho
        # with a line break typed in the contract's name)
        'contract @"Demo\n"(_) = {\n  new chan in {\n    chan!(1)\n  }\n} |\n@"Demo"!(Nil)\n',
        'new out in { out!("two\nlines") } |\nnew a in {\n  new b in { b!(1) }\n} |\nout!("x")\n',
    ],
)
def test_an_error_typed_in_a_block_rereads_a_string_spanning_lines_before_it(
    text: str,
) -> None:
    # A full parse with errors reads the last string that spans lines before the first
    # error as ending at its line when that reads better (``syntax.recovery``): an error
    # typed inside a later block can change how an earlier string is read.
    old = parse(text)
    assert _diags(old) == []
    for typed in ("()", "(", ",", "@", "}{"):
        for at in (text.index("new") + 3, text.rindex("{") + 1):
            new = reparse(parse(text), at, at, typed)
            assert _diags(new) == _diags(parse(new.text)), (typed, at)
    del old
