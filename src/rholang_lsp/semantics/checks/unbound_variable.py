"""``unbound-variable`` / ``top-level-free-variable``: a use no binder covers (sec. 4)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.facts import UnboundUse
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    return diagnostics_of(ctx.model.facts.unbound)


def diagnostics_of(uses: Iterable[UnboundUse]) -> Iterator[Diagnostic]:
    """Exactly one diagnostic per use, in their order, each a function of that use alone (a
    block rebind keeps the others' and judges the block's uses only)."""
    for u in uses:
        name = u.name
        if u.var_ref is not None:
            msg = f"Variable reference `{u.var_ref}{name}` is unbound: no variable `{name}` is in scope."
            yield diagnostic(u.start, u.end, Severity.ERROR, msg, C.UNBOUND_VARIABLE)
            continue
        if u.new_sibling is not None:
            s, e = u.new_sibling
            yield diagnostic(
                u.start,
                u.end,
                Severity.ERROR,
                f"Unbound variable `{name}`: it is not in scope here: `new … in` extends only over the "
                f"next process; wrap the body in `{{ }}`.",
                C.UNBOUND_VARIABLE,
                (Related(s, e, f"`{name}` is declared here"),),
            )
            continue
        extra = " Did you mean `Nil`?" if name.lower() == "nil" else ""
        if u.top_level:
            msg = (
                f"Top-level free variable `{name}`: Rholang has no global names; declare it with `new` "
                f"or bind it in a pattern.{extra}"
            )
            yield diagnostic(u.start, u.end, Severity.ERROR, msg, C.TOP_LEVEL_FREE_VARIABLE)
        else:
            msg = (
                f"Unbound variable `{name}` (Rholang has no global names; declare it with `new` or bind "
                f"it in a pattern).{extra}"
            )
            yield diagnostic(u.start, u.end, Severity.ERROR, msg, C.UNBOUND_VARIABLE)


def moved_diagnostic(x: Diagnostic, d: int, hi: int) -> Diagnostic:
    """A diagnostic of ``diagnostics_of`` for a use after a re-bound block, moved as
    ``semantics.rebind`` moves that use: by ``d``, its related location (the `new` of a
    sibling) too when it starts at or after ``hi``."""
    related = x.related
    if related:
        related = tuple(
            [
                Related(r.start + d, r.end + d, r.message, r.uri)
                if r.uri is None and r.start >= hi
                else r
                for r in related
            ]
        )
    return x.shifted(d, related)
