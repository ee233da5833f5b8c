"""`WorkspaceIndex`: the cross-file knowledge shared by every connection.

It holds one `FileSummary` per uri and inverted tables keyed by global
(quoted ground) channel names and by plain contract names. It has no
connection state; it may be filled from background workers (summaries are
picklable) and read from several sessions. Writers take a lock; readers get
consistent answers because every table entry is replaced atomically per uri.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

import msgspec

from rholang_lsp.semantics.summary import (
    FileSummary,
    GlobalContract,
    GlobalRef,
    PlainContract,
    SymbolEntry,
)
from rholang_lsp.workspace.fuzzy import (
    fuzzy_score,
    max_subsequence_score,
    max_substring_score,
)
from rholang_lsp.workspace.prefix_index import PrefixIndex

T = TypeVar("T")


class SymbolHit(msgspec.Struct, frozen=True):
    score: int
    uri: str
    symbol: SymbolEntry


class SymbolSearch:
    """``search_symbols`` over ``iter_symbols()``, shared by the index and its views."""

    __slots__ = ()

    def iter_symbols(self) -> Iterator[tuple[str, str, SymbolEntry]]:
        raise NotImplementedError

    def search_symbols(
        self,
        query: str,
        *,
        limit: int = 256,
        exclude: frozenset[str] = frozenset(),
        kind: int | None = None,
    ) -> list[SymbolHit]:
        """Fuzzy workspace symbol search, best first (ties: shorter name, then uri)."""
        return search_symbol_rows(
            self.iter_symbols(), query, limit=limit, exclude=exclude, kind=kind
        )


class WorkspaceIndex(SymbolSearch):
    """FileSummary per uri plus fast lookup tables (dicts keyed by global name)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._files: dict[str, FileSummary] = {}
        self._defs: dict[str, dict[str, tuple[GlobalContract, ...]]] = {}
        self._refs: dict[str, dict[str, tuple[GlobalRef, ...]]] = {}
        self._plain: dict[str, dict[str, tuple[PlainContract, ...]]] = {}
        # symbol rows per uri: (lowered name, uri, entry); kept up to date by update/remove,
        # so that an update costs O(size of the file's summary), never O(files)
        self._symbol_rows: dict[str, tuple[tuple[str, str, SymbolEntry], ...]] = {}
        self._prefix = PrefixIndex()  # names by prefix: completion, workspace/symbol
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
            self._symbol_rows[uri] = tuple((e.name.lower(), uri, e) for e in summary.symbols)
            self._prefix.replace(uri, summary.symbols)
            self.generation += 1

    def remove(self, uri: str) -> None:
        with self._lock:
            old = self._files.pop(uri, None)
            if old is None:
                return
            self._unlink(uri, old)
            self._symbol_rows.pop(uri, None)
            self._prefix.remove(uri)
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

    def definitions(
        self, key: str, *, exclude: str | None = None
    ) -> list[tuple[str, GlobalContract]]:
        """Contracts defined on the global name ``key`` (e.g. ``@"Registry"``), per uri,
        leaving out the file ``exclude``."""
        per = self._defs.get(key)
        if not per:
            return []
        return [(uri, c) for uri, group in list(per.items()) if uri != exclude for c in group]

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

    def contracts_named_many(
        self, names: Iterable[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[str, PlainContract]]]:
        """``contracts_named`` of each of ``names`` that has any (outside the file
        ``exclude``), in one call."""
        out: dict[str, list[tuple[str, PlainContract]]] = {}
        plain = self._plain
        for name in names:
            per = plain.get(name)
            if per:
                found = [(u, c) for u, group in list(per.items()) if u != exclude for c in group]
                if found:
                    out[name] = found
        return out

    def iter_symbols(self) -> Iterator[tuple[str, str, SymbolEntry]]:
        with self._lock:
            groups = list(self._symbol_rows.values())
        return itertools.chain.from_iterable(groups)

    def prepare_search(self) -> None:
        """Build the prefix index now (else the first query does: ~0.1 s at 5,000 files);
        the indexer calls it in a thread after a run."""
        with self._lock:
            self._prefix.prepare()

    def complete_symbols(
        self,
        prefix: str,
        *,
        kind: int | None = None,
        exclude: frozenset[str] = frozenset(),
        cap: int = 100,
    ) -> tuple[list[tuple[str, SymbolEntry]], bool]:
        """Up to ``cap`` symbols whose name or a word start of it begins with ``prefix``
        (case-insensitively), from the prefix index; and whether more exist."""
        with self._lock:
            return self._prefix.candidates(prefix, kind=kind, exclude=exclude, cap=cap)

    def search_symbols(
        self,
        query: str,
        *,
        limit: int = 256,
        exclude: frozenset[str] = frozenset(),
        kind: int | None = None,
    ) -> list[SymbolHit]:
        """As ``SymbolSearch.search_symbols`` (the same answer); when ``limit`` names start
        with the query, they come from the prefix index and the other names are not scanned
        (none of them could rank among the first ``limit``)."""
        q = query.strip()
        if q:
            with self._lock:
                rows = list(self._prefix.names_starting_with(q, kind=kind, exclude=exclude))
            if len(rows) >= limit:
                hits = _score(rows, q)
                bound = max_substring_score(q)
                if sum(1 for h in hits if h.score > bound) >= limit:
                    return heapq.nsmallest(limit, hits, key=hit_order)
        return super().search_symbols(query, limit=limit, exclude=exclude, kind=kind)


