"""A ``MessageTransport`` over asyncio byte streams with Content-Length framing.

Used by stdio, TCP and Unix-socket transports. Reads are buffered by the
``StreamReader`` (64 KiB limit); writes go through one coalescing writer task
per connection: everything queued within one event-loop turn leaves in one
``write``, then ``drain()`` provides backpressure. If the queued, unsent bytes
pass ``max_outbound`` (a peer that does not read; ``ServerOptions.max_outbound_bytes``,
CLI ``--max-outbound-bytes``, default 64 MiB), the connection is closed and the
event logged; the other connections are not affected.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Final, Protocol

from rholang_lsp.protocol.auth import AuthenticatingTransport
from rholang_lsp.protocol.framing import DEFAULT_MAX_BODY, encode_frame, read_frame
from rholang_lsp.protocol.transport import MessageTransport, TransportClosed

READ_LIMIT: Final = 64 * 1024
DEFAULT_MAX_OUTBOUND: Final = 64 * 1024 * 1024
CLOSE_TIMEOUT: Final = 2.0

_log = logging.getLogger(__name__)


class SessionServer(Protocol):
    """What a listening transport needs from the server: run one session per connection."""

    async def serve(self, transport: MessageTransport) -> None: ...


class ByteWriter(Protocol):
    """The subset of ``asyncio.StreamWriter`` the transport uses."""

    def write(self, data: bytes) -> None: ...

    async def drain(self) -> None: ...

    def close(self) -> None: ...

    async def wait_closed(self) -> None: ...


class StreamTransport:
    """Content-Length framed messages over a reader/writer pair."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: ByteWriter,
        *,
        peer: str,
        max_body: int = DEFAULT_MAX_BODY,
        max_outbound: int = DEFAULT_MAX_OUTBOUND,
        after_read: Callable[[], None] | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._peer = peer
        #: largest message body read; a larger one is skipped (``MessageTooLarge``)
        self.max_message = max_body
        # a lowered limit (before authentication) closes instead of skipping the body
        self._skip_limit = max_body
        self._max_outbound = max_outbound
        self._after_read = after_read
        self._log = logger or _log
        self._queue: list[bytes] = []
        self._queued = 0
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False
        self._closed = False
        self._write_error: BaseException | None = None
        self._writer_task = asyncio.get_running_loop().create_task(self._write_loop())

    @property
    def peer(self) -> str:
        return self._peer

    async def read_message(self) -> bytes | None:
        if self._closed:
            return None
        try:
            body = await read_frame(
                self._reader,
                max_body=self.max_message,
                skip_oversized=self.max_message >= self._skip_limit,
                peer=self._peer,
                log=self._log,
            )
        except (ConnectionError, OSError) as e:
            self._log.info("%s: read failed: %s", self._peer, e)
            return None
        if body is not None and self._after_read is not None:
            self._after_read()
        return body

    def send(self, body: bytes, *, flush: bool = False) -> None:
        if self._closing:
            raise TransportClosed(f"{self._peer}: transport closed")
        frame = encode_frame(body)
        self._queue.append(frame)
        self._queued += len(frame)
        self._idle.clear()
        self._wake.set()
        if self._queued > self._max_outbound:
            self._log.error(
                "%s: outbound queue over %d bytes (peer not reading); closing the connection",
                self._peer,
                self._max_outbound,
            )
            self._abort()

    async def _write_loop(self) -> None:
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._queue:
                    data = b"".join(self._queue) if len(self._queue) > 1 else self._queue[0]
                    self._queue.clear()
                    self._queued = 0
                    self._writer.write(data)
                    await self._writer.drain()
                self._idle.set()
        except asyncio.CancelledError:
            raise
        except Exception as e:  # ConnectionResetError, BrokenPipeError, ...
            self._write_error = e
            self._log.info("%s: write failed: %s", self._peer, e)
            self._queue.clear()
            self._queued = 0
            self._idle.set()
            self._abort()

    async def drain(self) -> None:
        if self._write_error is not None or self._closed:
            raise TransportClosed(f"{self._peer}: transport closed")
        await self._idle.wait()

    def _abort(self) -> None:
        """Close now, dropping what is queued."""
        if self._closed:
            return
        self._closing = True
        self._closed = True
        self._queue.clear()
        self._queued = 0
        self._idle.set()
        if not self._writer_task.done() and self._writer_task is not asyncio.current_task():
            self._writer_task.cancel()
        self._close_writer()
        self._reader.feed_eof()

    def _close_writer(self) -> None:
        try:
            self._writer.close()
        except Exception as e:  # pragma: no cover - defensive
            self._log.debug("%s: close failed: %s", self._peer, e)

    async def close(self) -> None:
        if self._closing:
            if not self._closed:
                await self._wait_closed()
            return
        self._closing = True
        try:
            await asyncio.wait_for(self._idle.wait(), CLOSE_TIMEOUT)
        except TimeoutError:
            self._log.warning(
                "%s: close: unsent messages dropped after %.1fs", self._peer, CLOSE_TIMEOUT
            )
        self._closed = True
        self._writer_task.cancel()
        self._close_writer()
        self._reader.feed_eof()
        await self._wait_closed()

    async def _wait_closed(self) -> None:
        try:
            await asyncio.wait_for(self._writer.wait_closed(), CLOSE_TIMEOUT)
        except (TimeoutError, ConnectionError, OSError, NotImplementedError):
            pass

    def __repr__(self) -> str:
        return f"StreamTransport({self._peer!r})"


