"""``duplicate-binder``: a name declared twice in one `new` or bound twice in one pattern."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.duplicate_binders:
        p = ctx.model.symbols[f.first]
        if f.in_new:
            msg = f"`{f.name}` is declared twice in this `new`."
            related = (Related(p.start, p.end, "first declaration"),)
        else:
            msg = (
                f"`{f.name}` is bound twice in this pattern; use different names, or `={f.name}` to "
                f"compare with an existing variable."
            )
            related = (Related(p.start, p.end, "first binding"),)
        yield diagnostic(f.start, f.end, Severity.ERROR, msg, C.DUPLICATE_BINDER, related)
