"""Workspace indexing: start after ``initialized``, watched files, saves, folder changes, status.

The work is in ``server.indexing`` (sessions <-> shared workspaces),
``server.progress`` and ``server.queueing``; these handlers only route.
"""

from __future__ import annotations

from typing import Any

import msgspec

from rholang_lsp.server import indexing
from rholang_lsp.server.registry import notification, request
from rholang_lsp.server.session import Session


class FileEvent(msgspec.Struct):
    uri: str
    type: int  # 1 created, 2 changed, 3 deleted


class DidChangeWatchedFilesParams(msgspec.Struct):
    changes: list[FileEvent] = msgspec.field(default_factory=list)


class _SavedDoc(msgspec.Struct):
    uri: str


class _DidSaveParams(msgspec.Struct):
    textDocument: _SavedDoc


@notification("initialized")
def initialized(session: Session, params: Any) -> None:
    indexing.on_initialized(session)


@notification("workspace/didChangeWatchedFiles", params=DidChangeWatchedFilesParams)
def did_change_watched_files(session: Session, params: DidChangeWatchedFilesParams) -> None:
    indexing.on_files_changed(session, [(c.uri, c.type) for c in params.changes])


@notification("textDocument/didSave", params=_DidSaveParams)
def did_save(session: Session, params: _DidSaveParams) -> None:
    indexing.on_saved(session, params.textDocument.uri)


@notification("workspace/didChangeWorkspaceFolders")
def did_change_workspace_folders(session: Session, params: Any) -> None:
    # runs after handlers/workspace_folders.py (modules register in name order)
    indexing.on_folders_changed(session)


@request("rholang/indexingStatus")
def indexing_status(session: Session, params: Any) -> dict[str, Any]:
    """The indexing state of each workspace folder of this session."""
    si = indexing.session_indexing(session)
    return {"workspaces": si.status(), "settled": si.settled}
