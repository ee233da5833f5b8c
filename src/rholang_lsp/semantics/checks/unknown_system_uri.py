"""``unknown-system-uri``: `new x(`rho:...`)` with a URI no node provides."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.system_channels import is_known
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.system_uris:
        if not is_known(f.text):
            yield diagnostic(
                f.start,
                f.end,
                Severity.WARNING,
                f"Unknown system channel `{f.text}`: no Rholang node provides it (see the list of system URIs).",
                C.UNKNOWN_SYSTEM_URI,
            )
