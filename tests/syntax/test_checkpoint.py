"""The parser calls ``syntax.checkpoint`` (an interpreted function) every ``CHECK_EVERY``
tokens: under the compiled build (mypyc) that call is the only place where a worker thread
parsing a large file hands the GIL to the event loop and receives a cancellation. This file
also runs against the compiled build (``tests/test_compiled_build.py``)."""

from __future__ import annotations

import sys
import threading
from types import FrameType
from typing import Any

from rholang_lsp import syntax
from rholang_lsp.syntax import parser
from rholang_lsp.syntax.lexer import lex
from rholang_lsp.syntax.result import parse


def test_checkpoint_is_interpreted_code() -> None:
    # a compiled function has no code object: calling it would run no periodic check
    assert hasattr(syntax.checkpoint, "__code__")


def test_a_large_parse_calls_the_checkpoint_every_so_many_tokens() -> None:
    text = "new x in {\n" + '  x!(1, "s") |\n' * 4000 + "  Nil\n}\n"
    tokens = len(lex(text).tokens)
    calls = 0
    code = syntax.checkpoint.__code__

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call" and frame.f_code is code:
            calls += 1

    def run() -> None:
        sys.setprofile(profile)
        try:
            parse(text)
        finally:
            sys.setprofile(None)

    t = threading.Thread(target=run)  # its own thread: the profile hook is per thread
    t.start()
    t.join()
    assert calls >= tokens // parser.CHECK_EVERY - 1, (calls, tokens)
