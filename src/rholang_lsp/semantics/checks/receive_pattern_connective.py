"""``receive-pattern-connective``: `\\/` or `~` in a receive pattern (only `/\\` is allowed)."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.receive_connectives:
        yield diagnostic(
            f.start,
            f.end,
            Severity.ERROR,
            "Only `/\\` may be used in receive patterns; move the test into a `match`.",
            C.RECEIVE_PATTERN_CONNECTIVE,
        )
