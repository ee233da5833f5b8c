"""Offsets <-> LSP positions at the server boundary, in the session's encoding.

Everything below the server works with code-point offsets into the Python
``str``; everything on the wire uses LSP positions. This module is the only
place that converts diagnostics and ranges.
"""

from __future__ import annotations

from collections.abc import Callable

from rholang_lsp.protocol.lsp import (
    DiagnosticRelatedInformation,
    Location,
    LspDiagnostic,
    Position,
    Range,
)
from rholang_lsp.syntax.diagnostic import Diagnostic
from rholang_lsp.syntax.line_index import UTF16, LineIndex


def to_position(index: LineIndex, offset: int, encoding: str = UTF16) -> Position:
    line, character = index.position(offset, encoding)
    return Position(line, character)


def to_range(index: LineIndex, start: int, end: int, encoding: str = UTF16) -> Range:
    return Range(to_position(index, start, encoding), to_position(index, max(start, end), encoding))


def to_offset(index: LineIndex, position: Position, encoding: str = UTF16) -> int:
    return index.offset(position.line, position.character, encoding)


def to_offsets(index: LineIndex, rng: Range, encoding: str = UTF16) -> tuple[int, int]:
    start = to_offset(index, rng.start, encoding)
    end = to_offset(index, rng.end, encoding)
    return (start, end) if start <= end else (end, start)


def to_lsp_diagnostic(
    diag: Diagnostic,
    index: LineIndex,
    uri: str,
    encoding: str = UTF16,
    index_of: Callable[[str], LineIndex | None] | None = None,
) -> LspDiagnostic:
    """One ``Diagnostic`` (offsets) as an LSP diagnostic.

    ``index_of(uri)`` resolves the line index of other documents named by
    related information; when unknown, their range is 0:0.
    """
    out = LspDiagnostic(
        range=to_range(index, diag.start, diag.end, encoding),
        message=diag.message,
        severity=int(diag.severity),
        code=diag.code,
        source=diag.source,
    )
    if diag.related:
        related: list[DiagnosticRelatedInformation] = []
        for rel in diag.related:
            rel_uri = rel.uri or uri
            rel_index = (
                index
                if rel.uri is None or rel.uri == uri
                else (index_of(rel_uri) if index_of else None)
            )
            if rel_index is None:
                rng = Range(Position(0, 0), Position(0, 0))
            else:
                rng = to_range(rel_index, rel.start, rel.end, encoding)
            related.append(DiagnosticRelatedInformation(Location(rel_uri, rng), rel.message))
        out.relatedInformation = related
    if diag.tags:
        out.tags = [int(t) for t in diag.tags]
    if diag.data is not None:
        out.data = diag.data
    return out
