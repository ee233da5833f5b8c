"""``name-in-process-position`` / ``process-in-name-position`` (sec. 4.1: two sorts)."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.model import Sort
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for f in ctx.model.facts.sort_mismatches:
        sym = ctx.model.symbols[f.symbol]
        line = ctx.line_of(sym.start)
        if sym.sort == Sort.NAME:
            msg = (
                f"`{sym.name}` is a name (bound on line {line}); send `*{sym.name}` to use the process "
                f"it quotes, or bind it with `@{sym.name}` in the pattern."
            )
            code = C.NAME_IN_PROCESS_POSITION
        else:
            msg = f"`{sym.name}` is a process (bound on line {line}); use `@{sym.name}` to use it as a channel."
            code = C.PROCESS_IN_NAME_POSITION
        if f.var_ref:
            msg = (
                f"`{'=*' if f.position == Sort.NAME else '='}{sym.name}` refers to `{sym.name}`, which is a "
                f"{'name' if sym.sort == Sort.NAME else 'process'} variable (line {line}); write "
                f"`{'=*' if sym.sort == Sort.NAME else '='}{sym.name}`."
            )
        yield diagnostic(
            f.start, f.end, Severity.ERROR, msg, code, (Related(sym.start, sym.end, "bound here"),)
        )
