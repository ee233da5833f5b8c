"""Call hierarchy: which contracts a contract calls, and which contracts call it.

A *call* is a send on a contract's channel (``f!(...)``); its *caller* is the
innermost contract whose body holds the send (a send outside every contract is
called from the file itself). Contracts on a name bound in the file (``new f``)
or free in it are called from that file only; contracts on a quoted ground name
(``@"Registry"``) are called from every file of the workspace, found through
the index (``FileSummary.calls``/``callers``), so incoming calls across files
need no re-analysis of the calling files.

An item names a contract by its file and the offset of its name; the requests
that follow ``prepare`` resolve it again, so an item of a file edited meanwhile
still means what is at that offset now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rholang_lsp.features.target import (
    FreeTarget,
    GlobalTarget,
    LocalTarget,
    select_global_overloads,
    select_local_overloads,
    send_at,
    target_at,
    uri_basename,
)
from rholang_lsp.semantics.model import ContractInfo, SemanticModel, SendInfo
from rholang_lsp.semantics.summary import FileSummary
from rholang_lsp.workspace.analysis import DocumentAnalysis
from rholang_lsp.workspace.snapshot import Snapshot

SK_FILE = 1
SK_FUNCTION = 12


@dataclass(frozen=True, slots=True, order=True)
class CallItem:
    """A contract (or a file, for calls outside every contract); offsets into ``uri``."""

    uri: str
    sel_start: int  # the contract's name
    sel_end: int
    start: int  # the whole contract
    end: int
    name: str
    kind: int = SK_FUNCTION
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Call:
    """``item`` and the ranges of the calls: for incoming calls in ``item.uri`` (the
    caller), for outgoing calls in the file of the item asked about."""

    item: CallItem
    ranges: tuple[tuple[int, int], ...]


# ---------------------------------------------------------------------- prepare
def prepare(snap: Snapshot, uri: str, offset: int) -> list[CallItem]:
    """The contracts named at ``offset`` (a contract's name or a call of it)."""
    t = target_at(snap, uri, offset)
    if t is None:
        return []
    m = t.analysis.model
    if isinstance(t, LocalTarget):
        contracts = m.contracts_on(t.symbol.id)
        own = [c for c in contracts if c.name_start <= t.ref.start < c.name_end]
        if own:
            return [_local_item(t.analysis, own[0])]
        send = send_at(m, t.ref.start, t.ref.end)
        return [_local_item(t.analysis, c) for c in select_local_overloads(contracts, send)]
    if isinstance(t, FreeTarget):
        contracts = [c for c in m.contracts if c.free_name and c.name == t.name]
        own = [c for c in contracts if c.name_start <= t.ref.start < c.name_end]
        if own:
            return [_local_item(t.analysis, own[0])]
        send = send_at(m, t.ref.start, t.ref.end)
        return [_local_item(t.analysis, c) for c in select_local_overloads(contracts, send)]
    return _global_items(snap, t)


def _local_item(a: DocumentAnalysis, c: ContractInfo) -> CallItem:
    name = a.text[c.name_start : c.name_end] if c.global_key is not None else c.name
    return CallItem(a.uri, c.name_start, c.name_end, c.start, c.end, name, detail=c.signature)


def _global_items(snap: Snapshot, t: GlobalTarget) -> list[CallItem]:
    cands = snap.global_definitions(t.key)
    if t.is_def:  # the contract whose name this is (the innermost around it)
        here = [(u, c) for u, c in cands if u == t.analysis.uri and c.start <= t.start < c.end]
        cands = sorted(here, key=lambda uc: uc[1].start)[-1:]
    else:
        cands = select_global_overloads(cands, send_at(t.analysis.model, t.start, t.end))
    out = []
    for u, c in cands:
        summary = snap.summary(u)
        name = t.key
        if summary is not None:
            span = next((s for s in summary.callers if s.name_start == c.name_start), None)
            name = span.name if span is not None else name
        out.append(CallItem(u, c.name_start, c.name_end, c.start, c.end, name, detail=c.signature))
    return sorted(out)


# ---------------------------------------------------------------------- incoming
def incoming(snap: Snapshot, uri: str, offset: int) -> list[Call]:
    """The callers of the contract whose name is at ``offset``, grouped by caller."""
    items = prepare(snap, uri, offset)
    t = target_at(snap, uri, offset)
    if not items or t is None:
        return []
    callee = items[0]
    calls: dict[CallItem, list[tuple[int, int]]] = defaultdict(list)
    if isinstance(t, GlobalTarget):
        arity = _arity_of(snap, t.key, callee)
        for u, summary in _summaries_calling(snap, t.key):
            for call in summary.calls:
                if call.key != t.key or (arity is not None and not arity(call.arity)):
                    continue
                if call.caller >= 0:
                    span = summary.callers[call.caller]
                    caller = CallItem(
                        u,
                        span.name_start,
                        span.name_end,
                        span.start,
                        span.end,
                        span.name,
                        detail=span.signature,
                    )
                else:
                    caller = _file_item(snap, u)
                calls[caller].append((call.start, call.end))
    else:
        a = t.analysis
        m = a.model
        target = _contract_at(m, callee.sel_start)
        if target is None:
            return []
        same = [
            c
            for c in m.contracts
            if (c.symbol is not None and c.symbol == target.symbol)
            or (c.free_name and target.free_name and c.name == target.name)
        ]
        for snd in m.sends:
            if not snd.is_send or snd.global_key is not None:
                continue
            if target.symbol is not None and snd.symbol != target.symbol:
                continue
            if target.free_name and (snd.symbol is not None or _spelled(a, snd) != target.name):
                continue
            if target not in select_local_overloads(same, snd):
                continue
            enclosing = _innermost(m, snd.start)
            caller = _local_item(a, enclosing) if enclosing else _file_item(snap, a.uri)
            calls[caller].append((snd.start, snd.end))
    return [Call(item, tuple(sorted(set(r)))) for item, r in sorted(calls.items())]


def _summaries_calling(snap: Snapshot, key: str) -> list[tuple[str, FileSummary]]:
    """The summaries of the files that use ``key`` (the index knows them: no file is read).

    A file that uses ``key`` without a recorded call on it either only passes or receives
    on it, or has a summary from an index cache written before calls were recorded: that
    file is analysed again (its fresh summary has the calls, if any)."""
    out = []
    for u in sorted({u for u, r in snap.global_references(key) if not r.is_def}):
        s = snap.summary(u)
        if s is not None and not any(c.key == key for c in s.calls):
            a = snap.analysis(u)
            s = a.summary if a is not None else s
        if s is not None:
            out.append((u, s))
    return out


def _arity_of(snap: Snapshot, key: str, callee: CallItem) -> Callable[[int], bool] | None:
    """The arity test of the contract ``callee`` (overloads are told apart by arity)."""
    for u, c in snap.global_definitions(key):
        if u == callee.uri and c.name_start == callee.sel_start:
            return c.accepts_arity
    return None


def _spelled(a: DocumentAnalysis, snd: SendInfo) -> str:
    return a.text[snd.start : snd.end]


def _file_item(snap: Snapshot, uri: str) -> CallItem:
    a = snap.analysis(uri)
    end = len(a.text) if a is not None else 0
    return CallItem(uri, 0, 0, 0, end, uri_basename(uri), kind=SK_FILE)


def _contract_at(m: SemanticModel, name_start: int) -> ContractInfo | None:
    return next((c for c in m.contracts if c.name_start == name_start), None)


def _innermost(m: SemanticModel, offset: int) -> ContractInfo | None:
    best: ContractInfo | None = None
    for c in m.contracts:
        if c.start <= offset < c.end and not (c.name_start <= offset < c.name_end):
            if best is None or c.start >= best.start:
                best = c
    return best


# ---------------------------------------------------------------------- outgoing
def outgoing(snap: Snapshot, uri: str, offset: int) -> list[Call]:
    """The contracts called from the body of the contract whose name is at ``offset``."""
    a = snap.analysis(uri)
    if a is None:
        return []
    m = a.model
    caller = _contract_at(m, offset)
    if caller is None:
        return []
    calls: dict[CallItem, list[tuple[int, int]]] = defaultdict(list)
    for snd in m.sends:
        if not snd.is_send or not (caller.start <= snd.start < caller.end):
            continue
        if caller.name_start <= snd.start < caller.name_end:
            continue
        if _innermost(m, snd.start) is not caller:
            continue  # a call from a contract nested in this one belongs to that contract
        for item in prepare(snap, uri, snd.start):
            calls[item].append((snd.start, snd.end))
    return [Call(item, tuple(sorted(set(r)))) for item, r in sorted(calls.items())]
