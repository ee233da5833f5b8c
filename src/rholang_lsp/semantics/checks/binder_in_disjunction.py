"""``binder-in-disjunction`` (warning): a variable under `\\/` or `~` (sec. 4.4).

The nodes accept it: RNode's PDisjunctionNormalizer / PNegationNormalizer normalise each
side with an empty free map and discard it, so the variable matches anything and binds
nothing. A use of it in the body is then a free variable (reported there as unbound)."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.disjunction_binders:
        yield diagnostic(
            f.start,
            f.end,
            Severity.WARNING,
            f"`{f.text}` inside `\\/` or `~` binds nothing (it matches anything and is discarded); "
            f"it is not available in the body. Write `_` if that is meant.",
            C.BINDER_IN_DISJUNCTION,
        )
