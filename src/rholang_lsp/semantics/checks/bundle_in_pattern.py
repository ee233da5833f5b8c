"""``bundle-free-variable`` / ``bundle-in-pattern`` (sec. 4.5).

A bundle's content may not contain free variables or wildcards of the pattern it sits in
(RNode: `Bundle's content must not have free variables or wildcards.`). A ground bundle is
accepted by the nodes; only rholang-rs's static checker rejects every bundle inside a
pattern (`BundleInsidePattern`), so that is a warning under the "f1r3fly" target and
silent under "rnode"."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for b in ctx.model.facts.pattern_bundles:
        related = (Related(b.kw_start, b.kw_end, "the bundle"),)
        if b.frees:
            for f in b.frees:
                what = (
                    "a wildcard"
                    if f.text == "_"
                    else f"a free variable of the pattern (`{f.text}`)"
                )
                yield diagnostic(
                    f.start,
                    f.end,
                    Severity.ERROR,
                    f"Bundle's content must not have free variables or wildcards: this is {what}.",
                    C.BUNDLE_FREE_VARIABLE,
                    related,
                )
        elif ctx.target != "rnode":
            yield diagnostic(
                b.kw_start,
                b.kw_end,
                Severity.WARNING,
                "rholang-rs's checker rejects a bundle inside a pattern (BundleInsidePattern); "
                "the nodes accept a ground one.",
                C.BUNDLE_IN_PATTERN,
            )
