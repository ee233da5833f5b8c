"""`WorkspaceIndex`: the cross-file knowledge shared by every connection.

It holds one `FileSummary` per uri and inverted tables keyed by global
(quoted ground) channel names and by plain contract names. It has no
connection state; it may be filled from background workers (summaries are
picklable) and read from several sessions. Writers take a lock; readers get
consistent answers because every table entry is replaced atomically per uri.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from rholang_lsp.semantics.fuzzy import fuzzy_score
from rholang_lsp.semantics.summary import (
    FileSummary,
    GlobalContract,
    GlobalRef,
    PlainContract,
    SymbolEntry,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SymbolHit:
    score: int
    uri: str
    symbol: SymbolEntry


class WorkspaceIndex:
    """FileSummary per uri plus fast lookup tables (dicts keyed by global name)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._files: dict[str, FileSummary] = {}
        self._defs: dict[str, dict[str, tuple[GlobalContract, ...]]] = {}
        self._refs: dict[str, dict[str, tuple[GlobalRef, ...]]] = {}
        self._plain: dict[str, dict[str, tuple[PlainContract, ...]]] = {}
        # flat symbol table: (lowered name, uri, entry); rebuilt lazily
        self._symbols_dirty = True
        self._symbol_rows: list[tuple[str, str, SymbolEntry]] = []
        self.generation = 0  # bumped on every change (cache invalidation)

    # ------------------------------------------------------------------ writes
    def update(self, uri: str, summary: FileSummary) -> None:
        with self._lock:
            old = self._files.get(uri)
            if (
                old is not None
                and old.content_hash == summary.content_hash
                and old.version == summary.version
            ):
                return
            if old is not None:
                self._unlink(uri, old)
            self._files[uri] = summary
            for key, group in _group(summary.contracts, lambda c: c.key).items():
                self._defs.setdefault(key, {})[uri] = group
            for key, rgroup in _group(summary.refs, lambda r: r.key).items():
                self._refs.setdefault(key, {})[uri] = rgroup
            for name, pgroup in _group(summary.plain_contracts, lambda p: p.name).items():
                self._plain.setdefault(name, {})[uri] = pgroup
            self._symbols_dirty = True
            self.generation += 1

    def update_many(self, summaries: Iterable[FileSummary]) -> None:
        with self._lock:
            for s in summaries:
                self.update(s.uri, s)

    def remove(self, uri: str) -> None:
        with self._lock:
            old = self._files.pop(uri, None)
            if old is None:
                return
            self._unlink(uri, old)
            self._symbols_dirty = True
            self.generation += 1

    def _unlink(self, uri: str, old: FileSummary) -> None:
        for table, keys in (
            (self._defs, {c.key for c in old.contracts}),
            (self._refs, {r.key for r in old.refs}),
            (self._plain, {p.name for p in old.plain_contracts}),
        ):
            for key in keys:
                per = table.get(key)
                if per is not None:
                    per.pop(uri, None)
                    if not per:
                        del table[key]

    # ------------------------------------------------------------------ reads
    def __contains__(self, uri: object) -> bool:
        return uri in self._files

    def __len__(self) -> int:
        return len(self._files)

    def get(self, uri: str) -> FileSummary | None:
        return self._files.get(uri)

    def uris(self) -> list[str]:
        return list(self._files)

    def definitions(self, key: str) -> list[tuple[str, GlobalContract]]:
        """Contracts defined on the global name ``key`` (e.g. ``@"Registry"``), per uri."""
        per = self._defs.get(key)
        if not per:
            return []
        return [(uri, c) for uri, group in list(per.items()) for c in group]

    def references(self, key: str) -> list[tuple[str, GlobalRef]]:
        """Every occurrence of the global name ``key`` (definitions included)."""
        per = self._refs.get(key)
        if not per:
            return []
        return [(uri, r) for uri, group in list(per.items()) for r in group]

    def reference_uris(self, key: str) -> list[str]:
        return list(self._refs.get(key, {}))

    def contracts_named(self, name: str) -> list[tuple[str, PlainContract]]:
        """Contracts whose plain (free) identifier name is ``name`` (for the cross-file hint)."""
        per = self._plain.get(name)
        if not per:
            return []
        return [(uri, c) for uri, group in list(per.items()) for c in group]

    def iter_symbols(self) -> Iterator[tuple[str, str, SymbolEntry]]:
        with self._lock:
            if self._symbols_dirty:
                rows: list[tuple[str, str, SymbolEntry]] = []
                for uri, s in self._files.items():
                    rows.extend((e.name.lower(), uri, e) for e in s.symbols)
                self._symbol_rows = rows
                self._symbols_dirty = False
            rows = self._symbol_rows
        return iter(rows)

    def search_symbols(
        self, query: str, *, limit: int = 256, exclude: frozenset[str] = frozenset()
    ) -> list[SymbolHit]:
        """Fuzzy workspace symbol search, best first (ties: shorter name, then uri)."""
        return search_symbol_rows(self.iter_symbols(), query, limit=limit, exclude=exclude)


def search_symbol_rows(
    rows: Iterable[tuple[str, str, SymbolEntry]],
    query: str,
    *,
    limit: int = 256,
    exclude: frozenset[str] = frozenset(),
) -> list[SymbolHit]:
    hits: list[SymbolHit] = []
    q = query.strip()
    if not q:
        for _low, uri, e in rows:
            if uri not in exclude:
                hits.append(SymbolHit(0, uri, e))
    else:
        first = q[0].lower()
        for low, uri, e in rows:
            if first not in low or uri in exclude:
                continue
            sc = fuzzy_score(q, e.name, low)
            if sc is not None:
                hits.append(SymbolHit(sc, uri, e))
    hits.sort(key=lambda h: (-h.score, len(h.symbol.name), h.symbol.name, h.uri, h.symbol.start))
    return hits[:limit]


def _group(items: Iterable[T], key: Callable[[T], str]) -> dict[str, tuple[T, ...]]:
    out: dict[str, list[T]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return {k: tuple(v) for k, v in out.items()}
