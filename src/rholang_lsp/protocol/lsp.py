"""msgspec Structs for the LSP messages on the hot path (generic LSP, nothing Rholang).

Decoding validates: a wrong type raises ``msgspec.ValidationError`` whose
message names the path (``... - at `$.textDocument.version```), which the
server returns as -32602. Unknown fields are ignored. Cold or rarely used
messages may stay plain dicts.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType


class Position(msgspec.Struct):
    line: int
    character: int


class Range(msgspec.Struct):
    start: Position
    end: Position


class Location(msgspec.Struct):
    uri: str
    range: Range


class TextDocumentIdentifier(msgspec.Struct):
    uri: str


class VersionedTextDocumentIdentifier(msgspec.Struct):
    uri: str
    version: int


class TextDocumentItem(msgspec.Struct):
    uri: str
    languageId: str
    version: int
    text: str


class TextDocumentContentChangeEvent(msgspec.Struct):
    text: str
    range: Range | None = None
    rangeLength: int | None = None


class DidOpenTextDocumentParams(msgspec.Struct):
    textDocument: TextDocumentItem


class DidChangeTextDocumentParams(msgspec.Struct):
    textDocument: VersionedTextDocumentIdentifier
    contentChanges: list[TextDocumentContentChangeEvent]


class DidCloseTextDocumentParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier


class DidSaveTextDocumentParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    text: str | None = None


class TextDocumentPositionParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    position: Position


class DiagnosticRelatedInformation(msgspec.Struct):
    location: Location
    message: str


class LspDiagnostic(msgspec.Struct, omit_defaults=True):
    range: Range
    message: str
    severity: int | UnsetType = UNSET
    code: str | int | UnsetType = UNSET
    source: str | UnsetType = UNSET
    relatedInformation: list[DiagnosticRelatedInformation] | UnsetType = UNSET
    tags: list[int] | UnsetType = UNSET
    data: Any = UNSET


class PublishDiagnosticsParams(msgspec.Struct, omit_defaults=True):
    uri: str
    diagnostics: list[LspDiagnostic]
    version: int | UnsetType = UNSET


class WorkspaceFolder(msgspec.Struct):
    uri: str
    name: str = ""


class ClientInfo(msgspec.Struct):
    name: str
    version: str | None = None


class InitializeParams(msgspec.Struct):
    processId: int | None = None
    clientInfo: ClientInfo | None = None
    locale: str | None = None
    rootPath: str | None = None
    rootUri: str | None = None
    initializationOptions: Any = None
    capabilities: dict[str, Any] = msgspec.field(default_factory=dict)
    trace: str | None = None
    workspaceFolders: list[WorkspaceFolder] | None = None


class WorkspaceFoldersChangeEvent(msgspec.Struct):
    added: list[WorkspaceFolder] = msgspec.field(default_factory=list)
    removed: list[WorkspaceFolder] = msgspec.field(default_factory=list)


class DidChangeWorkspaceFoldersParams(msgspec.Struct):
    event: WorkspaceFoldersChangeEvent


class TextDocumentSyncKind:
    NONE = 0
    FULL = 1
    INCREMENTAL = 2
