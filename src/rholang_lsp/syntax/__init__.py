"""Syntax layer: lexer, resilient parser, lossless tree, incremental reparse.

Public API::

    parse(text, *, target="f1r3fly") -> ParseResult
    reparse(old, start, end, new_text) -> ParseResult
    ParseResult, SyntaxKind, Node, Token, Trivia

The tree shape is documented in ``syntax/TREE.md``.
"""

from __future__ import annotations

from rholang_lsp.syntax.incremental import reparse
from rholang_lsp.syntax.kinds import SyntaxKind
from rholang_lsp.syntax.result import ParseResult, parse
from rholang_lsp.syntax.tree import Node, Token, Trivia

__all__ = ["ParseResult", "SyntaxKind", "Node", "Token", "Trivia", "parse", "reparse"]
