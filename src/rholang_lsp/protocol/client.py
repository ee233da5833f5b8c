"""A small JSON-RPC client on the same ``Endpoint`` (tests, benchmarks, bridges)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import msgspec
from msgspec import UNSET, Raw

from rholang_lsp.protocol.endpoint import Endpoint
from rholang_lsp.protocol.messages import METHOD_NOT_FOUND, RequestId, ResponseError
from rholang_lsp.protocol.transport import MessageTransport


class JsonRpcClient:
    """Talks to a server over a ``MessageTransport``.

    ``handlers`` answer server -> client requests (``params -> result``);
    notifications from the server are recorded in ``notifications`` and can be
    awaited with ``wait_notification``.
    """

    def __init__(
        self,
        transport: MessageTransport,
        handlers: dict[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        self.handlers = dict(handlers or {})
        self.notifications: list[tuple[str, Any]] = []
        self.requests_received: list[tuple[str, Any]] = []
        self._changed = asyncio.Condition()
        self.endpoint = Endpoint(transport, self)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            await self.endpoint.run()
        finally:
            async with self._changed:
                self._changed.notify_all()

    # Dispatcher
    def dispatch_request(self, method: str, params: Raw, request_id: RequestId) -> Any:
        decoded = msgspec.json.decode(params) if params else None
        self.requests_received.append((method, decoded))
        handler = self.handlers.get(method)
        if handler is None:
            raise ResponseError(METHOD_NOT_FOUND, f"client: no handler for {method}")
        return handler(decoded)

    def dispatch_notification(self, method: str, params: Raw) -> None:
        self.notifications.append((method, msgspec.json.decode(params) if params else None))
        self._spawn_notify()

    def _spawn_notify(self) -> None:
        async def notify_all() -> None:
            async with self._changed:
                self._changed.notify_all()

        asyncio.get_running_loop().create_task(notify_all())

    # API
    async def request(self, method: str, params: Any = None, *, timeout: float = 10.0) -> Any:
        return await self.endpoint.request(method, params, timeout=timeout)

    def notify(self, method: str, params: Any = UNSET) -> None:
        self.endpoint.notify(method, params)

    def send_raw(self, body: bytes) -> None:
        """Send an arbitrary body (malformed-input tests)."""
        self.endpoint.transport.send(body, flush=True)

    async def wait_notification(
        self,
        method: str,
        predicate: Callable[[Any], bool] | None = None,
        *,
        timeout: float = 5.0,
        start: int = 0,
    ) -> Any:
        """Params of the first notification ``method`` (from index ``start``) matching ``predicate``."""

        def find() -> Any:
            for m, p in self.notifications[start:]:
                if m == method and (predicate is None or predicate(p)):
                    return (p,)
            return None

        async def wait() -> Any:
            async with self._changed:
                found = find()
                while found is None:
                    if self.endpoint.closed:
                        raise ConnectionError(f"connection closed while waiting for {method}")
                    await self._changed.wait()
                    found = find()
                return found[0]

        return await asyncio.wait_for(wait(), timeout)

    @property
    def closed(self) -> bool:
        return self.endpoint.closed

    async def wait_closed(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(asyncio.shield(self._task), timeout)

    async def close(self) -> None:
        self.endpoint.stop()
        try:
            await asyncio.wait_for(self._task, 5.0)
        except (TimeoutError, asyncio.CancelledError):
            pass