class IndexView(Protocol):
    """The read side of a ``WorkspaceIndex`` (what snapshots and features query)."""

    def __contains__(self, uri: object) -> bool: ...
    def __len__(self) -> int: ...
    def get(self, uri: str) -> FileSummary | None: ...
    def uris(self) -> list[str]: ...
    def definitions(
        self, key: str, *, exclude: str | None = None
    ) -> list[tuple[str, GlobalContract]]: ...
    def references(self, key: str) -> list[tuple[str, GlobalRef]]: ...
    def reference_uris(self, key: str) -> list[str]: ...
    def contracts_named(self, name: str) -> list[tuple[str, PlainContract]]: ...
    def contracts_named_many(
        self, names: Iterable[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[str, PlainContract]]]: ...
    def iter_symbols(self) -> Iterator[tuple[str, str, SymbolEntry]]: ...
    def complete_symbols(
        self,
        prefix: str,
        *,
        kind: int | None = None,
        exclude: frozenset[str] = frozenset(),
        cap: int = 100,
    ) -> tuple[list[tuple[str, SymbolEntry]], bool]: ...
    def search_symbols(
        self,
        query: str,
        *,
        limit: int = 256,
        exclude: frozenset[str] = frozenset(),
        kind: int | None = None,
    ) -> list[SymbolHit]: ...


