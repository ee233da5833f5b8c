"""The index's digest of a ``.metta`` file: its functions and declared names, for
workspace/symbol (no Rholang globals)."""

from __future__ import annotations

from typing import Final

from rholang_lsp.semantics.summary import (
    SK_CONSTANT,
    SK_FUNCTION,
    CompactLineMap,
    FileSummary,
    SymbolEntry,
    content_hash,
)

METTA_EXTENSIONS: Final = (".metta", ".metta2")


def is_metta_uri(uri: str) -> bool:
    """A ``.metta`` file (by extension; a ``#fragment`` is ignored)."""
    return uri.split("#", 1)[0].endswith(METTA_EXTENSIONS)


def build_metta_summary(uri: str, text: str, *, version: int | None = None) -> FileSummary:
    from rholang_lsp.semantics.metta.model import analyze_metta  # not needed by is_metta_uri

    m = analyze_metta(text)
    symbols: list[SymbolEntry] = []
    for name, clauses in m.functions.items():
        c = clauses[0]
        symbols.append(SymbolEntry(name, SK_FUNCTION, c.name_start, c.name_end, "MeTTa"))
    for d in m.decls:
        if d.name not in m.functions:
            symbols.append(SymbolEntry(d.name, SK_CONSTANT, d.name_start, d.name_end, "MeTTa"))
    symbols.sort(key=lambda s: s.start)
    return FileSummary(
        uri=uri,
        content_hash=content_hash(text),
        lines=CompactLineMap.from_text(text),
        symbols=tuple(symbols),
        version=version,
    )
