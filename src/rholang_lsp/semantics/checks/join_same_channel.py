"""``join-same-channel``: a join receiving twice on one channel (sec. 4.3)."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.repeated_join_channels:
        yield diagnostic(
            f.start,
            f.end,
            Severity.ERROR,
            "A join cannot receive twice on the same channel; use `;` for sequential receives.",
            C.JOIN_SAME_CHANNEL,
            (Related(f.first_start, f.first_end, "first receive on this channel"),),
        )
