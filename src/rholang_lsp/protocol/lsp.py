"""msgspec Structs for the LSP messages on the hot path (generic LSP, nothing Rholang).

Decoding validates: a wrong type raises ``msgspec.ValidationError`` whose
message names the path (``... - at `$.textDocument.version```), which the
server returns as -32602. Unknown fields are ignored. Cold or rarely used
messages may stay plain dicts.
"""

from __future__ import annotations

from typing import Annotated, Any

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


# ---------------------------------------------------------------------- request params
# Every request and notification the server handles decodes into one of these (or a
# struct of its handler module): a field of the wrong type is -32602 naming it.


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


class TextDocumentParams(msgspec.Struct):
    """Params naming one document only (documentSymbol, semanticTokens/full, foldingRange, ...)."""

    textDocument: TextDocumentIdentifier


class WorkspaceSymbolParams(msgspec.Struct):
    query: str = ""


class CompletionContext(msgspec.Struct):
    triggerKind: int = 1
    triggerCharacter: str | None = None


class CompletionParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    position: Position
    context: CompletionContext | None = None


class SignatureHelpParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    position: Position
    context: dict[str, Any] | None = None


class SemanticTokensDeltaParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    previousResultId: str


class TextDocumentRangeParams(msgspec.Struct):
    """Params naming a range of one document (semanticTokens/range, inlayHint)."""

    textDocument: TextDocumentIdentifier
    range: Range


class SelectionRangeParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    positions: list[Position]


#: the largest ``tabSize`` accepted (ARCHITECTURE "Limits"); more is -32602 naming the field,
#: as a width of 10^7 made the server build indentation strings of gigabytes
MAX_TAB_SIZE = 32


class FormattingOptions(msgspec.Struct):
    tabSize: Annotated[int, msgspec.Meta(ge=0, le=MAX_TAB_SIZE)] = 2
    insertSpaces: bool = True


class DocumentFormattingParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    options: FormattingOptions = msgspec.field(default_factory=FormattingOptions)


class DocumentRangeFormattingParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    range: Range
    options: FormattingOptions = msgspec.field(default_factory=FormattingOptions)


class CodeActionContext(msgspec.Struct):
    diagnostics: list[LspDiagnostic] = msgspec.field(default_factory=list)
    only: list[str] | None = None
    triggerKind: int | None = None


class CodeActionParams(msgspec.Struct):
    textDocument: TextDocumentIdentifier
    range: Range
    context: CodeActionContext = msgspec.field(default_factory=CodeActionContext)


class DidChangeConfigurationParams(msgspec.Struct):
    settings: Any = None


class FileEvent(msgspec.Struct):
    uri: str
    type: int  # 1 created, 2 changed, 3 deleted


class DidChangeWatchedFilesParams(msgspec.Struct):
    changes: list[FileEvent] = msgspec.field(default_factory=list)


class InitializedParams(msgspec.Struct):
    pass


class NoParams(msgspec.Struct):
    """Params of a request that takes none (absent, ``null`` or an object)."""


class CompletionItem(msgspec.Struct, omit_defaults=True):
    """A completion item as the client sends it back to ``completionItem/resolve``
    (the fields the LSP defines; returned with ``documentation`` filled in)."""

    label: str
    labelDetails: dict[str, Any] | UnsetType = UNSET
    kind: int | UnsetType = UNSET
    tags: list[int] | UnsetType = UNSET
    detail: str | UnsetType = UNSET
    documentation: str | dict[str, Any] | UnsetType = UNSET
    deprecated: bool | UnsetType = UNSET
    preselect: bool | UnsetType = UNSET
    sortText: str | UnsetType = UNSET
    filterText: str | UnsetType = UNSET
    insertText: str | UnsetType = UNSET
    insertTextFormat: int | UnsetType = UNSET
    insertTextMode: int | UnsetType = UNSET
    textEdit: dict[str, Any] | UnsetType = UNSET
    textEditText: str | UnsetType = UNSET
    additionalTextEdits: list[dict[str, Any]] | UnsetType = UNSET
    commitCharacters: list[str] | UnsetType = UNSET
    command: dict[str, Any] | UnsetType = UNSET
    data: Any = UNSET


class WorkspaceSymbolItem(msgspec.Struct, omit_defaults=True):
    """A workspace symbol as the client sends it back to ``workspaceSymbol/resolve``."""

    name: str
    kind: int
    location: dict[str, Any]
    tags: list[int] | UnsetType = UNSET
    containerName: str | UnsetType = UNSET
    data: Any = UNSET
