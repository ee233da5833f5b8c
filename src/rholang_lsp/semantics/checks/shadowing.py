"""``shadowing`` (hint): a binder hides an outer variable of the same name."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.shadowing:
        sym = ctx.model.symbols[f.symbol]
        o = ctx.model.symbols[f.outer]
        if f.match_case:
            msg = (
                f"`{sym.name}` here binds a new variable (shadowing the outer `{sym.name}`); "
                f"write `={sym.name}` to compare."
            )
        else:
            msg = f"`{sym.name}` shadows the `{sym.name}` declared on line {ctx.line_of(o.start)}."
        yield diagnostic(
            sym.start,
            sym.end,
            Severity.HINT,
            msg,
            C.SHADOWING,
            (Related(o.start, o.end, f"outer `{o.name}`"),),
        )
