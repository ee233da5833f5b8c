"""``wildcard-outside-pattern``, ``var-ref-outside-pattern``, ``connective-outside-pattern``,
``remainder-outside-pattern``: constructs that only a pattern may contain."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.outside_pattern:
        if f.what == "wildcard":
            msg, code = "`_` can only be used in patterns.", C.WILDCARD_OUTSIDE_PATTERN
        elif f.what == "var-ref":
            msg, code = f"`{f.text}` can only be used in patterns.", C.VAR_REF_OUTSIDE_PATTERN
        elif f.what == "remainder":
            # RNode's RemainderNormalizeMatcher never looks the variable up: `...x` is a new
            # free variable, and free variables outside a pattern fail the deploy
            msg = (
                f"A remainder `...{f.text}` outside a pattern does not refer to `{f.text}`: it "
                f"makes a new free variable (the node rejects the deploy: top-level free "
                f"variables are not allowed). Concatenate instead: `[1] ++ {f.text}`."
            )
            code = C.REMAINDER_OUTSIDE_PATTERN
        else:
            msg = "Logical connectives are only allowed in patterns."
            code = C.CONNECTIVE_OUTSIDE_PATTERN
        yield diagnostic(f.start, f.end, Severity.ERROR, msg, code)
