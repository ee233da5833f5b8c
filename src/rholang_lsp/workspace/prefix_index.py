"""`PrefixIndex`: the workspace's symbol names by case-folded prefix (issue 19, row 8).

Completion after a typed prefix used to score every symbol of the workspace (35k
names at 5,000 files). Here the names starting with a prefix are one contiguous run
of a sorted list, found by bisect, so a query costs O(log n + what it returns).

* Keys are lower-cased like ``fuzzy_score`` compares. Each name has its whole-name
  key and, in a second list, up to ``MAX_WORD_KEYS`` word-start keys (after ``_``,
  ``:``, ``.``..., camel humps: `st` finds `svc_state` and `ledgerState`).
* One pair of lists per symbol kind (completion asks for contracts only), built
  on the first query (one pass, one sort per list), then kept up to date per file:
  ``replace`` / ``remove`` cost O(names of the file x log n) plus a short
  ``memmove`` in a bucket, never a rebuild.
* The lists are buckets of at most ``2 * _LOAD`` sorted rows with their maxima
  searched by bisect (a minimal sorted list; an insert moves one bucket, not all).

Not thread-safe by itself: ``WorkspaceIndex`` calls it under its lock.
"""

from __future__ import annotations

import heapq
import itertools
import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from typing import Final

from rholang_lsp.semantics.summary import SymbolEntry

MAX_WORD_KEYS: Final = 4
_LOAD: Final = 512
_SEPARATORS: Final = frozenset("_-:.'/ ")

# "key NUL uri NUL index of the entry in the file's symbols": one string, because
# sorting and bisecting strings is several times cheaper than tuples (NUL sorts first,
# so the order is that of the keys, then uris)
Row = str
_SEP = "\x00"

# ASCII names (nearly all): word starts by one regex instead of a loop per character
_ASCII_WORD = re.compile(r"(?<=[_\-:.'/ ])[^_\-:.'/ ]|(?<=[^A-Z_\-:.'/ ])[A-Z]")


def row_of(key: str, uri: str, i: int) -> Row:
    return f"{key}{_SEP}{uri}{_SEP}{i}"


def parse_row(row: Row) -> tuple[str, int]:
    """(uri, index) of a row."""
    _key, uri, i = row.rsplit(_SEP, 2)
    return uri, int(i)


def word_starts(name: str) -> list[int]:
    """Offsets (> 0) in ``name`` where a word starts: after a separator, or an
    upper-case letter after a non-upper-case one (as ``fuzzy._is_boundary``)."""
    if name.isascii():
        return [m.start() for m in itertools.islice(_ASCII_WORD.finditer(name), MAX_WORD_KEYS)]
    out: list[int] = []
    for i in range(1, len(name)):
        c, p = name[i], name[i - 1]
        if c in _SEPARATORS:
            continue
        if p in _SEPARATORS or (c.isupper() and not p.isupper()):
            out.append(i)
            if len(out) == MAX_WORD_KEYS:
                break
    return out


class SortedRows:
    """A sorted list of rows kept in buckets (insert and remove touch one bucket)."""

    __slots__ = ("_buckets", "_maxes", "_len")

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        ordered = sorted(rows)
        self._buckets = [ordered[i : i + _LOAD] for i in range(0, len(ordered), _LOAD)]
        self._maxes = [b[-1] for b in self._buckets]
        self._len = len(ordered)

    def __len__(self) -> int:
        return self._len

    def add(self, row: Row) -> None:
        buckets, maxes = self._buckets, self._maxes
        self._len += 1
        if not buckets:
            buckets.append([row])
            maxes.append(row)
            return
        i = bisect_left(maxes, row)
        if i == len(maxes):
            i -= 1
            b = buckets[i]
            b.append(row)
            maxes[i] = row
        else:
            b = buckets[i]
            insort(b, row)
        if len(b) > 2 * _LOAD:
            half = b[_LOAD:]
            del b[_LOAD:]
            buckets.insert(i + 1, half)
            maxes[i] = b[-1]
            maxes.insert(i + 1, half[-1])

    def discard(self, row: Row) -> None:
        buckets, maxes = self._buckets, self._maxes
        i = bisect_left(maxes, row)
        if i == len(maxes):
            return
        b = buckets[i]
        j = bisect_left(b, row)
        if j == len(b) or b[j] != row:
            return
        del b[j]
        self._len -= 1
        if not b:
            del buckets[i]
            del maxes[i]
        elif j == len(b):
            maxes[i] = b[-1]

    def starting_with(self, prefix: str) -> Iterator[Row]:
        """Rows whose key starts with ``prefix``, in order."""
        buckets = self._buckets
        i = bisect_left(self._maxes, prefix)
        if i == len(buckets):
            return
        j = bisect_left(buckets[i], prefix)
        for b in buckets[i:]:
            for k in range(j, len(b)):
                row = b[k]
                if not row.startswith(prefix):
                    return
                yield row
            j = 0

    def __iter__(self) -> Iterator[Row]:
        for b in self._buckets:
            yield from b


