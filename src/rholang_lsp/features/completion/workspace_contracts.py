"""Contracts on quoted names from the whole workspace: this file's (syntactic), the other
open documents' and the index's, as completion items."""

from __future__ import annotations

from rholang_lsp.features.completion.context import GLOBAL
from rholang_lsp.features.completion.items import (
    CK_FUNCTION,
    CompletionItem,
    CompletionResult,
    _Collector,
    _finish,
    formals_from_signature,
    send_snippet,
)
from rholang_lsp.semantics.scope_at import (
    LocalContract,
    file_contracts,
)
from rholang_lsp.semantics.summarize import global_contract
from rholang_lsp.semantics.summary import SK_FUNCTION, GlobalContract, SymbolEntry
from rholang_lsp.syntax import ParseResult, Token
from rholang_lsp.workspace.fuzzy import fuzzy_score
from rholang_lsp.workspace.index import SymbolHit, hit_order, search_symbol_rows
from rholang_lsp.workspace.snapshot import Snapshot


# ---------------------------------------------------------------------- global names
def _local_globals(local: list[LocalContract]) -> list[GlobalContract]:
    """The current file's contracts on quoted ground names (from ``file_contracts``)."""
    return [g for lc in local if (g := global_contract(lc.info)) is not None]


def other_files_definitions(snap: Snapshot, uri: str, key: str) -> list[tuple[str, GlobalContract]]:
    """``Snapshot.global_definitions`` without the file ``uri`` (so that its full analysis,
    a parse + bind of the latest version, is never needed)."""
    res = [(u, c) for u, c in snap.index.definitions(key) if u not in snap.documents]
    for u in snap.documents:
        if u == uri:
            continue
        a = snap.analysis(u)
        if a is not None:
            res.extend((u, c) for c in a.summary.contracts if c.key == key)
    return res


class _Globals:
    """Global (quoted) contract names: other files from the snapshot, this file syntactically."""

    def __init__(
        self,
        snap: Snapshot,
        uri: str,
        parsed: ParseResult,
        local: list[LocalContract] | None = None,
    ) -> None:
        self.snap = snap
        self.uri = uri
        self.parsed = parsed
        self._contracts = local
        self._local: list[GlobalContract] | None = None
        self._open: dict[str, list[tuple[str, GlobalContract]]] | None = None
        self.incomplete = False  # set by ``search``

    @property
    def local(self) -> list[GlobalContract]:
        if self._local is None:
            contracts = self._contracts
            if contracts is None:
                contracts = file_contracts(self.parsed, resolve=False)
            self._local = _local_globals(contracts)
        return self._local

    def search(self, query: str, limit: int) -> list[SymbolHit]:
        """The best ``limit`` contracts for ``query``: from the index, the names (or a word
        of them) starting with it, at most ``2 * limit`` of them scored (``incomplete``
        says more exist); from the other open documents and this file, fuzzy matches."""
        snap = self.snap
        open_uris = frozenset(snap.documents)
        found, more = snap.index.complete_symbols(
            query, kind=SK_FUNCTION, exclude=open_uris, cap=2 * limit
        )
        q = query.strip()
        hits: list[SymbolHit] = []
        for u, e in found:
            sc = fuzzy_score(q, e.name) if q else 0
            if sc is not None:
                hits.append(SymbolHit(sc, u, e))
        rows: list[tuple[str, str, SymbolEntry]] = []
        for u in snap.documents:
            if u == self.uri:
                continue
            a = snap.analysis(u)
            if a is not None:
                rows.extend((e.name.lower(), u, e) for e in a.summary.symbols)
        text = self.parsed.text
        for c in self.local:
            e = SymbolEntry(
                text[c.name_start : c.name_end], SK_FUNCTION, c.name_start, c.name_end, None
            )
            rows.append((e.name.lower(), self.uri, e))
        hits.extend(search_symbol_rows(rows, query, limit=limit, kind=SK_FUNCTION))
        hits.sort(key=hit_order)
        self.incomplete = more or len(hits) > limit
        return hits[:limit]

    def _open_definitions(self) -> dict[str, list[tuple[str, GlobalContract]]]:
        """Global contracts of the other open documents by key, gathered once per
        completion (asking every open document for every candidate key was
        O(keys x open documents))."""
        if self._open is None:
            self._open = {}
            for u in self.snap.documents:
                if u == self.uri:
                    continue
                a = self.snap.analysis(u)
                if a is not None:
                    for c in a.summary.contracts:
                        self._open.setdefault(c.key, []).append((u, c))
        return self._open

    def definitions(self, key: str) -> list[tuple[str, GlobalContract]]:
        """Like ``other_files_definitions``, plus this file's own contracts on ``key``."""
        snap = self.snap
        res = [(u, c) for u, c in snap.index.definitions(key) if u not in snap.documents]
        res.extend(self._open_definitions().get(key, ()))
        res.extend((self.uri, c) for c in self.local if c.key == key)
        return res


def _add_globals(
    col: _Collector,
    snap: Snapshot,
    uri: str,
    parsed: ParseResult,
    prefix: str,
    local: list[LocalContract] | None = None,
    *,
    group: int = 1,
) -> None:
    if not prefix:
        return
    g = _Globals(snap, uri, parsed, local)
    try:
        hits = g.search(prefix, limit=50)
    except Exception:  # noqa: BLE001 - the index is optional for completion
        return
    col.incomplete = col.incomplete or g.incomplete
    seen: set[str] = set()
    for rank, hit in enumerate(hits):
        e = hit.symbol
        if e.kind != SK_FUNCTION:
            continue
        key = f'@"{e.name}"'
        if key in seen:
            continue
        seen.add(key)
        for u, gc in g.definitions(key):
            formals = formals_from_signature(gc.signature)
            label_detail = "(" + ", ".join(formals) + ")"
            where = u.rstrip("/").rsplit("/", 1)[-1]
            item = CompletionItem(
                key,
                CK_FUNCTION,
                gc.signature,
                send_snippet(key, formals) if col.snippets else key,
                col.snippets,
                filter_text=e.name,
                label_detail=label_detail,
                label_description=where if u != uri else None,
                data={"k": "global", "key": key, "uri": u, "start": gc.name_start},
            )
            col.add(item, group, rank)


def _complete_global(
    snap: Snapshot, uri: str, parsed: ParseResult, tok: Token, offset: int, limit: int
) -> CompletionResult:
    typed = tok.text[1 : offset - tok.start]
    col = _Collector(typed, False)
    g = _Globals(snap, uri, parsed)
    try:
        hits = g.search(typed, limit=200)
    except Exception:  # noqa: BLE001
        hits = []
    col.incomplete = g.incomplete
    for rank, hit in enumerate(hits):
        if hit.symbol.kind != SK_FUNCTION:
            continue
        key = f'@"{hit.symbol.name}"'
        defs = g.definitions(key)
        if not defs:
            continue
        gc = defs[0][1]
        col.add(
            CompletionItem(
                f'"{hit.symbol.name}"',
                CK_FUNCTION,
                gc.signature,
                filter_text=hit.symbol.name,
                data={"k": "global", "key": key, "uri": defs[0][0], "start": gc.name_start},
            ),
            0,
            rank,
        )
    end = tok.end if tok.text.endswith('"') and len(tok.text) > 1 and offset < tok.end else offset
    res = _finish(col, tok.start, end, GLOBAL, limit)
    for item in res.items:
        item.filter_text = item.label
    return res
