"""Navigation handlers: definition, declaration, references, rename (+prepare),
documentHighlight, hover, documentSymbol, workspace/symbol (+resolve).

Thin: decode params, convert the position to an offset through the LSP edge
(``session.positions``), call the pure feature function on a ``Snapshot``,
convert the offset ranges of the result back through the same edge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rholang_lsp.protocol.lsp import Location as LspLocation
from rholang_lsp.protocol.lsp import (
    ReferenceParams,
    RenameParams,
    TextDocumentParams,
    TextDocumentPositionParams,
    WorkspaceSymbolItem,
    WorkspaceSymbolParams,
)
from rholang_lsp.protocol.messages import REQUEST_FAILED, ResponseError
from rholang_lsp.server import embedded
from rholang_lsp.server.indexing import session_snapshot
from rholang_lsp.server.markup import HOVER, markup
from rholang_lsp.server.positions import DocumentPositions, Positions
from rholang_lsp.server.registry import IndexNeed, request
from rholang_lsp.server.session import Session
from rholang_lsp.server.uris import uri_to_path

if TYPE_CHECKING:
    from rholang_lsp.features.rename import TextEdit
    from rholang_lsp.features.symbols import DocSymbol
    from rholang_lsp.features.target import Location
    from rholang_lsp.workspace.snapshot import Snapshot

# The features are imported by the handlers that use them: ``initialize`` is answered
# before the language layers are loaded (issue 19); ``server.warmup`` loads them right
# after it, before the first request that needs them.


def snapshot(session: Session, uri: str | None = None) -> Snapshot:
    """The session's open documents over the shared workspace index of ``uri``'s root."""
    return session_snapshot(session, uri)


def _at(
    session: Session, params: TextDocumentPositionParams | ReferenceParams | RenameParams
) -> tuple[Snapshot, Positions, str, int] | None:
    """The snapshot, positions, uri and offset of a position request on any document the
    session can read (None: unknown document)."""
    uri = params.textDocument.uri
    snap = snapshot(session, uri)
    positions = session.positions(snap)
    doc = positions.document(uri)
    if doc is None:
        return None
    return snap, positions, uri, doc.offset(params.position)


def _open_at(
    session: Session, params: TextDocumentPositionParams
) -> tuple[str, DocumentPositions, int] | None:
    """The uri, positions and offset of a position request on an open document."""
    uri = params.textDocument.uri
    if uri not in session.documents:
        return None
    doc = session.positions().document(uri)
    if doc is None:
        return None
    return uri, doc, doc.offset(params.position)


def _locations(positions: Positions, locs: list[Location]) -> list[LspLocation]:
    return positions.locations((loc.uri, loc.start, loc.end) for loc in locs)


def _goto(
    session: Session,
    params: TextDocumentPositionParams,
    find: Callable[[Snapshot, str, int], list[Location]],
) -> list[LspLocation] | None:
    """Definition/declaration: the locations ``find`` gives for the position (None: none)."""
    inside = embedded.embedded_at(session, params.textDocument.uri, params.position)
    if inside is not None:  # a MeTTa region or a .metta file
        from rholang_lsp.features import embedded as emb

        ef, off = inside
        return embedded.locations(session, ef.uri, emb.definition(ef, off)) or None
    at = _at(session, params)
    if at is None:
        return None
    snap, positions, uri, off = at
    return _locations(positions, find(snap, uri, off)) or None


@request(
    "textDocument/definition",
    params=TextDocumentPositionParams,
    needs_index=IndexNeed.IF_GLOBAL,
    capabilities={"definitionProvider": True},
)
def on_definition(session: Session, params: TextDocumentPositionParams) -> list[LspLocation] | None:
    from rholang_lsp.features.definition import definition

    documents = opens_registry_documents(session)
    return _goto(session, params, lambda s, u, o: definition(s, u, o, registry_documents=documents))


def opens_registry_documents(session: Session) -> bool:
    """Whether the client can open the server's read-only registry documents: it fetches
    content by ``workspace/textDocumentContent`` (LSP 3.18), or says in its experimental
    capabilities that it asks ``rholang/registryContract`` (e.g. a Neovim `BufReadCmd`)."""
    caps = session.client_capabilities
    ws = caps.get("workspace")
    exp = caps.get("experimental")
    return bool(
        (isinstance(ws, dict) and ws.get("textDocumentContent") is not None)
        or (isinstance(exp, dict) and exp.get("rholangRegistryDocuments"))
    )


@request(
    "textDocument/declaration",
    params=TextDocumentPositionParams,
    needs_index=IndexNeed.IF_GLOBAL,
    capabilities={"declarationProvider": True},
)
def on_declaration(
    session: Session, params: TextDocumentPositionParams
) -> list[LspLocation] | None:
    from rholang_lsp.features.definition import declaration

    return _goto(session, params, declaration)


@request(
    "textDocument/references",
    params=ReferenceParams,
    needs_index=IndexNeed.IF_GLOBAL,
    capabilities={"referencesProvider": True},
)
def on_references(session: Session, params: ReferenceParams) -> list[LspLocation] | None:
    inside = embedded.embedded_at(session, params.textDocument.uri, params.position)
    if inside is not None:
        from rholang_lsp.features import embedded as emb

        ef, off = inside
        include = params.context.includeDeclaration
        return embedded.locations(
            session, ef.uri, emb.references(ef, off, include_declaration=include)
        )
    at = _at(session, params)
    if at is None:
        return None
    from rholang_lsp.features.references import references

    snap, positions, uri, off = at
    locs = references(snap, uri, off, include_declaration=params.context.includeDeclaration)
    return _locations(positions, locs)


@request(
    "textDocument/documentHighlight",
    params=TextDocumentPositionParams,
    capabilities={"documentHighlightProvider": True},
)
def on_highlight(
    session: Session, params: TextDocumentPositionParams
) -> list[dict[str, Any]] | None:
    inside = embedded.embedded_at(session, params.textDocument.uri, params.position)
    if inside is not None:
        return embedded.highlights(session, params.textDocument.uri, *inside)
    at = _open_at(session, params)
    if at is None:
        return None
    from rholang_lsp.features.highlight import document_highlights

    uri, doc, off = at
    return [
        {"range": doc.range(h.start, h.end), "kind": h.kind}
        for h in document_highlights(snapshot(session, uri), uri, off)
    ]


@request(
    "textDocument/hover", params=TextDocumentPositionParams, capabilities={"hoverProvider": True}
)
def on_hover(session: Session, params: TextDocumentPositionParams) -> dict[str, Any] | None:
    inside = embedded.embedded_at(session, params.textDocument.uri, params.position)
    if inside is not None:
        found = embedded.hover(session, params.textDocument.uri, *inside)
        if found is None:
            return None
        return {"contents": markup(session, found[0], HOVER), "range": found[1]}
    at = _open_at(session, params)
    if at is None:
        return None
    uri, doc, off = at
    from rholang_lsp.features.hover import hover

    h = hover(snapshot(session, uri), uri, off)
    if h is None:
        return None
    return {
        "contents": markup(session, h.markdown, HOVER),
        "range": doc.range(h.start, h.end),
    }


@request(
    "textDocument/prepareRename",
    params=TextDocumentPositionParams,
    capabilities={"renameProvider": {"prepareProvider": True}},
)
def on_prepare_rename(
    session: Session, params: TextDocumentPositionParams
) -> dict[str, Any] | None:
    inside = embedded.embedded_at(session, params.textDocument.uri, params.position)
    if inside is not None:
        return embedded.prepare_rename(session, params.textDocument.uri, *inside)
    at = _open_at(session, params)
    if at is None:
        return None
    uri, doc, off = at
    from rholang_lsp.features.rename import prepare_rename

    p = prepare_rename(snapshot(session, uri), uri, off)
    if p is None:
        return None
    return {
        "range": doc.range(p.start, p.end),
        "placeholder": p.placeholder,
    }


def _supports_document_changes(session: Session) -> bool:
    ws = session.client_capabilities.get("workspace")
    edit = ws.get("workspaceEdit") if isinstance(ws, dict) else None
    return bool(isinstance(edit, dict) and edit.get("documentChanges"))


@request(
    "textDocument/rename",
    params=RenameParams,
    needs_index=IndexNeed.IF_GLOBAL,
    capabilities={"renameProvider": {"prepareProvider": True}},
)
def on_rename(session: Session, params: RenameParams) -> dict[str, Any] | None:
    if params.textDocument.uri not in session.documents:
        return None
    at = _at(session, params)
    if at is None:
        return None
    from rholang_lsp.features.rename import RenameError, rename

    snap, positions, uri, off = at
    inside = embedded.embedded_at(session, uri, params.position)
    edits: dict[str, list[TextEdit]] | None
    try:
        if inside is not None:
            edits = embedded.rename_edits(inside[0], inside[1], params.newName)
        else:
            edits = rename(snap, uri, off, params.newName)
    except RenameError as e:
        raise ResponseError(REQUEST_FAILED, str(e)) from None
    if not edits:
        return None
    per_file: dict[str, list[dict[str, Any]]] = {}
    for u, file_edits in sorted(edits.items()):
        if not _may_edit(session, u):
            continue
        conv = positions.document(u)
        if conv is None or not file_edits:
            continue
        per_file.setdefault(conv.uri, []).extend(
            {"range": conv.range(e.start, e.end), "newText": e.new_text} for e in file_edits
        )
    if _supports_document_changes(session):
        changes = []
        for u, lsp_edits in per_file.items():
            doc = session.documents.get(u)
            version = doc.version if doc else None
            changes.append({"textDocument": {"uri": u, "version": version}, "edits": lsp_edits})
        return {"documentChanges": changes}
    return {"changes": per_file}


def _may_edit(session: Session, uri: str) -> bool:
    """An edit may go to a document the client has open, or to a file inside the
    workspace folders once symlinks are resolved: never to a file outside them."""
    host = uri.split("#", 1)[0]
    if uri in session.documents or host in session.documents:
        return True
    path = uri_to_path(host)
    return path is not None and session.is_in_workspace(path)


_SK_CAPS = {"documentSymbolProvider": True}


def _doc_symbol(d: DocSymbol, conv: DocumentPositions) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": d.name,
        "kind": d.kind,
        "range": conv.range(d.start, d.end),
        "selectionRange": conv.range(d.sel_start, d.sel_end),
    }
    if d.detail:
        out["detail"] = d.detail
    if d.children:
        out["children"] = [_doc_symbol(c, conv) for c in d.children]
    return out


@request("textDocument/documentSymbol", params=TextDocumentParams, capabilities=_SK_CAPS)
def on_document_symbol(session: Session, params: TextDocumentParams) -> list[dict[str, Any]] | None:
    uri = params.textDocument.uri
    doc = session.positions().document(uri) if uri in session.documents else None
    if doc is None:
        return None
    # the outline is built iteratively in the feature; converting it recurses only
    # as deep as binding constructs nest (bounded by the parser's nesting limit)
    if embedded.is_metta_document(uri, session.documents[uri].language_id):
        host: list[DocSymbol] = []
    else:
        from rholang_lsp.features.symbols import document_symbols

        host = document_symbols(snapshot(session, uri), uri)
    return [_doc_symbol(d, doc) for d in embedded.outline(session, uri, host)]


@request(
    "workspace/symbol",
    params=WorkspaceSymbolParams,
    needs_index=IndexNeed.ALWAYS,
    capabilities={"workspaceSymbolProvider": {"resolveProvider": True}},
)
def on_workspace_symbol(session: Session, params: WorkspaceSymbolParams) -> list[dict[str, Any]]:
    from rholang_lsp.features.symbols import workspace_symbols

    snap = snapshot(session, None)  # open documents + the indexes of all the session's roots
    hits = workspace_symbols(snap, params.query)
    positions = session.positions(snap)
    out = []
    for hit in hits[:256]:
        loc = positions.location(hit.uri, hit.symbol.start, hit.symbol.end)
        if loc is None:
            continue
        item: dict[str, Any] = {"name": hit.symbol.name, "kind": hit.symbol.kind, "location": loc}
        if hit.symbol.container:
            item["containerName"] = hit.symbol.container
        out.append(item)
    return out


@request("workspaceSymbol/resolve", params=WorkspaceSymbolItem)
def on_workspace_symbol_resolve(
    session: Session, params: WorkspaceSymbolItem
) -> WorkspaceSymbolItem:
    return params  # symbols are sent complete; resolving returns them unchanged