def _rows(uri: str, symbols: tuple[SymbolEntry, ...]) -> Iterator[tuple[int, bool, Row]]:
    """(kind, is a word-start key, row) of every key of a file's symbols."""
    for i, e in enumerate(symbols):
        name = e.name
        yield e.kind, False, f"{name.lower()}{_SEP}{uri}{_SEP}{i}"
        for w in word_starts(name):
            yield e.kind, True, f"{name[w:].lower()}{_SEP}{uri}{_SEP}{i}"


class PrefixIndex:
    """Per kind, whole-name and word-start keys of every file's symbols (see module doc)."""

    __slots__ = ("_built", "_files", "_lists")

    def __init__(self) -> None:
        self._files: dict[str, tuple[SymbolEntry, ...]] = {}
        # kind -> (whole-name rows, word-start rows), once the first query built them
        self._lists: dict[int, tuple[SortedRows, SortedRows]] = {}
        self._built = False

    def replace(self, uri: str, symbols: tuple[SymbolEntry, ...]) -> None:
        self.remove(uri)
        self._files[uri] = symbols
        if self._built:
            for kind, word, row in _rows(uri, symbols):
                lists = self._lists.get(kind)
                if lists is None:
                    lists = self._lists[kind] = (SortedRows(), SortedRows())
                lists[word].add(row)

    def remove(self, uri: str) -> None:
        old = self._files.pop(uri, None)
        if old is None or not self._built:
            return
        for kind, word, row in _rows(uri, old):
            self._lists[kind][word].discard(row)

    def _build(self) -> None:
        """All lists in one pass over the files and one sort each (the first query)."""
        rows: dict[tuple[int, bool], list[Row]] = {}
        for uri, symbols in self._files.items():
            for kind, word, row in _rows(uri, symbols):
                rows.setdefault((kind, word), []).append(row)
        kinds = {k for k, _w in rows}
        self._lists = {
            k: (SortedRows(rows.get((k, False), ())), SortedRows(rows.get((k, True), ())))
            for k in kinds
        }
        self._built = True

    def prepare(self) -> None:
        if not self._built:
            self._build()

    def _lists_of(self, kind: int) -> tuple[SortedRows, SortedRows]:
        if not self._built:
            self._build()
        lists = self._lists.get(kind)
        if lists is None:
            lists = self._lists[kind] = (SortedRows(), SortedRows())
        return lists

    def _kinds(self, kind: int | None) -> list[int]:
        if kind is not None:
            return [kind]
        if not self._built:
            self._build()
        return sorted(self._lists)

    def candidates(
        self,
        prefix: str,
        *,
        kind: int | None = None,
        exclude: frozenset[str] = frozenset(),
        cap: int = 100,
        words: bool = True,
    ) -> tuple[list[tuple[str, SymbolEntry]], bool]:
        """Up to ``cap`` symbols whose name (then, with ``words``, one of whose word
        starts) begins with ``prefix`` case-insensitively, in key order; and whether
        more exist (the caller marks its answer incomplete)."""
        q = prefix.lower()
        kinds = self._kinds(kind)
        lists = [self._lists_of(k) for k in kinds]
        out: list[tuple[str, SymbolEntry]] = []
        seen: set[tuple[str, int]] = set()
        passes = [0, 1] if words else [0]
        for which in passes:
            runs = [ls[which].starting_with(q) for ls in lists]
            for row in runs[0] if len(runs) == 1 else heapq.merge(*runs):
                uri, i = parse_row(row)
                if uri in exclude or (uri, i) in seen:
                    continue
                if len(out) == cap:
                    return out, True
                seen.add((uri, i))
                out.append((uri, self._files[uri][i]))
        return out, False

    def names_starting_with(
        self, prefix: str, *, kind: int | None = None, exclude: frozenset[str] = frozenset()
    ) -> Iterator[tuple[str, str, SymbolEntry]]:
        """Every symbol whose whole name starts with ``prefix`` (case-insensitively),
        as ``(lowered name, uri, entry)`` rows like ``WorkspaceIndex.iter_symbols``."""
        q = prefix.lower()
        runs = [self._lists_of(k)[0].starting_with(q) for k in self._kinds(kind)]
        for row in runs[0] if len(runs) == 1 else heapq.merge(*runs):
            uri, i = parse_row(row)
            if uri not in exclude:
                e = self._files[uri][i]
                yield e.name.lower(), uri, e
