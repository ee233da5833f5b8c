"""``duplicate-binder``: a name bound twice in one pattern (an error on both nodes), or
declared twice in one `new`.

Twice in one `new` (`new a, b, a in`): RNode's PNewNormalizer binds the names one after the
other and the later one wins (RChain's genesis contracts do it); F1R3FLY's Scala node does
the same, but the rholang-rs parser (used by F1R3FLY's Rust node) rejects it with
`DuplicateNameDecl`. So: nothing under the "rnode" target, a warning under "f1r3fly".
"""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.duplicate_binders:
        p = ctx.model.symbols[f.first]
        if f.in_new:
            if ctx.target == "rnode":
                continue
            msg = (
                f"`{f.name}` is declared twice in this `new`: RNode and F1R3FLY's Scala node bind "
                f"the later one, the rholang-rs parser of F1R3FLY's Rust node rejects it."
            )
            related = (Related(p.start, p.end, "first declaration"),)
            yield diagnostic(f.start, f.end, Severity.WARNING, msg, C.DUPLICATE_BINDER, related)
            continue
        else:
            msg = (
                f"`{f.name}` is bound twice in this pattern; use different names, or `={f.name}` to "
                f"compare with an existing variable."
            )
            related = (Related(p.start, p.end, "first binding"),)
        yield diagnostic(f.start, f.end, Severity.ERROR, msg, C.DUPLICATE_BINDER, related)