class CompositeIndex(SymbolSearch):
    """A read-only view over several indexes (one session's workspace roots), queried as one.

    The roots of one session are disjoint (a folder inside another is covered by the
    outer one), so a uri lives in at most one part; ``get`` asks the parts in order.
    The view holds the parts, not copies: it sees their later updates.
    """

    __slots__ = ("parts",)

    def __init__(self, parts: Iterable[IndexView]) -> None:
        self.parts: tuple[IndexView, ...] = tuple(parts)

    def __contains__(self, uri: object) -> bool:
        return any(uri in p for p in self.parts)

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def get(self, uri: str) -> FileSummary | None:
        for p in self.parts:
            s = p.get(uri)
            if s is not None:
                return s
        return None

    def uris(self) -> list[str]:
        return [u for p in self.parts for u in p.uris()]

    def definitions(
        self, key: str, *, exclude: str | None = None
    ) -> list[tuple[str, GlobalContract]]:
        return [d for p in self.parts for d in p.definitions(key, exclude=exclude)]

    def references(self, key: str) -> list[tuple[str, GlobalRef]]:
        return [r for p in self.parts for r in p.references(key)]

    def reference_uris(self, key: str) -> list[str]:
        return [u for p in self.parts for u in p.reference_uris(key)]

    def contracts_named(self, name: str) -> list[tuple[str, PlainContract]]:
        return [c for p in self.parts for c in p.contracts_named(name)]

    def contracts_named_many(
        self, names: Iterable[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[str, PlainContract]]]:
        names = list(names)
        out: dict[str, list[tuple[str, PlainContract]]] = {}
        for p in self.parts:
            for name, found in p.contracts_named_many(names, exclude=exclude).items():
                out.setdefault(name, []).extend(found)
        return out

    def iter_symbols(self) -> Iterator[tuple[str, str, SymbolEntry]]:
        return itertools.chain.from_iterable(p.iter_symbols() for p in self.parts)

    def complete_symbols(
        self,
        prefix: str,
        *,
        kind: int | None = None,
        exclude: frozenset[str] = frozenset(),
        cap: int = 100,
    ) -> tuple[list[tuple[str, SymbolEntry]], bool]:
        out: list[tuple[str, SymbolEntry]] = []
        more = False
        for p in self.parts:
            got, m = p.complete_symbols(prefix, kind=kind, exclude=exclude, cap=cap)
            out.extend(got)
            more = more or m
        return out, more


def search_symbol_rows(
    rows: Iterable[tuple[str, str, SymbolEntry]],
    query: str,
    *,
    limit: int = 256,
    exclude: frozenset[str] = frozenset(),
    kind: int | None = None,
) -> list[SymbolHit]:
    """The best ``limit`` symbols for ``query`` (``kind``: only symbols of that SymbolKind)."""
    hits: list[SymbolHit] = []
    q = query.strip()
    if kind is not None:
        rows = (row for row in rows if row[2].kind == kind)
    if not q:
        for _low, uri, e in rows:
            if uri not in exclude:
                hits.append(SymbolHit(0, uri, e))
    else:
        # Three tiers, cheapest test first: names that start with the query,
        # names that contain it elsewhere, names that hold it only as a
        # subsequence. A tier is scored (fuzzy_score, ~5-10 us a name) only when
        # fewer than `limit` hits so far beat the best score any name of that
        # tier could reach (`fuzzy.max_substring_score` / `max_subsequence_score`),
        # so the result is exactly that of scoring every name.
        lq = q.lower()
        tiers: tuple[list[tuple[str, str, SymbolEntry]], ...] = ([], [], [])
        for row in rows:
            low = row[0]
            if row[1] in exclude:
                continue
            if low.startswith(lq):
                tiers[0].append(row)
            elif lq in low:
                tiers[1].append(row)
            else:
                tiers[2].append(row)
        bounds = (None, max_substring_score(q), max_subsequence_score(q))
        first = lq[0]
        for tier, bound in zip(tiers, bounds, strict=True):
            if bound is not None and sum(1 for h in hits if h.score > bound) >= limit:
                break
            for low, uri, e in tier:
                if first not in low:
                    continue
                sc = fuzzy_score(q, e.name, low)
                if sc is not None:
                    hits.append(SymbolHit(sc, uri, e))
    return heapq.nsmallest(limit, hits, key=hit_order)


def _score(rows: Iterable[tuple[str, str, SymbolEntry]], q: str) -> list[SymbolHit]:
    hits = []
    for low, uri, e in rows:
        sc = fuzzy_score(q, e.name, low)
        if sc is not None:
            hits.append(SymbolHit(sc, uri, e))
    return hits


def hit_order(h: SymbolHit) -> tuple[int, int, str, str, int]:
    """Best first: higher score, then shorter name, then name, uri and position."""
    return (-h.score, len(h.symbol.name), h.symbol.name, h.uri, h.symbol.start)


def _group(items: Iterable[T], key: Callable[[T], str]) -> dict[str, tuple[T, ...]]:
    out: dict[str, list[T]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return {k: tuple(v) for k, v in out.items()}
