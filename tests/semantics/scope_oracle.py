"""The test oracle of ``semantics.scope_at``: the names in scope read off a full ``bind``.

Production code answers scope queries locally (``scope_at.names_in_scope_at``, an upward
walk); this derives the same answer from the whole-file model the forward walk builds,
so that the agreement tests compare two independent computations.
"""

from __future__ import annotations

from rholang_lsp.semantics.model import SemanticModel, Symbol, SymbolKind
from rholang_lsp.syntax.kinds import CLOSERS
from rholang_lsp.syntax.tree import Token


def names_in_scope(model: SemanticModel, anchor: Token | None, offset: int) -> list[Symbol]:
    """Symbols visible at ``offset`` (``anchor``: the token just before it), innermost first,
    without the ones shadowed by an inner binder of the same name."""
    if anchor is None:
        return []
    a_start, a_end = anchor.start, anchor.end
    closer = anchor.kind in CLOSERS
    scopes = [
        sc
        for sc in model.scopes
        if sc.start <= a_start
        and a_end <= sc.end
        and not (closer and a_end == sc.end)
        and sc.symbols
    ]
    scopes.sort(key=lambda sc: (-sc.start, sc.end, -sc.id))
    seen: set[str] = set()
    out: list[Symbol] = []
    symbols = model.symbols
    for sc in scopes:
        for sid in reversed(sc.symbols):
            sym = symbols[sid]
            if sym.kind == SymbolKind.PATTERN or sym.end > offset or sym.name in seen:
                continue
            if (
                sym.kind not in (SymbolKind.NEW, SymbolKind.NEW_URI)
                and sym.decl_start <= offset <= sym.decl_end
            ):
                continue  # inside its own pattern
            seen.add(sym.name)
            out.append(sym)
    return out
