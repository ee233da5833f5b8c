"""``cross-file-contract-hint``: a plain name free here that another file defines as a
contract. Plain names are not shared between files (each file is deployed on its own);
the hint points towards a quoted name. Needs the workspace index."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.model import Sort
from rholang_lsp.semantics.summary import PlainContract
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    index = ctx.index
    if index is None:
        return
    unbound = {(u.start, u.end) for u in ctx.model.facts.unbound}
    cache: dict[str, list[tuple[str, PlainContract]]] = {}
    for ref in ctx.model.references:
        if (
            ref.symbol is not None
            or ref.position != Sort.NAME
            or (ref.start, ref.end) not in unbound
        ):
            continue
        others = cache.get(ref.name)
        if others is None:
            others = [(u, c) for u, c in index.contracts_named(ref.name) if u != ctx.uri]
            cache[ref.name] = others
        if not others:
            continue
        related = tuple(
            Related(c.name_start, c.name_end, f"contract `{c.name}` in {u.rsplit('/', 1)[-1]}", u)
            for u, c in others[:5]
        )
        yield diagnostic(
            ref.start,
            ref.end,
            Severity.HINT,
            f"Another file defines a contract `{ref.name}`, but plain names are not shared between "
            f"files (each file is deployed on its own). Use a quoted name such as "
            f'`@"{ref.name}"` in both files.',
            C.CROSS_FILE_CONTRACT_HINT,
            related,
        )
