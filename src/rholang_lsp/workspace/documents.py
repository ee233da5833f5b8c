"""Open text documents: full and incremental changes applied exactly.

Positions in changes are LSP positions in the session's position encoding;
the text is a Python ``str`` and ranges elsewhere are code-point offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rholang_lsp.syntax.line_index import UTF16, LineIndex


class TextDocument:
    """One open document (``uri``, ``version``, ``text``, ``language_id``)."""

    __slots__ = ("uri", "language_id", "version", "_text", "_index")

    def __init__(self, uri: str, text: str, version: int = 0, language_id: str = "rholang") -> None:
        self.uri = uri
        self.language_id = language_id
        self.version = version
        self._text = text
        self._index: LineIndex | None = None

    @property
    def text(self) -> str:
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text = value
        self._index = None

    @property
    def line_index(self) -> LineIndex:
        """The line index of the current text (built lazily, cached until the next change)."""
        index = self._index
        if index is None:
            index = self._index = LineIndex(self._text)
        return index

    def offset_at(self, line: int, character: int, encoding: str = UTF16) -> int:
        return self.line_index.offset(line, character, encoding)

    def apply_change(self, change: Mapping[str, Any], encoding: str = UTF16) -> None:
        """Apply one ``TextDocumentContentChangeEvent`` (full when it has no ``range``)."""
        new_text = change["text"]
        if not isinstance(new_text, str):
            raise TypeError("change.text must be a string")
        rng = change.get("range")
        if rng is None:
            self.text = new_text
            return
        start, end = rng["start"], rng["end"]
        self.apply_edit(
            int(start["line"]),
            int(start["character"]),
            int(end["line"]),
            int(end["character"]),
            new_text,
            encoding,
        )

    def apply_edit(
        self,
        start_line: int,
        start_character: int,
        end_line: int,
        end_character: int,
        new_text: str,
        encoding: str = UTF16,
    ) -> None:
        """Replace the range (LSP positions in ``encoding``, clamped; reversed ranges swapped)."""
        index = self.line_index
        start = index.offset(start_line, start_character, encoding)
        end = index.offset(end_line, end_character, encoding)
        if end < start:
            start, end = end, start
        old = self._text
        self.text = old[:start] + new_text + old[end:]

    def apply_changes(
        self,
        changes: Iterable[Mapping[str, Any]],
        version: int | None = None,
        encoding: str = UTF16,
    ) -> None:
        """Apply changes in order (each relative to the result of the previous one)."""
        for change in changes:
            self.apply_change(change, encoding)
        if version is not None:
            self.version = version

    def __repr__(self) -> str:
        return f"TextDocument({self.uri!r}, version={self.version}, {len(self._text)} chars)"
