"""LSP base-protocol framing: ``Content-Length`` headers on byte streams.

Reader rules: headers end at ``\\r\\n\\r\\n``; ``Content-Length`` is matched
case-insensitively anywhere in the header block (so garbage before a header is
skipped and the stream resynchronises); other headers (``Content-Type``) are
ignored. A block without a usable length is logged and skipped. An oversized
length is skipped in chunks (never buffered whole) and reported with
``MessageTooLarge``; a header longer than the read limit at EOF, or a peer that
hangs up mid-message ends the stream (``None``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from rholang_lsp.protocol.transport import MessageTooLarge

HEADER_END: Final = b"\r\n\r\n"
CONTENT_LENGTH: Final = b"content-length:"
#: The documented maximum message size (``--max-message-bytes``) on every transport.
#: Decoding is C (msgspec) on the event loop at ~15 ms per MB of adversarial JSON (tiny
#: nested values); 4 MiB bounds that, and holds a 2 Mi-character document.
DEFAULT_MAX_BODY: Final = 4 * 1024 * 1024
MAX_HEADER_BLOCK: Final = 64 * 1024
_SKIP_CHUNK: Final = 64 * 1024
_HEAD: Final = 4096

_log = logging.getLogger(__name__)


def encode_frame(body: bytes) -> bytes:
    """One framed message: header plus body."""
    return b"Content-Length: %d\r\n\r\n%b" % (len(body), body)


def parse_content_length(block: bytes) -> int | None:
    """The last ``Content-Length`` value in a header block, or None if absent/invalid."""
    lower = block.lower()
    idx = lower.rfind(CONTENT_LENGTH)
    if idx < 0:
        return None
    value = block[idx + len(CONTENT_LENGTH) :].split(b"\r\n", 1)[0].strip()
    if not value.isdigit():
        return None
    return int(value)


async def read_frame(
    reader: asyncio.StreamReader,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    skip_oversized: bool = True,
    peer: str = "peer",
    log: logging.Logger = _log,
) -> bytes | None:
    """Read the next message body; ``None`` at end of stream or on an unrecoverable error.

    A body over ``max_body`` is skipped and reported (``MessageTooLarge``), or ends the
    stream without being read when ``skip_oversized`` is false (unauthenticated peers).
    """
    carry = b""  # tail of skipped data: a header may straddle the skip
    while True:
        try:
            block = carry + await reader.readuntil(HEADER_END)
            carry = b""
        except asyncio.IncompleteReadError as e:
            if e.partial.strip():
                log.warning(
                    "%s: stream ended inside a header (%d bytes dropped)", peer, len(e.partial)
                )
            return None
        except asyncio.LimitOverrunError as e:
            # No header end within the read limit: drop what was scanned and resync.
            log.warning("%s: header too long or garbage (%d bytes skipped)", peer, e.consumed)
            try:
                skipped = await reader.readexactly(e.consumed)
            except asyncio.IncompleteReadError:
                return None
            carry = skipped[-256:]
            continue
        length = parse_content_length(block)
        if length is None:
            log.warning("%s: header without a valid Content-Length skipped: %r", peer, block[:200])
            continue
        if length > max_body and not skip_oversized:
            log.warning("%s: message of %d bytes > %d; closing", peer, length, max_body)
            return None
        if length > max_body:
            log.warning(
                "%s: message of %d bytes exceeds the limit %d; skipped", peer, length, max_body
            )
            head = b""
            left = length
            try:
                while left > 0:
                    chunk = await reader.read(min(left, _SKIP_CHUNK))
                    if not chunk:
                        return None
                    if len(head) < _HEAD:
                        head += chunk[: _HEAD - len(head)]
                    left -= len(chunk)
            except (ConnectionError, OSError):
                return None
            raise MessageTooLarge(length, max_body, head)
        try:
            return await reader.readexactly(length)
        except asyncio.IncompleteReadError as e:
            log.warning(
                "%s: peer hung up mid-message (%d of %d bytes)", peer, len(e.partial), length
            )
            return None
