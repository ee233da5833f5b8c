"""LSP base-protocol framing (``Content-Length`` headers) over a chunk stream.

Used by the WebSocket transport's stream mode, where frame boundaries carry
no meaning: a message may span frames and a frame may hold several messages.
"""

from __future__ import annotations

__all__ = [
    "FramingError",
    "MessageTooLarge",
    "ContentLengthDecoder",
    "encode_header",
]

_HEADER_END = b"\r\n\r\n"


class FramingError(Exception):
    """The byte stream is not valid LSP base protocol; it cannot be resynchronised."""


class MessageTooLarge(FramingError):
    """A ``Content-Length`` above the configured limit."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"message of {length} bytes exceeds limit of {limit} bytes")
        self.length = length
        self.limit = limit


def encode_header(length: int) -> bytes:
    """The header block for a body of ``length`` bytes."""
    return b"Content-Length: %d\r\n\r\n" % length


class ContentLengthDecoder:
    """Incremental decoder: ``feed`` chunks, then take messages with ``next_message``."""

    __slots__ = ("_buf", "_pos", "_body_len", "max_body", "max_header")

    def __init__(self, max_body: int, max_header: int = 8192) -> None:
        self._buf = bytearray()
        self._pos = 0
        self._body_len: int | None = None
        self.max_body = max_body
        self.max_header = max_header

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned."""
        return len(self._buf) - self._pos

    def feed(self, data: bytes) -> None:
        if self._pos and self._pos >= len(self._buf) // 2:
            del self._buf[: self._pos]
            self._pos = 0
        self._buf += data

    def next_message(self) -> bytes | None:
        """The next complete body, or ``None`` if more data is needed.

        Raises ``MessageTooLarge`` or ``FramingError`` for an invalid stream.
        """
        buf = self._buf
        if self._body_len is None:
            end = buf.find(_HEADER_END, self._pos)
            if end < 0:
                if len(buf) - self._pos > self.max_header:
                    raise FramingError(f"no end of header within {self.max_header} bytes")
                return None
            self._body_len = self._parse_header(bytes(buf[self._pos : end]))
            self._pos = end + len(_HEADER_END)
        start = self._pos
        stop = start + self._body_len
        if len(buf) < stop:
            return None
        body = bytes(buf[start:stop])
        self._pos = stop
        self._body_len = None
        if self._pos == len(buf):
            buf.clear()
            self._pos = 0
        return body

    def _parse_header(self, header: bytes) -> int:
        length: int | None = None
        for line in header.split(b"\r\n"):
            if not line.strip():
                continue  # tolerate stray blank lines between messages
            name, sep, value = line.partition(b":")
            if not sep:
                raise FramingError(f"malformed header line {line[:80]!r}")
            if name.strip().lower() == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    raise FramingError(f"invalid Content-Length {value[:40]!r}") from None
                if length < 0:
                    raise FramingError(f"invalid Content-Length {length}")
        if length is None:
            raise FramingError("header without Content-Length")
        if length > self.max_body:
            raise MessageTooLarge(length, self.max_body)
        return length
