"""``unused-name`` (hint, tagged unnecessary): a `new` name nothing uses.

A hint, not a warning: an unused name is harmless (editors grey it out through the
``Unnecessary`` tag instead of a squiggle). URI-bound names (`stdout(`rho:io:stdout`)`) are
reported the same way, deliberately: binding a system channel that nothing uses is
boilerplate worth greying out, and never wrong enough to be a warning."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.model import SymbolKind
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity, Tag


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    new_kind, new_uri_kind = SymbolKind.NEW, SymbolKind.NEW_URI  # compared by identity
    for sym in ctx.model.symbols:
        if sym.used:
            continue
        kind = sym.kind
        if (kind is new_kind or kind is new_uri_kind) and not sym.name.startswith("_"):
            yield diagnostic(
                sym.start,
                sym.end,
                Severity.HINT,
                f"`{sym.name}` is declared but never used.",
                C.UNUSED_NAME,
                tags=(Tag.UNNECESSARY,),
            )
