"""The ``Server``: one per process, holds what connections share; runs one ``Session`` per connection."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Any

import msgspec

from rholang_lsp.metrics import Metrics
from rholang_lsp.protocol.transport import MessageTransport
from rholang_lsp.protocol.wirelog import WireLog
from rholang_lsp.server.process import DEFAULT_POLL_INTERVAL, watch_process
from rholang_lsp.server.queueing import RequestQueue
from rholang_lsp.server.registry import HandlerRegistry
from rholang_lsp.server.session import Session
from rholang_lsp.server.validation import ValidatorSettings, close_providers
from rholang_lsp.server.watchdog import LoopWatchdog
from rholang_lsp.transports.stream import DEFAULT_MAX_OUTBOUND
from rholang_lsp.workspace.documents import DEFAULT_MAX_DOCUMENT_CHARS
from rholang_lsp.workspace.shared import BackendOptions, SharedBackend

_log = logging.getLogger(__name__)


class ServerOptions(msgspec.Struct):
    """Server-wide settings (from the CLI or a test)."""

    diagnostics_debounce: float = 0.08  # seconds after the last didChange
    diagnostics_target: str = "f1r3fly"
    test_handlers: bool = False  # register ``rholang/_test/*`` handlers
    watch_client_pid: bool = False  # end a session when its initialize ``processId`` exits
    pid_poll_interval: float = DEFAULT_POLL_INTERVAL
    client_request_timeout: float = 30.0  # default timeout of server -> client requests
    wire_log: WireLog | None = None
    static_capabilities: dict[str, Any] = msgspec.field(default_factory=dict)
    metrics: bool = True  # record metrics (``--no-metrics`` only to measure their cost)
    # unsent bytes queued for one stream (stdio/TCP/Unix) client past which it is dropped
    max_outbound_bytes: int = DEFAULT_MAX_OUTBOUND
    # open documents longer than this (characters) are not analysed (one diagnostic says so)
    max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
    #: the shared workspace backend (its ``target`` is replaced by ``diagnostics_target``)
    backend: BackendOptions = msgspec.field(default_factory=BackendOptions)
    # event-loop stalls longer than this are logged and counted (None: no watchdog)
    stall_threshold: float | None = None
    #: who judges documents (built-in checker or a node; ``--validator-backend``,
    #: ``--rnode-*``) unless a client's ``rholang.validator`` says otherwise
    validator: ValidatorSettings = msgspec.field(default_factory=ValidatorSettings)


class Server:
    """Shared state and the session factory.

    ``serve(transport)`` runs one client session to its end; every transport
    (stdio, TCP, Unix socket, WebSocket) calls it once per connection.

    ``backend`` is the shared workspace backend (one index per root, shared by
    the connections); ``request_queue`` orders the requests that wait for indexing.
    """

    def __init__(
        self, options: ServerOptions | None = None, registry: HandlerRegistry | None = None
    ) -> None:
        self.options = options or ServerOptions()
        self.registry = registry or HandlerRegistry.discover(
            include_test_handlers=self.options.test_handlers
        )
        self.metrics: Metrics | None = Metrics() if self.options.metrics else None
        backend_options = msgspec.structs.replace(
            self.options.backend, target=self.options.diagnostics_target
        )
        # cheap to make: its worker pool starts the first time a run needs it
        self.backend = SharedBackend(backend_options, metrics=self.metrics, on_idle=self.stop)
        self.request_queue = RequestQueue(
            timeout=backend_options.queue_timeout,
            max_queued=backend_options.max_queued,
            metrics=self.metrics,
        )
        self.sessions: set[Session] = set()
        self.node_providers: dict[Any, Any] = {}  # NodeAddress -> NodeProvider (validation.py)
        self._ids = itertools.count(1)
        self._stopped = asyncio.Event()
        self._monitor: asyncio.Task[None] | None = None
        self._summary_logged = False
        self.watchdog: LoopWatchdog | None = None

    async def serve(self, transport: MessageTransport) -> None:
        """Run one client session over ``transport`` until it ends (never raises)."""
        await self.run_session(transport)

    async def run_session(self, transport: MessageTransport) -> Session:
        """Like ``serve`` but returns the finished session (stdio needs its exit state)."""
        t0 = time.perf_counter()
        if self.watchdog is None and self.options.stall_threshold is not None:
            self.start_watchdog(self.options.stall_threshold)
        session = Session(self, transport, next(self._ids))
        self.sessions.add(session)
        backend = self.backend
        backend.connection_opened()
        metrics = self.metrics
        # The WebSocket transport records its own connections (handshake included).
        kind = transport_kind(transport.peer)
        if metrics is not None and kind != "ws":
            metrics.connection_opened(kind, time.perf_counter() - t0)
        if self._stopped.is_set():
            session.close()
        try:
            await session.run()
        except Exception:
            _log.exception("%s: session crashed", session.peer)
        finally:
            self.sessions.discard(session)
            backend.connection_closed()
            if metrics is not None:
                if kind != "ws":
                    metrics.connection_closed(kind)
                metrics.session_closed(str(session.id))
        return session

    def start_watchdog(self, threshold: float) -> LoopWatchdog:
        """Measure event-loop stalls from now on (``metrics`` -> ``loop``)."""
        if self.watchdog is None:
            self.watchdog = LoopWatchdog(threshold=threshold)
            self.watchdog.start()
            if self.metrics is not None:
                self.metrics.loop_watchdog = self.watchdog
        return self.watchdog

    # ------------------------------------------------------------------ process-wide stop

    @property
    def stopping(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        """Stop serving: every session is closed; transports' accept loops end."""
        if self._stopped.is_set():
            return
        _log.info("server stopping (%d session(s))", len(self.sessions))
        self._stopped.set()
        for session in list(self.sessions):
            session.close()
        if self._monitor is not None:
            self._monitor.cancel()
        if self.watchdog is not None:
            self.watchdog.stop()

    async def aclose(self) -> None:
        """Stop, then close the shared backend (worker pool, index caches saved).

        Logs the one-line metrics summary (once).
        """
        self.stop()
        await self.backend.close()
        await close_providers(self)
        if self.metrics is not None and not self._summary_logged:
            self._summary_logged = True
            _log.info("%s", self.metrics.summary_line())

    async def wait_stopped(self) -> None:
        await self._stopped.wait()

    def monitor_client_process(self, pid: int) -> None:
        """Stop the whole server when process ``pid`` exits (``--client-process-id``)."""
        self._monitor = asyncio.get_running_loop().create_task(
            watch_process(pid, self.stop, interval=self.options.pid_poll_interval)
        )


def transport_kind(peer: str) -> str:
    """ "stdio", "tcp", "unix", "ws" or "other", from a transport's ``peer`` string."""
    for kind in ("stdio", "tcp", "unix", "ws"):
        if peer.startswith(kind):
            return kind
    return "other"
