"""Document symbols (one per function, and type declarations without clauses) and
folding ranges (multi-line expressions), in virtual offsets."""

from __future__ import annotations

from rholang_lsp.features.symbols import DocSymbol
from rholang_lsp.semantics.metta import MettaModel
from rholang_lsp.semantics.summary import SK_CONSTANT, SK_FUNCTION
from rholang_lsp.syntax.metta import MettaExpr


def metta_symbols(m: MettaModel) -> list[DocSymbol]:
    out: list[DocSymbol] = []
    for name, clauses in m.functions.items():
        first = clauses[0]
        arities = sorted({c.arity for c in clauses})
        decl = m.decl_of(name)
        detail = decl.text if decl is not None else f"arity {'/'.join(map(str, arities))}"
        sym = DocSymbol(
            name,
            SK_FUNCTION,
            first.start,
            first.end,
            first.name_start,
            first.name_end,
            detail=detail,
        )
        if len(clauses) > 1:
            sym.children = [
                DocSymbol(
                    name,
                    SK_FUNCTION,
                    c.start,
                    c.end,
                    c.name_start,
                    c.name_end,
                    detail=m.text[c.head.start : c.head.end],
                )
                for c in clauses
            ]
            sym.start = min(c.start for c in clauses)
            sym.end = max(c.end for c in clauses)
        out.append(sym)
    for d in m.decls:
        if d.name not in m.functions:
            out.append(
                DocSymbol(d.name, SK_CONSTANT, d.start, d.end, d.name_start, d.name_end, d.text)
            )
    out.sort(key=lambda s: s.start)
    return out


def metta_folding(m: MettaModel) -> list[tuple[int, int]]:
    """``(open, close)`` virtual offsets of every expression (``close`` is the ``)``, or
    the end of the last item when it is missing); the caller keeps multi-line ones."""
    out: list[tuple[int, int]] = []
    for item in m.parse.items:
        if isinstance(item.atom, MettaExpr):
            for el in item.atom.walk():
                if isinstance(el, MettaExpr):
                    close = el.close.start if el.close is not None else el.end
                    out.append((el.start, close))
    return out
