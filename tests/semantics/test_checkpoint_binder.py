"""The binder's walk calls ``syntax.checkpoint`` every ``CHECK_EVERY`` nodes, for the
compiled build (see ``tests/syntax/test_checkpoint.py``)."""

from __future__ import annotations

from tests.syntax.checkpoint_support import checkpoint_calls
from tests.syntax.test_checkpoint import SETUP

from rholang_lsp.syntax import parser


def test_binding_a_large_file_calls_the_checkpoint() -> None:
    calls = checkpoint_calls(SETUP + "result = parse(TEXT)\n", "bind(result)")
    assert calls >= 4000 * 3 // parser.CHECK_EVERY, calls
