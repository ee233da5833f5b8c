"""Unix-domain socket transport (``--pipe PATH``): one session per connection."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import stat
from collections.abc import Callable

from rholang_lsp.protocol.framing import DEFAULT_MAX_BODY
from rholang_lsp.protocol.transport import MessageTransport
from rholang_lsp.transports.stream import (
    DEFAULT_MAX_OUTBOUND,
    READ_LIMIT,
    SessionServer,
    StreamTransport,
    serve_connection,
)

_log = logging.getLogger(__name__)


class SocketInUse(RuntimeError):
    pass


def remove_stale_socket(path: str) -> None:
    """Remove ``path`` if it is a socket nobody listens on; refuse other files and live sockets."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(st.st_mode):
        raise SocketInUse(f"{path} exists and is not a socket; not removing it")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        probe.connect(path)
    except OSError:
        _log.info("removing stale socket %s", path)
        os.unlink(path)
        return
    finally:
        probe.close()
    raise SocketInUse(f"{path}: another server is listening there")


async def serve_unix(
    server: SessionServer,
    path: str,
    *,
    auth_token: str | None = None,
    ready: Callable[[str], None] | None = None,
    max_outbound: int = DEFAULT_MAX_OUTBOUND,
    max_message: int = DEFAULT_MAX_BODY,
) -> None:
    """Listen on the Unix socket ``path`` until cancelled; remove it afterwards.

    A client whose unsent output passes ``max_outbound`` bytes is dropped (it stopped reading);
    a message over ``max_message`` bytes is skipped and answered with an error.
    """
    remove_stale_socket(path)
    sessions: set[asyncio.Task[None]] = set()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        transport: MessageTransport = StreamTransport(
            reader, writer, peer=f"unix:{path}", max_outbound=max_outbound, max_body=max_message
        )
        await serve_connection(server, transport, auth_token=auth_token, sessions=sessions)

    # Only the user may connect, whatever the umask: bind under a strict umask, then chmod.
    old_umask = os.umask(0o177)
    try:
        listener = await asyncio.start_unix_server(on_connect, path, limit=READ_LIMIT)
    finally:
        os.umask(old_umask)
    os.chmod(path, 0o600)
    inode = os.stat(path).st_ino
    _log.info("listening on unix:%s", path)
    if ready is not None:
        ready(path)
    try:
        await asyncio.Future()  # until cancelled
    finally:
        listener.close()
        if sessions:
            await asyncio.wait(sessions, timeout=5.0)
        await listener.wait_closed()
        try:
            if os.stat(path).st_ino == inode:
                os.unlink(path)
        except FileNotFoundError:
            pass
