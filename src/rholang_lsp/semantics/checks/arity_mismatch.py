"""``arity-mismatch`` (warning): a send no contract on its channel accepts.

The one home of the arity rule, for both kinds of channel:

* a local channel (a `new` name): against this file's contracts on it, unless some
  receive on the channel takes that many values (then the send may be meant for it);
* a quoted ground name (`@"Registry"`): against every contract of that name, in this
  file and (with an index) in the other files of the workspace.

Silent while the file has syntax errors (the sends may be half typed)."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.model import ContractInfo
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def _plural(n: int) -> str:
    return "s" if n != 1 else ""


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    model = ctx.model
    if model.has_syntax_errors:
        return
    by_sym: dict[int, list[ContractInfo]] = {}
    for c in model.contracts:
        if c.symbol is not None:
            by_sym.setdefault(c.symbol, []).append(c)
    receive_arities = model.facts.receive_arities
    for s in model.sends:
        n = len(s.args)
        if s.is_send and s.symbol is not None and s.symbol in by_sym:
            cs = by_sym[s.symbol]
            if any(c.accepts_arity(n) for c in cs):
                continue
            ra = receive_arities.get(s.symbol, set())
            if None in ra or n in ra:
                continue
            known = ", ".join(sorted({str(c.arity) + ("+" if c.remainder else "") for c in cs}))
            name = model.symbols[s.symbol].name
            yield diagnostic(
                s.start,
                s.end,
                Severity.WARNING,
                f"No contract `{name}` takes {n} argument{_plural(n)} (known: {known}).",
                C.ARITY_MISMATCH,
                tuple(
                    Related(c.name_start, c.name_end, f"contract `{name}`/{c.arity}") for c in cs
                ),
            )
        elif s.global_key is not None:
            key = s.global_key
            defs = (
                [(u, c) for u, c in ctx.index.definitions(key) if u != ctx.uri] if ctx.index else []
            )
            local = model.contracts_global(key)
            if not defs and not local:
                continue
            if any(c.accepts_arity(n) for _, c in defs) or any(c.accepts_arity(n) for c in local):
                continue
            arities = sorted({c.arity for _, c in defs} | {c.arity for c in local})
            related = tuple(
                Related(c.name_start, c.name_end, f"contract {c.key}/{c.arity}", u)
                for u, c in defs[:5]
            ) + tuple(
                Related(c.name_start, c.name_end, f"contract {c.name}/{c.arity}") for c in local[:5]
            )
            yield diagnostic(
                s.start,
                s.end,
                Severity.WARNING,
                f"No contract {key} takes {n} argument{_plural(n)} "
                f"(known: {', '.join(map(str, arities))}).",
                C.ARITY_MISMATCH,
                related,
            )