def set_socket_options(
    writer: asyncio.StreamWriter | asyncio.BaseTransport,
) -> Callable[[], None] | None:
    """TCP_NODELAY on; return a hook that re-arms TCP_QUICKACK after each read (Linux)."""
    import socket

    sock: Any = writer.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return None
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is None:
        return None

    def rearm() -> None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)
        except OSError:
            pass

    rearm()
    return rearm


def call_after_each_chunk(reader: asyncio.StreamReader, hook: Callable[[], None]) -> None:
    """Run ``hook`` each time the socket delivers data, before the reader wakes up.

    For ``set_socket_options``' TCP_QUICKACK hook: re-arming only after a whole message is
    too late. A client with Nagle on that writes header and body separately (vscode-jsonrpc's
    ``SocketMessageWriter``) holds the body until the header is ACKed, and after our last
    reply the kernel is in delayed-ACK mode: ~40 ms per request. Re-arming on arrival of the
    header sends that ACK at once.
    """
    feed = reader.feed_data

    def feed_data(data: Any) -> None:  # typeshed: Iterable[SupportsIndex]
        feed(data)
        hook()

    reader.feed_data = feed_data  # type: ignore[method-assign]


async def connect_tcp(host: str, port: int, *, peer: str | None = None) -> StreamTransport:
    """Client side: a transport to a TCP server (tests, benchmarks, bridges)."""
    reader, writer = await asyncio.open_connection(host, port, limit=READ_LIMIT)
    hook = set_socket_options(writer)
    return StreamTransport(reader, writer, peer=peer or f"tcp:{host}:{port}", after_read=hook)


async def connect_unix(path: str, *, peer: str | None = None) -> StreamTransport:
    """Client side: a transport to a Unix-socket server."""
    reader, writer = await asyncio.open_unix_connection(path, limit=READ_LIMIT)
    return StreamTransport(reader, writer, peer=peer or f"unix:{path}")


async def serve_connection(
    server: SessionServer,
    transport: MessageTransport,
    *,
    auth_token: str | None,
    sessions: set[asyncio.Task[None]],
) -> None:
    """Run one socket client's session: behind the ``$/authenticate`` check when a
    token is set, and tracked in ``sessions`` so that the listener can cancel it."""
    if auth_token:
        transport = AuthenticatingTransport(transport, auth_token)
    task = asyncio.current_task()
    if task is not None:
        sessions.add(task)
    try:
        await server.serve(transport)
    finally:
        if task is not None:
            sessions.discard(task)
