"""Document synchronisation: didOpen / didChange (incremental and full) / didClose / didSave."""

from __future__ import annotations

from typing import Final

from rholang_lsp.protocol.lsp import (
    DidChangeTextDocumentParams,
    DidCloseTextDocumentParams,
    DidOpenTextDocumentParams,
    DidSaveTextDocumentParams,
    TextDocumentSyncKind,
)
from rholang_lsp.server import embedded
from rholang_lsp.server.registry import notification
from rholang_lsp.server.session import Session
from rholang_lsp.workspace.documents import TextDocument

SYNC_CAPABILITIES: Final = {
    "textDocumentSync": {
        "openClose": True,
        "change": TextDocumentSyncKind.INCREMENTAL,
        "save": {"includeText": False},
    }
}


@notification(
    "textDocument/didOpen", params=DidOpenTextDocumentParams, capabilities=SYNC_CAPABILITIES
)
def did_open(session: Session, params: DidOpenTextDocumentParams) -> None:
    item = params.textDocument
    session.documents[item.uri] = TextDocument(item.uri, item.text, item.version, item.languageId)
    session.diagnostics.schedule(item.uri, delay=0)


@notification("textDocument/didChange", params=DidChangeTextDocumentParams)
def did_change(session: Session, params: DidChangeTextDocumentParams) -> None:
    ident = params.textDocument
    doc = session.documents.get(ident.uri)
    if doc is None:
        session.log.warning("%s: didChange for a document not open: %s", session.peer, ident.uri)
        return
    for change in params.contentChanges:
        rng = change.range
        if rng is None:
            doc.text = change.text
        else:
            # each change is relative to the text after the previous one: convert it
            # with fresh positions (the line index of the current text)
            positions = session.positions().document(ident.uri)
            if positions is None:
                return
            start, end = positions.offsets(rng)
            doc.replace(start, end, change.text)
    doc.version = ident.version
    session.diagnostics.schedule(ident.uri)


@notification("textDocument/didClose", params=DidCloseTextDocumentParams)
def did_close(session: Session, params: DidCloseTextDocumentParams) -> None:
    uri = params.textDocument.uri
    if session.documents.pop(uri, None) is not None:
        session.diagnostics.clear(uri)
        embedded.on_closed(session, uri)  # its virtual documents go with it


@notification("textDocument/didSave", params=DidSaveTextDocumentParams)
def did_save(session: Session, params: DidSaveTextDocumentParams) -> None:
    doc = session.documents.get(params.textDocument.uri)
    if doc is not None and params.text is not None and params.text != doc.text:
        doc.text = params.text
        session.diagnostics.schedule(doc.uri, delay=0)
