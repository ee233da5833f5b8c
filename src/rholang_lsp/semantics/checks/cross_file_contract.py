"""``cross-file-contract-hint``: a plain name free here that another file defines as a
contract. Plain names are not shared between files (each file is deployed on its own);
the hint points towards a quoted name. Needs the workspace index."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.model import Reference, Sort
from rholang_lsp.semantics.summary import PlainContract
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    index = ctx.index
    if index is None:
        return
    model = ctx.model
    unbound = model.facts.unbound
    if not unbound:
        return
    # every free name asked at once (the snapshot looks at the open documents once, not
    # per name); then only the uses of a name found elsewhere are looked at
    uri = ctx.uri
    table = index.contracts_named_many({u.name for u in unbound}, exclude=uri)
    if not table:
        return
    # the references at those uses (a use's span is its reference's: same token), in order
    refs = model.references
    n = len(refs)
    for s, e in sorted({(u.start, u.end) for u in unbound if u.name in table}):
        i = model.reference_index(s)
        while i < n and refs[i].start == s:
            ref = refs[i]
            i += 1
            others = table.get(ref.name)
            if ref.end == e and ref.symbol is None and ref.position == Sort.NAME and others:
                yield _hint(ref, others)


def _hint(ref: Reference, others: list[tuple[str, PlainContract]]) -> Diagnostic:
    related = tuple(
        Related(c.name_start, c.name_end, f"contract `{c.name}` in {u.rsplit('/', 1)[-1]}", u)
        for u, c in others[:5]
    )
    return diagnostic(
        ref.start,
        ref.end,
        Severity.HINT,
        f"Another file defines a contract `{ref.name}`, but plain names are not shared between "
        f"files (each file is deployed on its own). Use a quoted name such as "
        f'`@"{ref.name}"` in both files.',
        C.CROSS_FILE_CONTRACT_HINT,
        related,
    )
