"""A region (one or more Rholang string literals joined by ``++``) and its virtual text.

The virtual text is the literals' content with the Rholang escapes decoded (``\\"`` and
``\\\\`` are one character of the embedded language), a :data:`HOLE_CHAR` standing for
each non-literal operand of the concatenation. :class:`OffsetMap` converts offsets both
ways exactly: every virtual character knows the parent range it came from (two
characters for an escape), so multi-line literals and non-ASCII text need nothing
special (positions are made from parent offsets by the parent's line index).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Final

from rholang_lsp.syntax.metta import HOLE_CHAR

_DECODE: Final = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class Region:
    """``parts``: parent ranges of the string literal tokens (quotes included), in order;
    ``holes``: for each gap between two literals, the parent range of the operands
    spliced there (None when two literals are joined directly); ``kind``: how it was
    found (``"directive"``, ``"channel"``, ``"flow"``); ``language``: ``"metta"``."""

    parts: tuple[tuple[int, int], ...]
    holes: tuple[tuple[int, int] | None, ...]
    kind: str
    language: str = "metta"

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    def key(self, text: str) -> tuple[object, ...]:
        """Everything the virtual text and its map depend on, relative to the region's
        start: equal keys mean the same MeTTa and the same map shifted by the difference
        of the starts (an edit outside the region moves it, nothing more)."""
        base = self.parts[0][0]
        return (
            tuple((s - base, text[s:e]) for s, e in self.parts),
            tuple(None if h is None else (h[0] - base, h[1] - base) for h in self.holes),
            self.language,
        )


class OffsetMap:
    """Virtual offsets <-> parent offsets for one region."""

    __slots__ = ("text", "base", "_ps", "_pe", "_hole", "_contents")

    def __init__(
        self,
        text: str,
        ps: list[int],
        pe: list[int],
        hole: list[bool],
        contents: list[tuple[int, int, int]],
        base: int = 0,
    ) -> None:
        self.text = text
        #: added to every stored parent offset (a map reused after the region moved)
        self.base = base
        self._ps = ps  # parent start of each virtual character (before ``base``)
        self._pe = pe  # parent end of each virtual character
        self._hole = hole
        #: per literal part: (parent content start, parent content end, virtual end)
        self._contents = contents

    def shifted(self, delta: int) -> OffsetMap:
        """The same map for the region moved by ``delta`` in the parent (shares the tables)."""
        return OffsetMap(
            self.text, self._ps, self._pe, self._hole, self._contents, self.base + delta
        )

    @property
    def parent_start(self) -> int:
        return self._contents[0][0] - 1 + self.base

    @property
    def hole_offsets(self) -> list[int]:
        return [i for i, h in enumerate(self._hole) if h]

    def contains_parent(self, p: int) -> bool:
        """Whether parent offset ``p`` is inside a literal's content (its closing quote
        position included: a cursor right after the last character)."""
        p -= self.base
        return any(cs <= p <= ce for cs, ce, _ in self._contents)

    def to_virtual(self, p: int) -> int | None:
        """The virtual offset of parent offset ``p`` (None: not in the region's content)."""
        p -= self.base
        for cs, ce, vend in self._contents:
            if cs <= p <= ce:
                if p == ce:
                    return vend
                i = bisect_right(self._ps, p) - 1
                return max(i, 0)
        return None

    def to_parent(self, v: int) -> int:
        """The parent offset of virtual offset ``v`` (a position between characters)."""
        n = len(self._ps)
        if v <= 0:
            return self._contents[0][0] + self.base
        if v >= n:
            return self._contents[-1][1] + self.base
        if self._hole[v] and not self._hole[v - 1]:
            return self._pe[v - 1] + self.base  # the end of the literal before the hole
        return self._ps[v] + self.base

    def range_to_parent(self, vs: int, ve: int) -> tuple[int, int]:
        """The parent range of the virtual range ``[vs, ve)``: from the first character's
        source to the last one's (a range ending at a literal's end stays in it)."""
        if ve > vs and vs >= 0 and ve <= len(self._ps):
            return self._ps[vs] + self.base, self._pe[ve - 1] + self.base
        p = self.to_parent(vs)
        return p, p


def virtual_text(parent: str, region: Region) -> OffsetMap:
    """Decode ``region``'s literals from ``parent`` into a virtual text and its map."""
    chars: list[str] = []
    ps: list[int] = []
    pe: list[int] = []
    hole: list[bool] = []
    contents: list[tuple[int, int, int]] = []
    for idx, (s, e) in enumerate(region.parts):
        gap = region.holes[idx - 1] if 0 < idx <= len(region.holes) else None
        if gap is not None:
            hs, he = gap
            chars.append(HOLE_CHAR)
            ps.append(hs)
            pe.append(he)
            hole.append(True)
        lit = parent[s:e]
        closed = len(lit) >= 2 and lit.endswith('"') and not _escaped_end(lit)
        cs = s + 1
        ce = e - 1 if closed else e
        i = cs
        while i < ce:
            ch = parent[i]
            if ch == "\\" and i + 1 < ce:
                nxt = parent[i + 1]
                dec = _DECODE.get(nxt)
                if dec is not None:
                    chars.append(dec)
                    ps.append(i)
                    pe.append(i + 2)
                    hole.append(False)
                    i += 2
                    continue
            chars.append(ch)
            ps.append(i)
            pe.append(i + 1)
            hole.append(False)
            i += 1
        contents.append((cs, ce, len(chars)))
    return OffsetMap("".join(chars), ps, pe, hole, contents)


def _escaped_end(t: str) -> bool:
    n = 0
    i = len(t) - 2
    while i >= 1 and t[i] == "\\":
        n += 1
        i -= 1
    return n % 2 == 1
