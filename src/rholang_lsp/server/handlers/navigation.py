"""Navigation handlers: definition, declaration, references, rename (+prepare),
documentHighlight, hover, documentSymbol, workspace/symbol (+resolve).

Thin: decode params, convert the position to an offset with the document's
``LineIndex`` in the session's encoding, call the pure feature function on a
``Snapshot``, convert offset ranges back (open documents through their
``LineIndex``, closed files through their summary's compact line map).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import msgspec

from rholang_lsp.features.definition import declaration, definition
from rholang_lsp.features.highlight import document_highlights
from rholang_lsp.features.hover import hover
from rholang_lsp.features.navigation import Location
from rholang_lsp.features.references import references
from rholang_lsp.features.rename import RenameError, prepare_rename, rename
from rholang_lsp.features.symbols import DocSymbol, document_symbols, workspace_symbols
from rholang_lsp.protocol.lsp import Position, TextDocumentIdentifier, TextDocumentPositionParams
from rholang_lsp.protocol.messages import REQUEST_FAILED, ResponseError
from rholang_lsp.server.indexing import session_snapshot
from rholang_lsp.server.markup import HOVER, markup
from rholang_lsp.server.registry import request
from rholang_lsp.server.session import Session
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.documents import TextDocument
from rholang_lsp.workspace.snapshot import Snapshot


class ReferenceContext(msgspec.Struct):
    includeDeclaration: bool = True


class ReferenceParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    position: Position
    context: ReferenceContext = msgspec.field(default_factory=ReferenceContext)


class RenameParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    position: Position
    newName: str


class DocumentSymbolParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier


class WorkspaceSymbolParams(msgspec.Struct):
    query: str = ""


class _Positions(Protocol):
    def position(self, offset: int, encoding: str = ...) -> tuple[int, int]: ...


def snapshot(session: Session, uri: str | None = None) -> Snapshot:
    """The session's open documents over the shared workspace index of ``uri``'s root."""
    return session_snapshot(session, uri)


def _offset(session: Session, uri: str, pos: Position, snap: Snapshot | None = None) -> int | None:
    """The offset of ``pos`` in ``uri``: an open document, else (with ``snap``) the file
    as the snapshot's loader reads it (only under the session's workspace folders)."""
    doc = session.documents.get(uri)
    if doc is not None:
        return doc.line_index.offset(pos.line, pos.character, session.position_encoding)
    analysis = snap.analysis(uri) if snap is not None else None
    if analysis is None:
        return None
    return LineIndex(analysis.text).offset(pos.line, pos.character, session.position_encoding)


def _open_position(
    session: Session, params: TextDocumentPositionParams
) -> tuple[str, TextDocument, int] | None:
    """The uri, open document and offset of a position request (None: not open)."""
    uri = params.textDocument.uri
    off = _offset(session, uri, params.position)
    doc = session.documents.get(uri)
    if off is None or doc is None:
        return None
    return uri, doc, off


def _positions(session: Session, snap: Snapshot, uri: str) -> _Positions | None:
    doc = session.documents.get(uri)
    if doc is not None:
        return doc.line_index
    summary = snap.summary(uri)  # the snapshot's index covers every root of the session
    if summary is not None:
        return summary.lines
    return snap.line_map(uri)


def _range(conv: _Positions, start: int, end: int, enc: str) -> dict[str, Any]:
    sl, sc = conv.position(start, enc)
    el, ec = conv.position(max(start, end), enc)
    return {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}


def _locations(session: Session, snap: Snapshot, locs: list[Location]) -> list[dict[str, Any]]:
    enc = session.position_encoding
    out = []
    convs: dict[str, _Positions | None] = {}
    for loc in locs:
        if loc.uri not in convs:
            convs[loc.uri] = _positions(session, snap, loc.uri)
        conv = convs[loc.uri]
        if conv is not None:
            out.append({"uri": loc.uri, "range": _range(conv, loc.start, loc.end, enc)})
    return out


def _goto(
    session: Session,
    params: TextDocumentPositionParams,
    find: Callable[[Snapshot, str, int], list[Location]],
) -> list[dict[str, Any]] | None:
    """Definition/declaration: the locations ``find`` gives for the position (None: none)."""
    uri = params.textDocument.uri
    snap = snapshot(session, uri)
    off = _offset(session, uri, params.position, snap)
    if off is None:
        return None
    return _locations(session, snap, find(snap, uri, off)) or None


@request(
    "textDocument/definition",
    params=TextDocumentPositionParams,
    capabilities={"definitionProvider": True},
)
def on_definition(
    session: Session, params: TextDocumentPositionParams
) -> list[dict[str, Any]] | None:
    return _goto(session, params, definition)


@request(
    "textDocument/declaration",
    params=TextDocumentPositionParams,
    capabilities={"declarationProvider": True},
)
def on_declaration(
    session: Session, params: TextDocumentPositionParams
) -> list[dict[str, Any]] | None:
    return _goto(session, params, declaration)


@request(
    "textDocument/references", params=ReferenceParams, capabilities={"referencesProvider": True}
)
def on_references(session: Session, params: ReferenceParams) -> list[dict[str, Any]] | None:
    uri = params.textDocument.uri
    snap = snapshot(session, uri)
    off = _offset(session, uri, params.position, snap)
    if off is None:
        return None
    locs = references(snap, uri, off, include_declaration=params.context.includeDeclaration)
    return _locations(session, snap, locs)


@request(
    "textDocument/documentHighlight",
    params=TextDocumentPositionParams,
    capabilities={"documentHighlightProvider": True},
)
def on_highlight(
    session: Session, params: TextDocumentPositionParams
) -> list[dict[str, Any]] | None:
    at = _open_position(session, params)
    if at is None:
        return None
    uri, doc, off = at
    enc = session.position_encoding
    return [
        {"range": _range(doc.line_index, h.start, h.end, enc), "kind": h.kind}
        for h in document_highlights(snapshot(session, uri), uri, off)
    ]


@request(
    "textDocument/hover", params=TextDocumentPositionParams, capabilities={"hoverProvider": True}
)
def on_hover(session: Session, params: TextDocumentPositionParams) -> dict[str, Any] | None:
    at = _open_position(session, params)
    if at is None:
        return None
    uri, doc, off = at
    h = hover(snapshot(session, uri), uri, off)
    if h is None:
        return None
    return {
        "contents": markup(session, h.markdown, HOVER),
        "range": _range(doc.line_index, h.start, h.end, session.position_encoding),
    }


@request(
    "textDocument/prepareRename",
    params=TextDocumentPositionParams,
    capabilities={"renameProvider": {"prepareProvider": True}},
)
def on_prepare_rename(
    session: Session, params: TextDocumentPositionParams
) -> dict[str, Any] | None:
    at = _open_position(session, params)
    if at is None:
        return None
    uri, doc, off = at
    p = prepare_rename(snapshot(session, uri), uri, off)
    if p is None:
        return None
    return {
        "range": _range(doc.line_index, p.start, p.end, session.position_encoding),
        "placeholder": p.placeholder,
    }


def _supports_document_changes(session: Session) -> bool:
    ws = session.client_capabilities.get("workspace")
    edit = ws.get("workspaceEdit") if isinstance(ws, dict) else None
    return bool(isinstance(edit, dict) and edit.get("documentChanges"))


@request(
    "textDocument/rename",
    params=RenameParams,
    capabilities={"renameProvider": {"prepareProvider": True}},
)
def on_rename(session: Session, params: RenameParams) -> dict[str, Any] | None:
    uri = params.textDocument.uri
    off = _offset(session, uri, params.position)
    if off is None:
        return None
    snap = snapshot(session, uri)
    try:
        edits = rename(snap, uri, off, params.newName)
    except RenameError as e:
        raise ResponseError(REQUEST_FAILED, str(e)) from None
    if not edits:
        return None
    enc = session.position_encoding
    per_file: dict[str, list[dict[str, Any]]] = {}
    for u, file_edits in sorted(edits.items()):
        conv = _positions(session, snap, u)
        if conv is None or not file_edits:
            continue
        per_file[u] = [
            {"range": _range(conv, e.start, e.end, enc), "newText": e.new_text} for e in file_edits
        ]
    if _supports_document_changes(session):
        changes = []
        for u, lsp_edits in per_file.items():
            doc = session.documents.get(u)
            version = doc.version if doc else None
            changes.append({"textDocument": {"uri": u, "version": version}, "edits": lsp_edits})
        return {"documentChanges": changes}
    return {"changes": per_file}


_SK_CAPS = {"documentSymbolProvider": True}


def _doc_symbol(d: DocSymbol, conv: _Positions, enc: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": d.name,
        "kind": d.kind,
        "range": _range(conv, d.start, d.end, enc),
        "selectionRange": _range(conv, d.sel_start, d.sel_end, enc),
    }
    if d.detail:
        out["detail"] = d.detail
    if d.children:
        out["children"] = [_doc_symbol(c, conv, enc) for c in d.children]
    return out


@request("textDocument/documentSymbol", params=DocumentSymbolParams, capabilities=_SK_CAPS)
def on_document_symbol(
    session: Session, params: DocumentSymbolParams
) -> list[dict[str, Any]] | None:
    uri = params.textDocument.uri
    doc = session.documents.get(uri)
    if doc is None:
        return None
    enc = session.position_encoding
    # the outline is built iteratively in the feature; converting it recurses only
    # as deep as binding constructs nest (bounded by the parser's nesting limit)
    return [
        _doc_symbol(d, doc.line_index, enc) for d in document_symbols(snapshot(session, uri), uri)
    ]


@request(
    "workspace/symbol",
    params=WorkspaceSymbolParams,
    capabilities={"workspaceSymbolProvider": {"resolveProvider": True}},
)
def on_workspace_symbol(session: Session, params: WorkspaceSymbolParams) -> list[dict[str, Any]]:
    snap = snapshot(session, None)  # open documents + the indexes of all the session's roots
    hits = workspace_symbols(snap, params.query)
    enc = session.position_encoding
    out = []
    for hit in hits[:256]:
        conv = _positions(session, snap, hit.uri)
        if conv is None:
            continue
        item: dict[str, Any] = {
            "name": hit.symbol.name,
            "kind": hit.symbol.kind,
            "location": {
                "uri": hit.uri,
                "range": _range(conv, hit.symbol.start, hit.symbol.end, enc),
            },
        }
        if hit.symbol.container:
            item["containerName"] = hit.symbol.container
        out.append(item)
    return out


@request("workspaceSymbol/resolve")
def on_workspace_symbol_resolve(session: Session, params: Any) -> Any:
    return params  # symbols are sent complete; resolving returns them unchanged
