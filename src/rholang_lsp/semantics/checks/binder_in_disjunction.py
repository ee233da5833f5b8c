"""``binder-in-disjunction``: a variable bound under `\\/` or `~` (sec. 4.4)."""

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
            Severity.ERROR,
            f"`{f.text}` is bound inside `\\/` or `~`; such variables are not available in the body.",
            C.BINDER_IN_DISJUNCTION,
        )
