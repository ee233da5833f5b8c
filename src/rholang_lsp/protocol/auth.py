"""Optional connection authentication: the first message must be ``$/authenticate``
with ``{"token": ...}``; otherwise the connection is closed.

Before authentication a connection costs little: its first message may be at most
``MAX_UNAUTHENTICATED_MESSAGE`` bytes (a larger one closes it without buffering it),
it must arrive within ``AUTH_TIMEOUT`` seconds, and at most ``MAX_UNAUTHENTICATED``
connections per process may be waiting to authenticate: a new one closes the oldest
waiting (so a flood of idle connections costs a bounded amount of memory and cannot
lock out a client that authenticates promptly).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

import msgspec

from rholang_lsp.protocol.transport import MessageTooLarge, MessageTransport

AUTH_METHOD: Final = "$/authenticate"
AUTH_TIMEOUT: Final = 10.0
#: Largest first message (``$/authenticate``) of a connection not yet authenticated.
MAX_UNAUTHENTICATED_MESSAGE: Final = 64 * 1024
#: Connections waiting to authenticate, per process; more are closed immediately.
MAX_UNAUTHENTICATED: Final = 64

# connections of this process waiting to authenticate, oldest first
_waiting: dict[AuthenticatingTransport, None] = {}

_log = logging.getLogger(__name__)


class _AuthParams(msgspec.Struct):
    token: str


class _AuthMessage(msgspec.Struct):
    method: str
    params: _AuthParams
    id: int | str | None = None


class AuthenticatingTransport:
    """Wraps a transport; the first message read must authenticate the peer."""

    def __init__(self, inner: MessageTransport, token: str) -> None:
        self._inner = inner
        self._token = token.encode()
        self._authenticated = False

    @staticmethod
    def waiting() -> int:
        """Connections of this process waiting to authenticate."""
        return len(_waiting)

    @property
    def peer(self) -> str:
        return self._inner.peer

    async def read_message(self) -> bytes | None:
        if not self._authenticated:
            while len(_waiting) >= MAX_UNAUTHENTICATED:
                oldest = next(iter(_waiting))
                del _waiting[oldest]
                _log.warning(
                    "%s: %d connections waiting to authenticate; closing the oldest, %s",
                    self.peer,
                    MAX_UNAUTHENTICATED,
                    oldest.peer,
                )
                asyncio.ensure_future(oldest._inner.close())
            _waiting[self] = None
            try:
                body = await self._first_message()
            finally:
                _waiting.pop(self, None)
            if body is None:
                await self._inner.close()
                return None
            if not self._check(body):
                _log.warning("%s: authentication failed; closing", self.peer)
                await self._inner.close()
                return None
            self._authenticated = True
        return await self._inner.read_message()

    async def _first_message(self) -> bytes | None:
        """The first message, small and in time (else None: the caller closes)."""
        limit = getattr(self._inner, "max_message", None)
        if isinstance(limit, int):
            self._inner.max_message = min(limit, MAX_UNAUTHENTICATED_MESSAGE)  # type: ignore[attr-defined]
        try:
            return await asyncio.wait_for(self._inner.read_message(), AUTH_TIMEOUT)
        except TimeoutError:
            _log.warning("%s: no authentication within %.0fs; closing", self.peer, AUTH_TIMEOUT)
            return None
        except MessageTooLarge as e:
            _log.warning("%s: first message too large before authentication: %s", self.peer, e)
            return None
        finally:
            if isinstance(limit, int):
                self._inner.max_message = limit  # type: ignore[attr-defined]

    def _check(self, body: bytes) -> bool:
        try:
            msg = msgspec.json.decode(body, type=_AuthMessage)
        except msgspec.DecodeError:
            return False
        if msg.method != AUTH_METHOD:
            return False
        import hmac  # only with a token: not loaded by a plain stdio server (issue 19)

        if not hmac.compare_digest(msg.params.token.encode(), self._token):
            return False
        if msg.id is not None:
            self._inner.send(
                msgspec.json.encode({"jsonrpc": "2.0", "id": msg.id, "result": True}), flush=True
            )
        return True

    def send(self, body: bytes, *, flush: bool = False) -> None:
        self._inner.send(body, flush=flush)

    async def drain(self) -> None:
        await self._inner.drain()

    async def close(self) -> None:
        await self._inner.close()
