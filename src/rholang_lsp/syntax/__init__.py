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

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value  # next time a plain module attribute
        return value
