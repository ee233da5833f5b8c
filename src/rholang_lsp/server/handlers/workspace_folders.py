"""Workspace folders: ``workspace/didChangeWorkspaceFolders``."""

from __future__ import annotations

from rholang_lsp.protocol.lsp import DidChangeWorkspaceFoldersParams
from rholang_lsp.server.registry import notification
from rholang_lsp.server.session import Session


@notification(
    "workspace/didChangeWorkspaceFolders",
    params=DidChangeWorkspaceFoldersParams,
    capabilities={
        "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True}}
    },
)
def did_change_workspace_folders(session: Session, params: DidChangeWorkspaceFoldersParams) -> None:
    removed = {f.uri for f in params.event.removed}
    folders = [f for f in session.workspace_folders if f.uri not in removed]
    known = {f.uri for f in folders}
    folders.extend(f for f in params.event.added if f.uri not in known)
    session.workspace_folders = folders
