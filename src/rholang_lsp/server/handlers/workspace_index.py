"""Workspace indexing: start after ``initialized``, watched files, saves, folder changes, status.

The work is in ``server.indexing`` (sessions <-> shared workspaces),
``server.progress`` and ``server.queueing``; these handlers only route.
"""

from __future__ import annotations

from typing import Any

from rholang_lsp.protocol.lsp import (
    DidChangeWatchedFilesParams,
    DidChangeWorkspaceFoldersParams,
    DidSaveTextDocumentParams,
    InitializedParams,
    NoParams,
)
from rholang_lsp.server import indexing
from rholang_lsp.server.registry import notification, request
from rholang_lsp.server.session import Session


@notification("initialized", params=InitializedParams | None)
def initialized(session: Session, params: InitializedParams | None) -> None:
    indexing.on_initialized(session)


@notification("workspace/didChangeWatchedFiles", params=DidChangeWatchedFilesParams)
def did_change_watched_files(session: Session, params: DidChangeWatchedFilesParams) -> None:
    indexing.on_files_changed(session, [(c.uri, c.type) for c in params.changes])


@notification("textDocument/didSave", params=DidSaveTextDocumentParams, order=1)
def did_save(session: Session, params: DidSaveTextDocumentParams) -> None:
    # after handlers/text_sync.py (order 0) took the saved text
    indexing.on_saved(session, params.textDocument.uri)


@notification(
    "workspace/didChangeWorkspaceFolders", params=DidChangeWorkspaceFoldersParams, order=1
)
def did_change_workspace_folders(session: Session, params: DidChangeWorkspaceFoldersParams) -> None:
    # after handlers/workspace_folders.py (order 0) updated the session's folders
    indexing.on_folders_changed(session)


@request("rholang/indexingStatus", params=NoParams | None, inline=True)
def indexing_status(session: Session, params: NoParams | None) -> dict[str, Any]:
    """The indexing state of each workspace folder of this session."""
    si = indexing.session_indexing(session)
    return {"workspaces": si.status(), "settled": si.settled}
