"""``comparison-intent`` (warning): a `match` case binder that rebinds an in-scope variable of
the same sort where the intent is evidently a comparison with it.

`match providedDecr { *thisDecr => ... }` does not compare `providedDecr` with the outer
name `thisDecr`: the pattern `*thisDecr` binds a fresh `thisDecr`, so every value passes
(a capability check that checks nothing). Evidence of intent (``Shadowing.intent``):

* "eval": the whole case pattern is `*x` of an outer name `x` (a fresh binder would be
  spelled `x`);
* "whole": the whole case pattern is a bare `x` named after an outer process variable
  (a catch-all named after the value it was meant to equal);
* "literal": `x` is an element of a tuple/list pattern at a position where a case of the
  same `match` has a literal (the position is compared, not captured).

Never when the outer variable occurs in the match target (the unwrap idiom). The fix
(``Shadowing.fix``) replaces the binder with the comparison: `=*x` for a name, `=x` for
a process variable; the quick fix in ``features/code_actions.py`` applies it.
"""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.facts import Shadowing
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def evident(ctx: CheckContext, f: Shadowing) -> bool:
    """Whether ``f`` is a comparison-intent finding (then not a mere shadowing hint)."""
    if not f.match_case or f.in_target or f.intent is None or f.fix is None:
        return False
    return ctx.model.symbols[f.symbol].sort == ctx.model.symbols[f.outer].sort


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.shadowing:
        if not evident(ctx, f) or f.fix is None:
            continue
        sym = ctx.model.symbols[f.symbol]
        o = ctx.model.symbols[f.outer]
        start, end, text = f.fix
        sort = "name" if o.sort.name == "NAME" else "process"
        yield diagnostic(
            start,
            end,
            Severity.WARNING,
            f"`{ctx.text[start:end]}` binds a new `{sym.name}` that matches anything; it does not "
            f"compare with the outer {sort} `{o.name}` (line {ctx.line_of(o.start)}). To "
            f"compare, write `{text}`.",
            C.COMPARISON_INTENT,
            (Related(o.start, o.end, f"outer `{o.name}`"),),
        )
