"""TCP transport: one session per accepted connection, all sharing one ``Server``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from rholang_lsp.protocol.framing import DEFAULT_MAX_BODY
from rholang_lsp.protocol.transport import MessageTransport
from rholang_lsp.transports.stream import (
    DEFAULT_MAX_OUTBOUND,
    READ_LIMIT,
    SessionServer,
    StreamTransport,
    call_after_each_chunk,
    serve_connection,
    set_socket_options,
)

_log = logging.getLogger(__name__)


async def serve_tcp(
    server: SessionServer,
    host: str,
    port: int,
    *,
    auth_token: str | None = None,
    ready: Callable[[str, int], None] | None = None,
    max_outbound: int = DEFAULT_MAX_OUTBOUND,
    max_message: int = DEFAULT_MAX_BODY,
) -> None:
    """Listen on ``host:port`` (0 = any free port) until cancelled.

    A client whose unsent output passes ``max_outbound`` bytes is dropped (it stopped reading);
    a message over ``max_message`` bytes is skipped and answered with an error.
    """
    sessions: set[asyncio.Task[None]] = set()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        addr = writer.get_extra_info("peername")
        peer = f"tcp:{addr[0]}:{addr[1]}" if isinstance(addr, tuple) else "tcp"
        rearm = set_socket_options(writer)
        if rearm is not None:
            call_after_each_chunk(reader, rearm)  # TCP_QUICKACK on every read, not per message
        transport: MessageTransport = StreamTransport(
            reader, writer, peer=peer, max_outbound=max_outbound, max_body=max_message
        )
        await serve_connection(server, transport, auth_token=auth_token, sessions=sessions)

    listener = await asyncio.start_server(on_connect, host, port, limit=READ_LIMIT)
    sock_host, sock_port = listener.sockets[0].getsockname()[:2]
    _log.info("listening on tcp://%s:%d", sock_host, sock_port)
    if ready is not None:
        ready(sock_host, sock_port)
    try:
        await asyncio.Future()  # until cancelled
    finally:
        listener.close()
        if sessions:
            await asyncio.wait(sessions, timeout=5.0)
        await listener.wait_closed()
