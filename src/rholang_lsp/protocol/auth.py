"""Optional connection authentication: the first message must be ``$/authenticate``
with ``{"token": ...}``; otherwise the connection is closed."""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Final

import msgspec

from rholang_lsp.protocol.transport import MessageTransport

AUTH_METHOD: Final = "$/authenticate"
AUTH_TIMEOUT: Final = 10.0

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

    @property
    def peer(self) -> str:
        return self._inner.peer

    async def read_message(self) -> bytes | None:
        if not self._authenticated:
            try:
                body = await asyncio.wait_for(self._inner.read_message(), AUTH_TIMEOUT)
            except TimeoutError:
                _log.warning("%s: no authentication within %.0fs; closing", self.peer, AUTH_TIMEOUT)
                await self._inner.close()
                return None
            if body is None:
                return None
            if not self._check(body):
                _log.warning("%s: authentication failed; closing", self.peer)
                await self._inner.close()
                return None
            self._authenticated = True
        return await self._inner.read_message()

    def _check(self, body: bytes) -> bool:
        try:
            msg = msgspec.json.decode(body, type=_AuthMessage)
        except msgspec.DecodeError:
            return False
        if msg.method != AUTH_METHOD:
            return False
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
