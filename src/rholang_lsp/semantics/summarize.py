"""Build a `FileSummary` from a `SemanticModel`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from rholang_lsp.semantics.model import ContractInfo, ScopeKind, SemanticModel, SymbolKind
from rholang_lsp.semantics.summary import (
    SK_FUNCTION,
    SK_VARIABLE,
    CompactLineMap,
    ContractSpan,
    FileSummary,
    GlobalCall,
    GlobalContract,
    GlobalRef,
    PlainContract,
    SymbolEntry,
    content_hash,
)

#: scopes whose `new` names are offered by workspace/symbol (not inside bodies)
_OUTER_SCOPES: Final = {ScopeKind.FILE, ScopeKind.NEW}


def global_contract(c: ContractInfo) -> GlobalContract | None:
    """The summary entry of a contract on a quoted ground name (None: not on one)."""
    if c.global_key is None:
        return None
    return _global_contract(c, c.global_key)


def _outer_scopes(model: SemanticModel) -> Callable[[int | None], bool]:
    """Whether every scope of a chain is a file or `new` scope, memoised per scope."""
    memo: dict[int | None, bool] = {None: True}
    scopes = model.scopes

    def outer(scope_id: int | None) -> bool:
        got = memo.get(scope_id)
        if got is not None:
            return got
        chain: list[int] = []
        sid = scope_id
        while sid is not None and sid not in memo:
            chain.append(sid)
            sid = scopes[sid].parent
        ok = memo[sid]
        for x in reversed(chain):
            ok = ok and scopes[x].kind in _OUTER_SCOPES
            memo[x] = ok
        return ok

    return outer


def _global_contract(c: ContractInfo, key: str) -> GlobalContract:
    return GlobalContract(
        key=key,
        name_start=c.name_start,
        name_end=c.name_end,
        start=c.start,
        end=c.end,
        arity=c.arity,
        remainder=c.remainder is not None,
        literals=tuple(f.literal for f in c.formals),
        signature=c.signature,
        doc_markdown=c.doc.to_markdown() if c.doc is not None else None,
    )


def build_summary(
    uri: str,
    text: str,
    model: SemanticModel,
    *,
    version: int | None = None,
    lines: CompactLineMap | None = None,
) -> FileSummary:
    """The summary of a bound file (``lines``: its line map when the caller has it)."""
    contracts: list[GlobalContract] = []
    plain: list[PlainContract] = []
    symbols: list[SymbolEntry] = []
    implemented: set[int] = set()
    for c in model.contracts:
        if c.global_key is not None:
            contracts.append(_global_contract(c, c.global_key))
            display = text[c.name_start : c.name_end]
        else:
            if c.free_name:
                plain.append(PlainContract(c.name, c.name_start, c.name_end, len(c.formals)))
            display = c.name
        if c.symbol is not None:
            implemented.add(c.symbol)
        symbols.append(SymbolEntry(display, SK_FUNCTION, c.name_start, c.name_end, None))
    # enum members compared by identity (an ``in`` test on a tuple or set of them calls
    # ``Enum.__eq__``/``__hash__`` in Python), whether a scope's chain is all outer scopes
    # found once per scope (a file has many more symbols than scopes)
    new_kind, new_uri_kind = SymbolKind.NEW, SymbolKind.NEW_URI
    outer = _outer_scopes(model)
    for sym in model.symbols:
        kind = sym.kind
        if (kind is new_kind or kind is new_uri_kind) and sym.id not in implemented:
            if outer(sym.scope):
                symbols.append(SymbolEntry(sym.name, SK_VARIABLE, sym.start, sym.end, None))
    refs = tuple(GlobalRef(k, s, e, d) for k, s, e, d in model.global_refs)
    callers, calls = _calls(text, model)
    return FileSummary(
        uri=uri,
        content_hash=content_hash(text),
        lines=lines if lines is not None else CompactLineMap.from_text(text),
        contracts=tuple(contracts),
        refs=refs,
        symbols=tuple(symbols),
        plain_contracts=tuple(plain),
        version=version,
        callers=callers,
        calls=calls,
    )


def _calls(
    text: str, model: SemanticModel
) -> tuple[tuple[ContractSpan, ...], tuple[GlobalCall, ...]]:
    """The file's contracts and its sends on quoted names, each with its innermost contract."""
    ordered = sorted(model.contracts, key=lambda c: (c.start, -c.end))
    callers = tuple(
        ContractSpan(
            text[c.name_start : c.name_end] if c.global_key is not None else c.name,
            c.name_start,
            c.name_end,
            c.start,
            c.end,
            c.signature,
        )
        for c in ordered
    )
    # the innermost contract around each send: one sweep in source order (``model.sends``
    # is in source order) with the stack of the contracts open there (contracts nest; a
    # send's range is its channel's)
    calls = []
    open_: list[int] = []
    nxt = 0
    n = len(ordered)
    for snd in model.sends:
        if snd.global_key is None or not snd.is_send:
            continue
        start = snd.start
        while nxt < n and ordered[nxt].start <= start:
            open_.append(nxt)
            nxt += 1
        while open_ and ordered[open_[-1]].end < snd.end:
            open_.pop()
        caller = -1
        for i in reversed(open_):
            c = ordered[i]
            if snd.end <= c.end and not (c.name_start <= start < c.name_end):
                caller = i
                break
        calls.append(GlobalCall(snd.global_key, start, snd.end, len(snd.args), caller))
    return callers, tuple(calls)
