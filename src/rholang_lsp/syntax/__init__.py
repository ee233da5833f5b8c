"""Syntax layer: lexer, resilient parser, lossless tree, incremental reparse.

Public API::

    parse(text, *, target="f1r3fly") -> ParseResult
    reparse(old, start, end, new_text) -> ParseResult
    ParseResult, SyntaxKind, Node, Token, Trivia

The tree shape is documented in ``syntax/TREE.md``.

The names are loaded on first use (PEP 562): importing a light submodule
(``syntax.line_index``, ``syntax.diagnostic``) does not load the parser, so a server
answers ``initialize`` before it has imported the language layers (issue 19).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from rholang_lsp.syntax.incremental import reparse
    from rholang_lsp.syntax.kinds import SyntaxKind
    from rholang_lsp.syntax.result import ParseResult, parse
    from rholang_lsp.syntax.tree import Node, Token, Trivia

__all__ = ["ParseResult", "SyntaxKind", "Node", "Token", "Trivia", "parse", "reparse"]

_HOME: Final = {
    "reparse": "rholang_lsp.syntax.incremental",
    "SyntaxKind": "rholang_lsp.syntax.kinds",
    "ParseResult": "rholang_lsp.syntax.result",
    "parse": "rholang_lsp.syntax.result",
    "Node": "rholang_lsp.syntax.tree",
    "Token": "rholang_lsp.syntax.tree",
    "Trivia": "rholang_lsp.syntax.tree",
}


def checkpoint() -> None:
    """Nothing, in interpreted code: a compiled loop calls it now and then (the parser every
    ``CHECK_EVERY`` tokens). Code compiled with mypyc never reaches the interpreter's
    periodic check (mypyc issue 579), where a thread gives the GIL to a waiting one and
    receives an asynchronous exception; a parse of a large file in a worker thread would
    hold the GIL, and the event loop of every client, for its whole length (80 ms for
    0.64 MB), and a cancelled one would run to its end. Entering this function runs that
    check. It lives here because this module is never compiled (its ``__getattr__``);
    ``tests/test_compiled_build.py`` checks it stays interpreted and is called."""


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value  # next time a plain module attribute
        return value
