"""JSON-RPC bodies the transports write without an ``Endpoint``: batch arrays and
parse errors. Transports only move bodies; what a body means belongs here."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from rholang_lsp.protocol.messages import PARSE_ERROR, ErrorObject, OutError

_encoder = msgspec.json.Encoder()


def _items(body: bytes) -> bytes:
    """The members a message body contributes to an array (a batch body is spliced in)."""
    s = body.strip()
    if s[:1] == b"[":
        return s[1:-1].strip()
    return s


def join_batch(bodies: Iterable[bytes]) -> bytes:
    """One JSON-RPC batch array of message bodies (bodies that are arrays are flattened)."""
    return b"[" + b",".join(i for b in bodies if (i := _items(b))) + b"]"


def parse_error(message: str) -> bytes:
    """A JSON-RPC error response with a null id (-32700): the body could not be read."""
    return _encoder.encode(OutError("2.0", None, ErrorObject(PARSE_ERROR, message)))
