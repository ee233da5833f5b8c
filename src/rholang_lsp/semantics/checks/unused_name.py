"""``unused-name`` (warning, tagged unnecessary): a `new` name nothing uses."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.model import SymbolKind
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity, Tag


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for sym in ctx.model.symbols:
        if (
            sym.kind in (SymbolKind.NEW, SymbolKind.NEW_URI)
            and not sym.used
            and not sym.name.startswith("_")
        ):
            yield diagnostic(
                sym.start,
                sym.end,
                Severity.WARNING,
                f"`{sym.name}` is declared but never used.",
                C.UNUSED_NAME,
                tags=(Tag.UNNECESSARY,),
            )
