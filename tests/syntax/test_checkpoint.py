"""The parser calls ``syntax.checkpoint`` (an interpreted function) every ``CHECK_EVERY``
tokens: under the compiled build (mypyc) that call is the only place where a worker thread
parsing a large file hands the GIL to the event loop and receives a cancellation. This file
also runs against the compiled build (``tests/test_compiled_build.py``)."""

from __future__ import annotations

from tests.syntax.checkpoint_support import checkpoint_calls

from rholang_lsp import syntax
from rholang_lsp.syntax import parser
from rholang_lsp.syntax.lexer import lex

TEXT = "new x in {\n" + '  x!(1, "s") |\n' * 4000 + "  Nil\n}\n"
SETUP = (
    "from rholang_lsp.syntax.result import parse\n"
    "from rholang_lsp.semantics.binder import bind\n"
    f"TEXT = {TEXT!r}\n"
)


def test_checkpoint_is_interpreted_code() -> None:
    # a compiled function has no code object: calling it would run no periodic check
    assert hasattr(syntax.checkpoint, "__code__")


def test_a_large_parse_calls_the_checkpoint_every_so_many_tokens() -> None:
    tokens = len(lex(TEXT).tokens)
    calls = checkpoint_calls(SETUP, "parse(TEXT)")
    assert calls >= tokens // parser.CHECK_EVERY - 1, (calls, tokens)
