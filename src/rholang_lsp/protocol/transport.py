"""The seam between transports and the JSON-RPC endpoint.

A transport (stdio, TCP, Unix socket, WebSocket) turns a byte stream or a
frame stream into whole JSON-RPC message bodies and back. The endpoint
(``protocol.endpoint``) knows nothing of sockets; a transport knows nothing of
JSON-RPC beyond "this body is a response, flush soon".
"""

from __future__ import annotations

from typing import Protocol


class TransportClosed(Exception):
    """Raised by ``send`` after the transport was closed or dropped."""


class MessageTooLarge(Exception):
    """Raised by ``read_message`` for a message over the size limit, after the
    transport skipped it (without buffering it): the stream is still in sync and the
    endpoint answers a JSON-RPC error (with the request id when ``head`` shows it).
    """

    def __init__(self, size: int, limit: int, head: bytes = b"") -> None:
        super().__init__(f"message of {size} bytes exceeds the limit of {limit} bytes")
        self.size = size
        self.limit = limit
        self.head = head  # the first bytes of the body (best-effort id recovery)


class MessageTransport(Protocol):
    """One client connection, seen as a stream of JSON-RPC message bodies."""

    @property
    def peer(self) -> str:
        """A short human-readable description of the peer, for logs."""
        ...

    async def read_message(self) -> bytes | None:
        """The next message body (UTF-8 JSON: one object, or an array for a batch).

        ``None`` at end of stream. Framing errors that the transport can skip
        are logged and skipped; unrecoverable ones end the stream (``None``).
        A message over the transport's size limit raises ``MessageTooLarge``
        (the next call reads the message after it).
        """
        ...

    def send(self, body: bytes, *, flush: bool = False) -> None:
        """Queue one encoded message body; never blocks.

        ``flush=True`` (used for responses to requests) asks the transport to
        write without waiting for a batching window. A transport whose
        outbound queue passes its bound closes itself (slow reader) and logs it.
        """
        ...

    async def drain(self) -> None:
        """Wait until queued messages are handed to the OS (backpressure)."""
        ...

    async def close(self) -> None:
        """Flush what is queued (bounded wait) and close the connection."""
        ...
