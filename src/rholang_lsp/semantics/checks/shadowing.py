"""``shadowing`` (hint): a `match` case binder that hides an outer variable of the same name.

Only where it is likely a mistake. Silent for the idioms: nested contracts reusing `ret` /
`return` / `ack`, chained receives (`for (count <- ack)`), a receive re-binding a `new`
name, and the unwrap idiom `match vault { (true, vault) => ... }` (the outer variable is
the match target). A case binder named like an outer variable, elsewhere, may have been
meant as a comparison: the hint says how to write one (`=x` for a process variable, `=*x`
for a name). When the intent is evident, ``comparison-intent`` reports it instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.comparison_intent import evident
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.shadowing:
        if not f.match_case or f.in_target or f.fix is None or evident(ctx, f):
            continue
        sym = ctx.model.symbols[f.symbol]
        o = ctx.model.symbols[f.outer]
        sort = "name" if o.sort.name == "NAME" else "process"
        yield diagnostic(
            sym.start,
            sym.end,
            Severity.HINT,
            f"`{sym.name}` here binds a new variable (shadowing the outer {sort} `{o.name}`, line "
            f"{ctx.line_of(o.start)}); to compare with it, write `{f.fix[2]}`.",
            C.SHADOWING,
            (Related(o.start, o.end, f"outer `{o.name}`"),),
        )
