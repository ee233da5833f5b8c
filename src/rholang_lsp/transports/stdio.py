"""stdio transport: the process's stdin/stdout carry the protocol.

fd 1 is duplicated for the protocol and then pointed at stderr, so a stray
``print`` anywhere cannot corrupt the stream. Pipes, sockets and ttys use
asyncio pipe transports; a regular file on stdin/stdout falls back to a
reader thread / blocking writes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from typing import BinaryIO

from rholang_lsp.protocol.framing import DEFAULT_MAX_BODY
from rholang_lsp.transports.stream import DEFAULT_MAX_OUTBOUND, READ_LIMIT, StreamTransport

_log = logging.getLogger(__name__)


class _BlockingWriter:
    """Writer over a regular file (fallback when the fd is not a pipe)."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file

    def write(self, data: bytes) -> None:
        self._file.write(data)

    async def drain(self) -> None:
        self._file.flush()

    def close(self) -> None:
        try:
            self._file.flush()
        except OSError:
            pass

    async def wait_closed(self) -> None:
        return None


def _feed_from_thread(
    fd: int, reader: asyncio.StreamReader, loop: asyncio.AbstractEventLoop
) -> None:
    def run() -> None:
        try:
            while chunk := os.read(fd, READ_LIMIT):
                loop.call_soon_threadsafe(reader.feed_data, chunk)
        except OSError:
            pass
        finally:
            try:
                loop.call_soon_threadsafe(reader.feed_eof)
            except RuntimeError:
                pass  # loop closed

    threading.Thread(target=run, name="stdin-reader", daemon=True).start()


def protocol_stdout() -> BinaryIO:
    """A private handle on the real stdout; fd 1 (and ``sys.stdout``) then write to stderr."""
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


async def open_stdio(
    stdin: BinaryIO,
    stdout: BinaryIO,
    *,
    peer: str = "stdio",
    max_outbound: int = DEFAULT_MAX_OUTBOUND,
    max_message: int = DEFAULT_MAX_BODY,
) -> StreamTransport:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=READ_LIMIT)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    except (ValueError, OSError):
        _feed_from_thread(stdin.fileno(), reader, loop)
    try:
        w_transport, w_protocol = await loop.connect_write_pipe(
            lambda: asyncio.StreamReaderProtocol(asyncio.StreamReader()), stdout
        )
        writer: asyncio.StreamWriter | _BlockingWriter = asyncio.StreamWriter(
            w_transport, w_protocol, None, loop
        )
    except (ValueError, OSError):
        writer = _BlockingWriter(stdout)
    return StreamTransport(
        reader, writer, peer=peer, max_outbound=max_outbound, max_body=max_message
    )


async def open_stdio_transport(
    max_outbound: int = DEFAULT_MAX_OUTBOUND, max_message: int = DEFAULT_MAX_BODY
) -> StreamTransport:
    """The protocol transport on this process's stdin/stdout (see ``protocol_stdout``)."""
    return await open_stdio(
        sys.stdin.buffer, protocol_stdout(), max_outbound=max_outbound, max_message=max_message
    )
