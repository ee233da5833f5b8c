"""Open text documents: full and incremental changes applied exactly.

Positions in changes are LSP positions in the session's position encoding;
the text is a Python ``str`` and ranges elsewhere are code-point offsets.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any, Final

from rholang_lsp.syntax.line_index import UTF16, LineIndex

#: ``(start, end, new_text)``: ``text[start:end] = new_text``, offsets (code points) into the
#: text as it was just before this edit.
Edit = tuple[int, int, str]
#: ``(document serial, edit sequence number)``: identifies one text of one ``TextDocument``.
Revision = tuple[int, int]

#: Incremental edits remembered per document (a sliding window); an analysis older than the
#: window is redone with a full parse.
MAX_EDIT_LOG: Final = 32

#: Open documents longer than this (characters) are kept but not analysed: parse and
#: bind take about 2 s per million characters (``--max-document-bytes``).
DEFAULT_MAX_DOCUMENT_CHARS: Final = 2 * 1024 * 1024

_serials = itertools.count(1)


class TextDocument:
    """One open document (``uri``, ``version``, ``text``, ``language_id``).

    It also keeps an **edit log** for incremental reparsing: every text change
    bumps a sequence number; ranged edits are remembered as offset ``Edit``s
    (the last ``MAX_EDIT_LOG`` of them), a full replacement clears the log.
    ``revision`` names the current text; ``edits_since(rev)`` returns the edits
    that turn the text of ``rev`` into the current one (None when unknown). The
    analysis cache stores the revision it analysed and replays the edits with
    ``syntax.reparse``.
    """

    __slots__ = (
        "uri",
        "language_id",
        "version",
        "_text",
        "_index",
        "_serial",
        "_seq",
        "_log",
        "_log_start",
    )

    def __init__(self, uri: str, text: str, version: int = 0, language_id: str = "rholang") -> None:
        self.uri = uri
        self.language_id = language_id
        self.version = version
        self._text = text
        self._index: LineIndex | None = None
        self._serial = next(_serials)  # tells apart two documents opened on the same uri
        self._seq = 0
        # _log[i] turns text number _log_start + i into number _log_start + i + 1
        self._log: list[Edit] = []
        self._log_start = 0

    @property
    def text(self) -> str:
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        """Replace the whole text (a full change: the edit log restarts here)."""
        self._text = value
        self._index = None
        self._seq += 1
        self._log = []
        self._log_start = self._seq

    @property
    def last_edit_end(self) -> int | None:
        """Where the last ranged edit ended (the editor's cursor after typing), or None after
        an open or a full change."""
        if not self._log or self._log_start + len(self._log) != self._seq:
            return None
        start, _end, new_text = self._log[-1]
        return start + len(new_text)

    @property
    def revision(self) -> Revision:
        return (self._serial, self._seq)

    def edits_since(self, revision: Revision) -> list[Edit] | None:
        """The edits from the text of ``revision`` to the current text, in order.

        ``[]`` when ``revision`` is current; None when it is not one of this
        document's or lies before the remembered window (or a full change).
        """
        serial, seq = revision
        if serial != self._serial or seq > self._seq or seq < self._log_start:
            return None
        return self._log[seq - self._log_start :]

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
        self.replace(start, end, new_text)

    def replace(self, start: int, end: int, new_text: str) -> None:
        """Replace ``text[start:end]`` (offsets, clamped; reversed ranges swapped): the
        server's path, after the LSP edge converted the change's range."""
        n = len(self._text)
        start = min(max(start, 0), n)
        end = min(max(end, 0), n)
        if end < start:
            start, end = end, start
        old = self._text
        self._text = old[:start] + new_text + old[end:]
        self._index = None
        self._seq += 1
        log = self._log
        log.append((start, end, new_text))
        if len(log) > MAX_EDIT_LOG:
            del log[0]
            self._log_start += 1

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
