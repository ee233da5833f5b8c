"""The LSP edge: offsets <-> LSP positions, ranges and locations, in the session's encoding.

Everything below the server works with code-point offsets into the Python
``str``; everything on the wire uses LSP positions (``character`` counted in the
negotiated encoding). This module is the only place that converts between
them (``tests/test_layering.py`` checks that no other module does).

A handler asks its session for ``session.positions(snapshot)`` (a ``Positions``:
every document of one request, by uri) and then, per document, for a
``DocumentPositions`` (``offset``/``offsets`` in, ``position``/``range``/
``location`` out).

Seam for embedded documents: a document whose text lies inside another one
(a MeTTa region inside a Rholang string literal) implements ``EmbeddedDocument``
(``host_uri``, ``to_host``, ``from_host``). The session's ``embedded`` lookup
returns it for the embedded document's uri; its ``DocumentPositions`` then
converts through the host, so its ranges and locations come out in the host's
uri and coordinates and features never learn about the wire.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from rholang_lsp.features.legend import REGISTRY_SCHEME, T_COMMENT, T_STRING, SemToken
from rholang_lsp.protocol.lsp import (
    DiagnosticRelatedInformation,
    Location,
    LspDiagnostic,
    Position,
    Range,
)
from rholang_lsp.syntax.line_index import UTF16, UTF32, LineIndex

if TYPE_CHECKING:
    from rholang_lsp.syntax.diagnostic import Diagnostic
    from rholang_lsp.workspace.documents import TextDocument
    from rholang_lsp.workspace.snapshot import Snapshot


class LineMap(Protocol):
    """Offset -> (line, character) of one text (``LineIndex``, a summary's ``CompactLineMap``)."""

    def position(self, offset: int, encoding: str = ...) -> tuple[int, int]: ...


class EmbeddedDocument(Protocol):
    """A document embedded in another one (its host): the seam for virtual documents.

    ``to_host(offset)``: an offset in this document's text -> the offset of the same
    character in the host's text. ``from_host(offset)``: the reverse (clamped into the
    region when the host offset lies outside it).
    """

    @property
    def host_uri(self) -> str: ...

    def to_host(self, offset: int) -> int: ...

    def from_host(self, offset: int) -> int: ...


#: The embedded document named by a uri (None: the uri is an ordinary document).
EmbeddedLookup = Callable[[str], "EmbeddedDocument | None"]


def no_embedded(uri: str) -> EmbeddedDocument | None:
    return None


class DocumentPositions:
    """Conversions of one document in one encoding. ``uri`` is where its positions
    live on the wire (for an embedded document: its host's uri)."""

    __slots__ = ("uri", "encoding", "_lines", "_index", "_load_index")

    def __init__(
        self,
        uri: str,
        encoding: str,
        lines: LineMap | None,
        index: LineIndex | None = None,
        load_index: Callable[[], LineIndex | None] | None = None,
    ) -> None:
        self.uri = uri
        self.encoding = encoding
        self._index = index
        self._lines: LineMap | None = lines if lines is not None else index
        self._load_index = load_index

    def _full_index(self) -> LineIndex | None:
        if self._index is None and self._load_index is not None:
            self._index = self._load_index()
            self._load_index = None
            if self._lines is None:
                self._lines = self._index
        return self._index

    # ---------------------------------------------------------------- out (offsets -> wire)
    def position(self, offset: int) -> Position:
        lines = self._lines
        if lines is None:
            lines = self._full_index()
            if lines is None:
                return Position(0, 0)
        line, character = lines.position(offset, self.encoding)
        return Position(line, character)

    def range(self, start: int, end: int) -> Range:
        return Range(self.position(start), self.position(max(start, end)))

    def location(self, start: int, end: int) -> Location:
        return Location(self.uri, self.range(start, end))

    # ---------------------------------------------------------------- in (wire -> offsets)
    def offset(self, position: Position) -> int:
        """The offset of ``position`` (clamped into the text, see ``LineIndex``)."""
        index = self._full_index()
        if index is None:
            return 0
        return index.offset(position.line, position.character, self.encoding)

    def offsets(self, rng: Range) -> tuple[int, int]:
        """The offsets of ``rng``, in order (a reversed range is swapped)."""
        s = self.offset(rng.start)
        e = self.offset(rng.end)
        return (s, e) if s <= e else (e, s)

    @property
    def line_index(self) -> LineIndex | None:
        """The document's full line index (None for a closed file known only by its summary)."""
        return self._full_index()

    def units(self, text: str) -> int:
        """Length of ``text`` in this document's code units (offsets into a label)."""
        return units(text, self.encoding)

    def semantic_tokens(self, tokens: list[SemToken], *, multiline: bool = False) -> list[int]:
        """The LSP relative encoding of ``tokens`` (absolute offsets, in document order)."""
        index = self._full_index()
        if index is None:
            return []
        return encode_semantic_tokens(index, tokens, self.encoding, multiline=multiline)


class EmbeddedPositions(DocumentPositions):
    """An embedded document's conversions: through its host's, in the host's coordinates."""

    __slots__ = ("host", "embedded")

    def __init__(self, host: DocumentPositions, embedded: EmbeddedDocument) -> None:
        super().__init__(host.uri, host.encoding, None)
        self.host = host
        self.embedded = embedded

    def position(self, offset: int) -> Position:
        return self.host.position(self.embedded.to_host(offset))

    def offset(self, position: Position) -> int:
        return self.embedded.from_host(self.host.offset(position))

    @property
    def line_index(self) -> LineIndex | None:
        return None  # its lines are the host's: convert through position/offset


class Positions:
    """The conversions of one request: any document by uri, in the session's encoding.

    Open documents convert with their ``LineIndex``; closed files (with a snapshot)
    with their summary's compact line map, and positions coming in for a closed file
    with the line index of the text the snapshot reads. Embedded documents convert
    through their host.
    """

    __slots__ = ("encoding", "_documents", "_snapshot", "_embedded", "_cache")

    def __init__(
        self,
        encoding: str,
        documents: Mapping[str, TextDocument],
        snapshot: Snapshot | None = None,
        embedded: EmbeddedLookup = no_embedded,
    ) -> None:
        self.encoding = encoding
        self._documents = documents
        self._snapshot = snapshot
        self._embedded = embedded
        self._cache: dict[str, DocumentPositions | None] = {}

    def document(self, uri: str) -> DocumentPositions | None:
        """The conversions of ``uri`` (None: not open, not in the snapshot, not readable)."""
        cache = self._cache
        if uri in cache:
            return cache[uri]
        out = self._make(uri, 0)
        cache[uri] = out
        return out

    def _make(self, uri: str, depth: int) -> DocumentPositions | None:
        doc = self._documents.get(uri)
        if doc is not None:
            return DocumentPositions(uri, self.encoding, None, doc.line_index)
        embedded = self._embedded(uri)
        if embedded is not None and depth < 8:
            host = self._make(embedded.host_uri, depth + 1)
            return EmbeddedPositions(host, embedded) if host is not None else None
        if uri.startswith(REGISTRY_SCHEME + ":"):  # the server's own read-only description
            from rholang_lsp.features.registry_document import registry_document

            reg = registry_document(uri)
            return (
                DocumentPositions(uri, self.encoding, None, LineIndex(reg.text))
                if reg is not None
                else None
            )
        snap = self._snapshot
        if snap is None:
            return None
        lines = snap.line_map(uri)  # the snapshot's index covers every root of the session
        if lines is None:
            return None

        def load() -> LineIndex | None:
            a = snap.analysis(uri)
            return LineIndex(a.text) if a is not None else None

        return DocumentPositions(uri, self.encoding, lines, load_index=load)

    def location(self, uri: str, start: int, end: int) -> Location | None:
        doc = self.document(uri)
        return doc.location(start, end) if doc is not None else None

    def locations(self, spans: Iterable[tuple[str, int, int]]) -> list[Location]:
        """``(uri, start, end)`` spans as locations (spans of unknown documents dropped)."""
        out: list[Location] = []
        for uri, start, end in spans:
            doc = self.document(uri)
            if doc is not None:
                out.append(doc.location(start, end))
        return out

    def diagnostic(self, diag: Diagnostic, uri: str) -> LspDiagnostic | None:
        """One ``Diagnostic`` of ``uri`` (offsets) as an LSP diagnostic (related
        information in other documents resolved by their uri; unknown ones at 0:0)."""
        doc = self.document(uri)
        if doc is None:
            return None
        out = LspDiagnostic(
            range=doc.range(diag.start, diag.end),
            message=diag.message,
            severity=int(diag.severity),
            code=diag.code,
            source=diag.source,
        )
        if diag.related:
            related: list[DiagnosticRelatedInformation] = []
            for rel in diag.related:
                rel_doc = doc if rel.uri is None or rel.uri == uri else self.document(rel.uri)
                if rel_doc is None:
                    loc = Location(rel.uri or uri, Range(Position(0, 0), Position(0, 0)))
                else:
                    loc = rel_doc.location(rel.start, rel.end)
                related.append(DiagnosticRelatedInformation(loc, rel.message))
            out.relatedInformation = related
        if diag.tags:
            out.tags = [int(t) for t in diag.tags]
        if diag.data is not None:
            out.data = diag.data
        return out


def foreign_offsets(
    index: LineIndex,
    start_line: int,
    start_column: int,
    end_line: int,
    end_column: int,
    units: str,
) -> tuple[int, int]:
    """Offsets of a range another program reported in its own column ``units`` (a node's
    UTF-16 code units or UTF-8 bytes: not the client's encoding), clamped to the text."""
    start = index.offset(start_line, start_column, units)
    end = index.offset(end_line, end_column, units)
    return (start, end) if start <= end else (end, start)


def units(text: str, encoding: str = UTF16) -> int:
    """Length of ``text`` in code units of ``encoding`` (e.g. offsets into a signature label)."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text.encode("utf-8", "surrogatepass"))


def encode_semantic_tokens(
    index: LineIndex, tokens: list[SemToken], encoding: str, *, multiline: bool = False
) -> list[int]:
    """LSP relative encoding of absolute tokens; multi-line tokens are split per line
    unless the client supports them. Tokens must be in document order."""
    text = index.text
    data: list[int] = []
    extend = data.extend
    find = text.find
    n_lines = index.line_count
    eof_next = len(text) + 1
    prev_line = prev_char = 0
    line = 0
    line_start = 0
    line_end = index.line_end(0)
    next_start = index.line_start(1) if n_lines > 1 else eof_next
    # offsets are code units when the encoding is UTF-32 or the text is ASCII; else
    # only the non-ASCII lines need encoding, and there the units up to ``cur_off``
    # (``cur_units``) carry over to the next token instead of re-encoding the prefix
    plain = encoding == "utf-32" or text.isascii()
    line_plain = plain or text[:line_end].isascii()
    cur_off = cur_units = 0
    #: token types split at line breaks (unless the client takes multi-line tokens)
    split_types = () if multiline else (T_COMMENT, T_STRING)
    for start, length, typ, mods in tokens:
        end = start + length
        if typ in split_types and (find("\n", start, end) >= 0 or find("\r", start, end) >= 0):
            segs: list[tuple[int, int]] = []
            ln = index.line_of(start)
            s = start
            while s < end:
                e = min(end, index.line_end(ln))
                if e > s:
                    segs.append((s, e))
                ln += 1
                if ln >= n_lines:
                    break
                s = index.line_start(ln)
        elif line_start <= start < next_start and line_plain and (plain or end <= line_end):
            # the common case: one segment on the current (ASCII) line
            ch = start - line_start
            if line == prev_line:
                extend((0, ch - prev_char, length, typ, mods))
            else:
                extend((line - prev_line, ch, length, typ, mods))
            prev_line, prev_char = line, ch
            continue
        else:
            segs = [(start, end)]
        for s, e in segs:
            if s >= next_start or s < line_start:
                line = index.line_of(s)
                line_start = index.line_start(line)
                line_end = index.line_end(line)
                next_start = index.line_start(line + 1) if line + 1 < n_lines else eof_next
                line_plain = plain or text[line_start:line_end].isascii()
                cur_off, cur_units = line_start, 0
            if line_plain:
                ch = s - line_start
            else:
                if s < cur_off:
                    cur_off, cur_units = line_start, 0
                ch = cur_units + units(text[cur_off:s], encoding)
                cur_off, cur_units = s, ch
            n = e - s if plain or (line_plain and e <= line_end) else units(text[s:e], encoding)
            if line == prev_line:
                extend((0, ch - prev_char, n, typ, mods))
            else:
                extend((line - prev_line, ch, n, typ, mods))
            prev_line, prev_char = line, ch
    return data


__all__ = [
    "DocumentPositions",
    "EmbeddedDocument",
    "EmbeddedLookup",
    "EmbeddedPositions",
    "encode_semantic_tokens",
    "LineMap",
    "Positions",
    "no_embedded",
    "units",
]
