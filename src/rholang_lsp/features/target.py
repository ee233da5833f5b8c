"""Shared pieces of the navigation features: locations and "what is under the cursor".

All ranges are offsets into the Python ``str`` of the file they belong to; the
server converts them with that file's line index (``Snapshot.line_map`` for
files that are not open).
"""

from __future__ import annotations

from dataclasses import dataclass

from rholang_lsp.semantics.model import ContractInfo, Reference, SemanticModel, SendInfo, Symbol
from rholang_lsp.semantics.summary import GlobalContract
from rholang_lsp.workspace.analysis import DocumentAnalysis
from rholang_lsp.workspace.snapshot import Snapshot


@dataclass(frozen=True, slots=True, order=True)
class Location:
    uri: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class LocalTarget:
    """A variable bound in this file."""

    analysis: DocumentAnalysis
    symbol: Symbol
    ref: Reference  # the occurrence under the cursor


@dataclass(frozen=True, slots=True)
class GlobalTarget:
    """A quoted ground name such as ``@"Registry"`` (shared across files)."""

    analysis: DocumentAnalysis
    key: str
    start: int
    end: int
    is_def: bool


@dataclass(frozen=True, slots=True)
class FreeTarget:
    """An identifier with no binder (unbound / top-level free)."""

    analysis: DocumentAnalysis
    name: str
    ref: Reference


Target = LocalTarget | GlobalTarget | FreeTarget


def target_at(snap: Snapshot, uri: str, offset: int) -> Target | None:
    a = snap.analysis(uri)
    if a is None:
        return None
    m = a.model
    ref = m.reference_at(offset)
    if ref is None:
        # on a prefix of an occurrence (`@x`, `*x`, `=x`, `=*x`, `...x`, `...@x`): skip it
        text = a.text
        j = offset
        while j < len(text) and j - offset < 4 and text[j] in "@*=.":
            j += 1
        if j > offset:
            ref = m.reference_at(j)
            if ref is not None and ref.start != j:
                ref = None
    if ref is not None:
        if ref.symbol is None:
            return FreeTarget(a, ref.name, ref)
        return LocalTarget(a, m.symbol(ref.symbol), ref)
    g = m.global_at(offset)
    if g is not None:
        key, s, e, is_def = g
        return GlobalTarget(a, key, s, e, is_def)
    return None


def send_at(model: SemanticModel, start: int, end: int) -> SendInfo | None:
    """The send whose channel covers ``[start, end)``."""
    return model.send_at(start, end)


def _match_score(literals: tuple[str | None, ...], args: tuple[str | None, ...]) -> int | None:
    score = 0
    for lit, arg in zip(literals, args, strict=False):
        if lit is None or arg is None:
            continue
        if lit != arg:
            return None
        score += 1
    return score


def select_local_overloads(
    contracts: list[ContractInfo], send: SendInfo | None
) -> list[ContractInfo]:
    """Contracts matching a send by arity and literal patterns; all of them when none matches."""
    if send is None or len(contracts) <= 1:
        return contracts
    n = len(send.args)
    by_arity = [c for c in contracts if c.accepts_arity(n)]
    if not by_arity:
        return contracts
    scored = [
        (sc, c)
        for c in by_arity
        if (sc := _match_score(tuple(f.literal for f in c.formals), send.args)) is not None
    ]
    if not scored:
        return by_arity
    best = max(sc for sc, _ in scored)
    return [c for sc, c in scored if sc == best]


def select_global_overloads(
    contracts: list[tuple[str, GlobalContract]], send: SendInfo | None
) -> list[tuple[str, GlobalContract]]:
    if send is None or len(contracts) <= 1:
        return contracts
    n = len(send.args)
    by_arity = [(u, c) for u, c in contracts if c.accepts_arity(n)]
    if not by_arity:
        return contracts
    scored = [
        (sc, u, c) for u, c in by_arity if (sc := _match_score(c.literals, send.args)) is not None
    ]
    if not scored:
        return by_arity
    best = max(sc for sc, _, _ in scored)
    return [(u, c) for sc, u, c in scored if sc == best]


def uri_basename(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]
