"""MeTTa syntax: a lossless lexer and a resilient, non-recursive S-expression parser.

Public API::

    parse_metta(text, *, holes=False) -> MettaParse

The syntax follows hyperon-experimental's ``SExprParser`` (``lib/src/metta/text.rs``):
a word ends at whitespace, ``(``, ``)`` or ``;``; a ``$variable`` ends at whitespace or
a parenthesis; ``;`` starts a comment up to the end of the line; strings are
double-quoted with the escapes ``\\' \\" \\\\ \\n \\r \\t \\xHH \\u{H..}``; a ``!`` word at
the top level marks the next atom for evaluation.
"""

from __future__ import annotations

from rholang_lsp.syntax.metta.lexer import HOLE_CHAR, MettaKind, MettaToken, lex_metta
from rholang_lsp.syntax.metta.parser import MettaExpr, MettaParse, TopItem, parse_metta

Atom = MettaToken | MettaExpr

__all__ = [
    "HOLE_CHAR",
    "Atom",
    "MettaExpr",
    "MettaKind",
    "MettaParse",
    "MettaToken",
    "TopItem",
    "lex_metta",
    "parse_metta",
]
