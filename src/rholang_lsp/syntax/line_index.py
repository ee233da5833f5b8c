"""Offsets (Python ``str`` code points) <-> LSP positions (line, character).

``character`` is counted in the session's position encoding: ``"utf-16"``
(LSP default), ``"utf-8"`` or ``"utf-32"`` (= code points). Line ends are
``\\r\\n``, ``\\r`` or ``\\n`` (as LSP defines them). Out-of-range positions are
clamped: a line past the end maps to the end of the text, a character past
the end of its line maps to the end of that line (before its terminator), and
a character inside a multi-unit code point maps to the start of that code point.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final, Literal

PositionEncoding = Literal["utf-16", "utf-8", "utf-32"]

UTF16: Final = "utf-16"
UTF8: Final = "utf-8"
UTF32: Final = "utf-32"
SUPPORTED_ENCODINGS: Final[tuple[PositionEncoding, ...]] = ("utf-16", "utf-8", "utf-32")

_NEWLINE: Final = re.compile(r"\r\n|\r|\n")


def _units(segment: str, encoding: str) -> int:
    """Length of ``segment`` in code units of ``encoding``."""
    if encoding == UTF32 or segment.isascii():
        return len(segment)
    if encoding == UTF16:
        return len(segment.encode("utf-16-le", "surrogatepass")) // 2
    return len(segment.encode("utf-8", "surrogatepass"))


def _char_units(ch: str, encoding: str) -> int:
    cp = ord(ch)
    if encoding == UTF16:
        return 2 if cp > 0xFFFF else 1
    if encoding == UTF8:
        return 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
    return 1


class LineIndex:
    """Line starts of one text, for position conversion in O(log lines)."""

    __slots__ = ("text", "_starts", "_ends", "_ascii")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends: list[int] = []
        if "\r" in text:
            for m in _NEWLINE.finditer(text):
                ends.append(m.start())
                starts.append(m.end())
        else:
            find = text.find
            i = find("\n")
            while i >= 0:
                ends.append(i)
                starts.append(i + 1)
                i = find("\n", i + 1)
        ends.append(len(text))
        self._starts = starts
        self._ends = ends  # content end of each line (before its terminator)
        self._ascii: dict[int, bool] = {}

    def bounds(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The start and the content end of every line."""
        return tuple(self._starts), tuple(self._ends)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return self._starts[line]

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line``'s content (excluding the line terminator)."""
        return self._ends[line]

    def _is_ascii(self, line: int) -> bool:
        cached = self._ascii.get(line)
        if cached is None:
            cached = self.text[self._starts[line] : self._ends[line]].isascii()
            self._ascii[line] = cached
        return cached

    def line_of(self, offset: int) -> int:
        """Line containing ``offset`` (clamped into the text)."""
        offset = min(max(offset, 0), len(self.text))
        return bisect_right(self._starts, offset) - 1

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """``(line, character)`` of ``offset``; offsets inside a CRLF map to the line end."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        offset = min(offset, self._ends[line])
        if encoding == UTF32 or self._is_ascii(line):
            return line, offset - start
        return line, _units(self.text[start:offset], encoding)

    def offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Offset of an LSP position, clamped (see module docstring)."""
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self.text)
        start = self._starts[line]
        end = self._ends[line]
        if character <= 0:
            return start
        if encoding == UTF32 or self._is_ascii(line):
            return min(start + character, end)
        units = 0
        text = self.text
        for i in range(start, end):
            units += _char_units(text[i], encoding)
            if units > character:
                return i
            if units == character:
                return i + 1
        return end
