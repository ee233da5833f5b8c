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


def test_bracket_pairing_calls_the_checkpoint_every_so_many_tokens() -> None:
    """``pair_brackets`` (and the indentation-guided pairing a file with unpaired brackets
    gets) loops over all tokens before the parser starts."""
    text = "new x in {\n" + "  x!({1, [2]}) |\n" * 4000 + "  Nil\n"  # the `{` left open
    setup = (
        "from rholang_lsp.syntax.lexer import lex\n"
        "from rholang_lsp.syntax.parser import pair_brackets\n"
        "from rholang_lsp.syntax.recovery import pair_by_indentation\n"
        f"TEXT = {text!r}\n"
        "TOKENS = lex(TEXT).tokens\n"
        "KINDS = [t.kind for t in TOKENS]\n"
    )
    tokens = len(lex(text).tokens)
    assert tokens > 8 * parser.PAIR_BLOCK
    calls = checkpoint_calls(setup, "pair_brackets(KINDS)")
    assert calls >= tokens // parser.PAIR_BLOCK - 1, (calls, tokens)
    calls = checkpoint_calls(setup, "pair_by_indentation(TEXT, TOKENS)")
    lines = text.count("\n") + 1
    assert calls >= tokens // parser.PAIR_BLOCK - 1 + lines // 4096 - 1, (calls, tokens)
