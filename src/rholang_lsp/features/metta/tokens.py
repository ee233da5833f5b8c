"""Semantic tokens of a MeTTa document, in virtual offsets, with the Rholang legend."""

from __future__ import annotations

from collections.abc import Sequence

from rholang_lsp.features.semantic_tokens import (
    M_DECLARATION,
    M_DEFAULT_LIBRARY,
    M_READONLY,
    T_COMMENT,
    T_FUNCTION,
    T_KEYWORD,
    T_NUMBER,
    T_PARAMETER,
    T_STRING,
    T_VARIABLE,
    SemToken,
)
from rholang_lsp.semantics.metta import MettaModel
from rholang_lsp.semantics.metta.model import KEYWORD_HEADS
from rholang_lsp.syntax.metta import MettaKind

_CONSTANTS = frozenset({"True", "False", "Nil", "Empty"})


def metta_semantic_tokens(docs: Sequence[MettaModel], cur: int) -> list[SemToken]:
    m = docs[cur]
    defined: set[str] = set()
    for d in docs:
        defined.update(d.functions)
    syms = {o.start: o for o in m.symbol_occurrences}
    head_vars = {o.start for o in m.var_occurrences if o.in_head}
    bangs = {it.bang.start for it in m.parse.items if it.bang is not None}
    out: list[SemToken] = []
    for tok in m.parse.tokens:
        k = tok.kind
        n = len(tok.text)
        if k is MettaKind.COMMENT:
            out.append((tok.start, n, T_COMMENT, 0))
        elif k is MettaKind.STRING:
            out.append((tok.start, n, T_STRING, 0))
        elif k is MettaKind.NUMBER:
            out.append((tok.start, n, T_NUMBER, 0))
        elif k is MettaKind.VARIABLE:
            if tok.start in head_vars:
                out.append((tok.start, n, T_PARAMETER, M_DECLARATION))
            else:
                out.append((tok.start, n, T_VARIABLE, 0))
        elif k is MettaKind.SYMBOL:
            o = syms.get(tok.start)
            if tok.text in defined:
                out.append(
                    (tok.start, n, T_FUNCTION, M_DECLARATION if o and o.role == "def" else 0)
                )
            elif tok.start in bangs or (
                o is not None and o.role == "call" and tok.text in KEYWORD_HEADS
            ):
                out.append((tok.start, n, T_KEYWORD, 0))
            elif tok.text in _CONSTANTS:
                out.append((tok.start, n, T_KEYWORD, 0))
            elif tok.text.startswith("&"):
                out.append((tok.start, n, T_VARIABLE, M_READONLY | M_DEFAULT_LIBRARY))
            elif o is not None and o.role == "call":
                out.append((tok.start, n, T_FUNCTION, M_DEFAULT_LIBRARY))
    return out
