"""`FileSummary`: the compact, picklable digest of one file kept by the workspace index.

A summary holds only what cross-file features need without re-reading or
re-parsing the file: the definitions of and references to *global* channels
(quoted ground names such as ``@"Registry"``), the symbols offered by
workspace/symbol, the plain top-level contract names (for the "did you mean a
quoted name" hint) and a compact line map to turn offsets into LSP positions.
Everything is tuples of frozen records: cheap to pickle (worker processes, an
on-disk cache) and cheap to merge into the index.

The records are ``msgspec.Struct``s with ``gc=False``: they hold only strings,
numbers and tuples of records, so they can never form a reference cycle, and the
cyclic garbage collector does not track them. A workspace of thousands of files
then adds almost nothing to the heap a full collection must scan (a full
collection pauses the event loop for a time proportional to that heap).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right

import msgspec

from rholang_lsp.syntax.line_index import LineIndex

# LSP SymbolKind values used by the server
SK_NAMESPACE = 3
SK_FUNCTION = 12
SK_VARIABLE = 13
SK_CONSTANT = 14


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class CompactLineMap(msgspec.Struct, frozen=True, gc=False):
    """Line starts plus the text of non-ASCII lines only.

    Answers ``position(offset, encoding)`` exactly like ``syntax.line_index.LineIndex``
    (same line terminators, same clamping) without keeping the whole text.
    """

    length: int
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    wide: tuple[tuple[int, str], ...]  # (line, line content) for non-ASCII lines

    @classmethod
    def from_text(cls, text: str) -> CompactLineMap:
        li = LineIndex(text)
        n = li.line_count
        starts, ends = li.bounds()
        wide: list[tuple[int, str]] = []
        if not text.isascii():
            for i in range(n):
                seg = text[starts[i] : ends[i]]
                if not seg.isascii():
                    wide.append((i, seg))
        return cls(len(text), starts, ends, tuple(wide))

    def spliced(self, text: str, lo: int, hi: int, delta: int) -> CompactLineMap:
        """The map of ``text``, the text this map was made of with ``[lo, hi)`` replaced by
        ``text[lo : hi + delta]``: the lines around the edit are measured again, the ones
        after it moved (equal to ``from_text(text)``, at the cost of the lines moved)."""
        starts, ends = self.starts, self.ends
        a = bisect_right(starts, lo) - 1
        b = bisect_right(starts, hi) - 1
        if a < 0 or b < a or ends[b] < hi:
            return CompactLineMap.from_text(text)
        if a > 0:
            # the line before is measured again too: text inserted at the start of line a
            # can join that line's terminator (a `\r` then an inserted `\n` is one CRLF)
            a -= 1
        seg_start, seg_end = starts[a], ends[b] + delta
        seg = text[seg_start:seg_end]
        li = LineIndex(seg)
        mid = range(li.line_count)
        mid_starts = tuple(seg_start + li.line_start(i) for i in mid)
        mid_ends = tuple(seg_start + li.line_end(i) for i in mid)
        new_starts = starts[:a] + mid_starts + tuple(x + delta for x in starts[b + 1 :])
        new_ends = ends[:a] + mid_ends + tuple(x + delta for x in ends[b + 1 :])
        dl = len(mid_starts) - (b - a + 1)
        wide = [w for w in self.wide if w[0] < a]
        if not seg.isascii():
            for i, (s0, e0) in enumerate(zip(mid_starts, mid_ends, strict=True)):
                line = text[s0:e0]
                if not line.isascii():
                    wide.append((a + i, line))
        wide.extend((ln + dl, seg_) for ln, seg_ in self.wide if ln > b)
        return CompactLineMap(len(text), new_starts, new_ends, tuple(wide))

    def position(self, offset: int, encoding: str = "utf-16") -> tuple[int, int]:
        offset = min(max(offset, 0), self.length)
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        offset = min(offset, self.ends[line])
        if encoding == "utf-32" or not self.wide:
            return line, offset - start
        for ln, seg in self.wide:
            if ln == line:
                part = seg[: offset - start]
                if encoding == "utf-16":
                    return line, len(part.encode("utf-16-le", "surrogatepass")) // 2
                return line, len(part.encode("utf-8", "surrogatepass"))
        return line, offset - start

    def range(
        self, start: int, end: int, encoding: str = "utf-16"
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        return self.position(start, encoding), self.position(end, encoding)


class GlobalContract(msgspec.Struct, frozen=True, gc=False):
    """A contract on a quoted ground name, e.g. ``contract @"Registry"(x) = {..}``."""

    key: str  # canonical quoted text: `@"Registry"`
    name_start: int  # text between the quotes
    name_end: int
    start: int  # whole contract
    end: int
    arity: int
    remainder: bool
    literals: tuple[str | None, ...]  # canonical literal pattern per formal, or None
    signature: str
    doc_markdown: str | None = None

    def accepts_arity(self, n: int) -> bool:
        return n == self.arity or (self.remainder and n >= self.arity)


class GlobalRef(msgspec.Struct, frozen=True, gc=False):
    """An occurrence of a quoted ground name (a send, receive, contract name or argument)."""

    key: str
    start: int
    end: int
    is_def: bool = False  # the name of a contract


class SymbolEntry(msgspec.Struct, frozen=True, gc=False):
    """A symbol offered by workspace/symbol."""

    name: str
    kind: int  # LSP SymbolKind
    start: int  # selection range (identifier)
    end: int
    container: str | None = None


class PlainContract(msgspec.Struct, frozen=True, gc=False):
    """A contract whose name is a plain identifier that is free in its file."""

    name: str
    name_start: int
    name_end: int
    arity: int


class ContractSpan(msgspec.Struct, frozen=True, gc=False):
    """A contract of the file (any name): where its calls come from (call hierarchy)."""

    name: str  # as written (`@"Registry"` for a quoted name)
    name_start: int
    name_end: int
    start: int  # whole contract
    end: int
    signature: str


class GlobalCall(msgspec.Struct, frozen=True, gc=False):
    """A send on a quoted ground name, with the contract it is written in."""

    key: str
    start: int  # the channel
    end: int
    arity: int
    caller: int = -1  # index into ``FileSummary.callers`` (-1: outside every contract)


class FileSummary(msgspec.Struct, frozen=True, gc=False):
    uri: str
    content_hash: str
    lines: CompactLineMap
    contracts: tuple[GlobalContract, ...] = ()
    refs: tuple[GlobalRef, ...] = ()
    symbols: tuple[SymbolEntry, ...] = ()
    plain_contracts: tuple[PlainContract, ...] = ()
    version: int | None = None  # editor version when built from an open document
    callers: tuple[ContractSpan, ...] = ()
    calls: tuple[GlobalCall, ...] = ()
