"""Semantic diagnostics of one file (source ``rholang-semantic``).

Entry point for the diagnostics feature::

    semantic_diagnostics(parse_result, uri=uri, index=snapshot_or_index, target=target)

``index`` (optional) is anything with ``contracts_named(name)`` and
``definitions(key)`` — a ``workspace.index.WorkspaceIndex`` or a
``workspace.snapshot.Snapshot``; with it, the result also contains the
cross-file hint for plain names that another file defines as a contract, and
arity warnings for sends on quoted names whose contracts live in other files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from rholang_lsp.semantics.binder import SOURCE, bind
from rholang_lsp.semantics.model import SemanticModel, Sort
from rholang_lsp.semantics.summary import GlobalContract, PlainContract
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity

if TYPE_CHECKING:
    from rholang_lsp.syntax import ParseResult

_UNBOUND_CODES = frozenset({"unbound-variable", "top-level-free-variable"})


class GlobalLookup(Protocol):
    def contracts_named(self, name: str) -> list[tuple[str, PlainContract]]: ...

    def definitions(self, key: str) -> list[tuple[str, GlobalContract]]: ...


def semantic_diagnostics(
    parse_result: ParseResult,
    *,
    uri: str = "",
    index: GlobalLookup | None = None,
    target: str = "f1r3fly",
    model: SemanticModel | None = None,
) -> list[Diagnostic]:
    """All semantic diagnostics of one parsed file, sorted by position.

    Pass ``model`` when the file is already bound (e.g. from the analysis cache)."""
    if model is None:
        model = bind(parse_result, target=target)
    out = list(model.diagnostics)
    if index is not None:
        out.extend(_cross_file(model, uri, index))
    out.extend(_global_arity(model, uri, index))
    out.sort(key=lambda d: (d.start, d.end, int(d.severity)))
    return out


def _cross_file(model: SemanticModel, uri: str, index: GlobalLookup) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    # 1. plain names free here but defined as contracts elsewhere: hint towards a quoted name
    unbound_ranges = {(d.start, d.end) for d in model.diagnostics if d.code in _UNBOUND_CODES}
    cache: dict[str, list[tuple[str, PlainContract]]] = {}
    for ref in model.references:
        if (
            ref.symbol is not None
            or ref.position != Sort.NAME
            or (ref.start, ref.end) not in unbound_ranges
        ):
            continue
        others = cache.get(ref.name)
        if others is None:
            others = [(u, c) for u, c in index.contracts_named(ref.name) if u != uri]
            cache[ref.name] = others
        if not others:
            continue
        related = tuple(
            Related(c.name_start, c.name_end, f"contract `{c.name}` in {u.rsplit('/', 1)[-1]}", u)
            for u, c in others[:5]
        )
        out.append(
            Diagnostic(
                ref.start,
                ref.end,
                Severity.HINT,
                f"Another file defines a contract `{ref.name}`, but plain names are not shared between "
                f"files (each file is deployed on its own). Use a quoted name such as "
                f'`@"{ref.name}"` in both files.',
                "cross-file-contract-hint",
                SOURCE,
                related,
            )
        )
    return out


def _global_arity(model: SemanticModel, uri: str, index: GlobalLookup | None) -> list[Diagnostic]:
    """Sends on quoted names: arity against every known contract (this file + others)."""
    out: list[Diagnostic] = []
    if model.has_syntax_errors:
        return out
    for s in model.sends:
        if s.global_key is None:
            continue
        defs = [(u, c) for u, c in index.definitions(s.global_key) if u != uri] if index else []
        local = model.contracts_global(s.global_key)
        if not defs and not local:
            continue
        n = len(s.args)
        if any(c.accepts_arity(n) for _, c in defs) or any(c.accepts_arity(n) for c in local):
            continue
        arities = sorted({c.arity for _, c in defs} | {c.arity for c in local})
        related = tuple(
            Related(c.name_start, c.name_end, f"contract {c.key}/{c.arity}", u) for u, c in defs[:5]
        ) + tuple(
            Related(c.name_start, c.name_end, f"contract {c.name}/{c.arity}") for c in local[:5]
        )
        out.append(
            Diagnostic(
                s.start,
                s.end,
                Severity.WARNING,
                f"No contract {s.global_key} takes {n} argument{'s' if n != 1 else ''} "
                f"(known: {', '.join(map(str, arities))}).",
                "arity-mismatch",
                SOURCE,
                related,
            )
        )
    return out
