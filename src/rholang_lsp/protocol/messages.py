"""JSON-RPC 2.0 messages (msgspec) and error codes. Generic: nothing LSP-specific here
beyond the LSP-reserved error codes."""

from __future__ import annotations

from typing import Any, Final

import msgspec
from msgspec import UNSET, Raw, UnsetType

RequestId = int | str

# JSON-RPC 2.0
PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600
METHOD_NOT_FOUND: Final = -32601
INVALID_PARAMS: Final = -32602
INTERNAL_ERROR: Final = -32603
# LSP-reserved
SERVER_NOT_INITIALIZED: Final = -32002
UNKNOWN_ERROR_CODE: Final = -32001
REQUEST_FAILED: Final = -32803
SERVER_CANCELLED: Final = -32802
CONTENT_MODIFIED: Final = -32801
REQUEST_CANCELLED: Final = -32800

EMPTY_RAW: Final = Raw(b"")


class ResponseError(Exception):
    """Raise from a handler to answer with this JSON-RPC error; also raised by
    ``Endpoint.request`` when the peer answers with an error."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def __repr__(self) -> str:
        return f"ResponseError({self.code}, {self.message!r})"


class ErrorObject(msgspec.Struct, omit_defaults=True):
    code: int
    message: str
    data: Any = None


class Message(msgspec.Struct):
    """Any incoming message: request, notification or response.

    ``params``/``result`` stay raw JSON so the handler's own type decodes them once.
    An empty ``Raw`` means "absent"; ``Raw(b"null")`` means an explicit null.
    """

    jsonrpc: str | UnsetType = UNSET
    id: RequestId | None | UnsetType = UNSET
    method: str | UnsetType = UNSET
    params: Raw = EMPTY_RAW
    result: Raw = EMPTY_RAW
    error: ErrorObject | None | UnsetType = UNSET


class IdOnly(msgspec.Struct):
    """Used to recover the id of an invalid request, for the error response."""

    id: Any = None


class OutRequest(msgspec.Struct):
    jsonrpc: str
    id: RequestId
    method: str
    params: Any


class OutNotification(msgspec.Struct):
    jsonrpc: str
    method: str
    params: Any


class OutNotificationNoParams(msgspec.Struct):
    jsonrpc: str
    method: str


class OutResult(msgspec.Struct):
    jsonrpc: str
    id: RequestId | None
    result: Any


class OutError(msgspec.Struct):
    jsonrpc: str
    id: RequestId | None
    error: ErrorObject


class CancelParams(msgspec.Struct):
    id: RequestId
