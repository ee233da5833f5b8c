"""One client connection: LSP lifecycle, negotiated options, open documents, diagnostics.

Per-connection state lives here and only here; state shared by connections
lives on the ``Server``.

Execution model (issue 20: one client can never freeze the others). Plain request
handlers and diagnostics runs are *jobs*: they run in the session's worker thread
(``server.worker``), never on the event loop, and their result is encoded there too.
The session's *turn* (a FIFO lock) keeps its messages in arrival order: a job holds
the turn while it runs, and a notification that arrives meanwhile (``didChange``)
waits its turn instead of changing a document under the job's feet; with no job
pending, notifications run at once on the loop (they are cheap). A job is
cancellable: ``$/cancelRequest`` drops it or interrupts its thread (-32800), and a
change of its document supersedes a document-wide job (semantic tokens, folding,
symbols, diagnostics): -32801 ``ContentModified``. ``inline`` handlers (``ping``,
metrics) answer on the loop at once, whatever the session is doing.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import msgspec
from msgspec import UNSET, Raw

from rholang_lsp import __version__
from rholang_lsp.protocol.endpoint import Endpoint
from rholang_lsp.protocol.lsp import InitializeParams, WorkspaceFolder
from rholang_lsp.protocol.messages import (
    CONTENT_MODIFIED,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    REQUEST_CANCELLED,
    SERVER_NOT_INITIALIZED,
    RequestId,
    ResponseError,
)
from rholang_lsp.protocol.transport import MessageTransport
from rholang_lsp.server import embedded, indexing, queueing, warmup
from rholang_lsp.server.config import SessionConfig
from rholang_lsp.server.diagnostics import DiagnosticsPublisher
from rholang_lsp.server.positions import EmbeddedLookup, Positions, no_embedded
from rholang_lsp.server.process import watch_process
from rholang_lsp.server.registry import HandlerSpec, IndexNeed, deep_merge
from rholang_lsp.server.uris import is_under, uri_to_path
from rholang_lsp.server.worker import Job, JobInterrupted, SessionWorker
from rholang_lsp.syntax.line_index import SUPPORTED_ENCODINGS, UTF16

if TYPE_CHECKING:
    from rholang_lsp.server.server import Server
    from rholang_lsp.server.validation import ValidatorSettings
    from rholang_lsp.workspace.documents import TextDocument
    from rholang_lsp.workspace.snapshot import Snapshot

T = TypeVar("T")

SERVER_NAME: Final = "rholang-language-server"
_NULL: Final = b"null"
_RAW_NULL: Final = Raw(_NULL)

#: Requests about a whole document whose answer a change of that document makes stale.
SUPERSEDED_BY_CHANGE: Final = frozenset(
    {
        "textDocument/semanticTokens/full",
        "textDocument/semanticTokens/full/delta",
        "textDocument/semanticTokens/range",
        "textDocument/foldingRange",
        "textDocument/documentSymbol",
        "textDocument/inlayHint",
        "textDocument/codeLens",
        "diagnostics",
    }
)
#: Notifications that change a document (they supersede the jobs on it).
_CHANGES: Final = frozenset({"textDocument/didChange", "textDocument/didClose"})
_encode = msgspec.json.Encoder().encode


class State(enum.Enum):
    UNINITIALIZED = "uninitialized"
    INITIALIZED = "initialized"  # initialize answered (the ``initialized`` notification may follow)
    SHUTDOWN = "shutdown"  # shutdown answered; only ``exit`` is accepted
    CLOSED = "closed"


#: Module constants: an Enum member looked up on its class costs ~80 ns on Python 3.11,
#: paid per request on the dispatch path.
_INITIALIZED: Final = State.INITIALIZED
_NO_INDEX: Final = IndexNeed.NONE


class Session:
    """Per-connection LSP state; the ``Dispatcher`` of its ``Endpoint``."""

    def __init__(self, server: Server, transport: MessageTransport, session_id: int) -> None:
        self.server = server
        self.id = session_id
        self.peer = f"#{session_id} {transport.peer}"
        self.log = logging.getLogger("rholang_lsp.session")
        metrics = server.metrics
        self.endpoint = Endpoint(
            transport,
            self,
            wire_log=server.options.wire_log,
            logger=self.log,
            on_request_done=metrics.request_finished if metrics is not None else None,
            on_requests_done=metrics.requests_finished if metrics is not None else None,
        )
        self.state = State.UNINITIALIZED
        self.initialized_received = False
        self.shutdown_received = False
        self.exit_received = False
        self.initialize_params: InitializeParams | None = None
        self.client_capabilities: dict[str, Any] = {}
        self.config = SessionConfig(
            target=server.options.diagnostics_target,
            validator_default=server.options.validator,
        )
        self.workspace_folders: list[WorkspaceFolder] = []
        self.documents: dict[str, TextDocument] = {}
        #: embedded (virtual) documents by uri: their positions convert through the host's
        self.embedded: EmbeddedLookup = no_embedded
        #: this session's virtual documents (embedded MeTTa regions) in the registries
        self.virtual_documents = embedded.SessionEmbedded(self)
        self.embedded = self.virtual_documents.lookup
        self.diagnostics = DiagnosticsPublisher(self, debounce=server.options.diagnostics_debounce)
        #: the last semantic tokens sent per uri (result id, data): the base of delta requests
        self.semantic_tokens: dict[str, tuple[str, list[int]]] = {}
        self.indexing = indexing.SessionIndexing(self)
        self._monitor: asyncio.Task[None] | None = None
        self.worker = SessionWorker(f"session-{session_id}")
        self._turn = asyncio.Lock()  # FIFO: jobs and the notifications queued behind them
        self._queued = 0  # jobs and notifications holding or waiting for the turn
        self._jobs: list[Job] = []  # jobs holding or waiting for the turn, in order
        #: loads the language layers after ``initialized`` (``server.warmup``), holding the turn
        self._warm_up: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ running

    async def run(self) -> None:
        """Serve this connection until ``exit``, end of stream, or ``close()``."""
        self.log.info("%s: session started", self.peer)
        try:
            await self.endpoint.run()
        finally:
            self.state = State.CLOSED
            if self._warm_up is not None:
                self._warm_up.cancel()
            self.worker.close()
            self.diagnostics.close()
            embedded.on_session_closed(self)  # its virtual documents, in every registry
            indexing.on_session_closed(self)  # release the shared workspaces
            if self._monitor is not None:
                self._monitor.cancel()
            self.log.info(
                "%s: session ended (%s)",
                self.peer,
                "shutdown+exit" if self.shutdown_received else "no shutdown",
            )

    def close(self) -> None:
        """End the session (server stopping, client process gone)."""
        self.endpoint.stop()

    # ------------------------------------------------------------------ to the client

    def notify(self, method: str, params: Any = UNSET) -> None:
        """Send a notification to the client."""
        self.endpoint.notify(method, params)

    async def request(
        self,
        method: str,
        params: Any = None,
        *,
        timeout: float | None = None,
        result_type: type[T] | Any = Any,
    ) -> T:
        """Send a request to the client and await its result.

        Raises ``ResponseError`` (client error), ``TimeoutError`` or ``TransportClosed``.
        """
        if timeout is None:
            timeout = self.server.options.client_request_timeout
        result: T = await self.endpoint.request(
            method, params, timeout=timeout, result_type=result_type
        )
        return result

    def log_message(self, message: str, type_: int = 3) -> None:
        """``window/logMessage`` (1 error, 2 warning, 3 info, 4 log)."""
        self.notify("window/logMessage", {"type": type_, "message": message})

    def show_message(self, message: str, type_: int = 3) -> None:
        """``window/showMessage`` (1 error, 2 warning, 3 info, 4 log): the user sees it."""
        self.notify("window/showMessage", {"type": type_, "message": message})

    @property
    def validator(self) -> ValidatorSettings:
        """Who judges this session's documents (``config.validator``; server/validation.py)."""
        return self.config.validator

    @property
    def position_encoding(self) -> str:
        """The negotiated position encoding (``config.position_encoding``)."""
        return self.config.position_encoding

    # ------------------------------------------------------------------ documents and folders

    def positions(self, snapshot: Snapshot | None = None) -> Positions:
        """Position conversions for one request: open documents, embedded documents, and
        (with ``snapshot``) the closed files it knows, in the negotiated encoding."""
        return Positions(self.position_encoding, self.documents, snapshot, self.embedded)

    @property
    def workspace_roots(self) -> list[Path]:
        roots = []
        for folder in self.workspace_folders:
            path = uri_to_path(folder.uri)
            if path is not None:
                roots.append(path)
        return roots

    def is_in_workspace(self, path: str | Path) -> bool:
        """True if ``path`` lies under one of the workspace folders (we only read files there)."""
        return is_under(path, self.workspace_roots)

    # ------------------------------------------------------------------ dispatch

    def dispatch_request(self, method: str, params: Raw, request_id: RequestId) -> Any:
        state = self.state
        if state is not _INITIALIZED:
            if state is State.UNINITIALIZED:
                if method == "initialize":
                    return self._initialize(params)
                raise ResponseError(SERVER_NOT_INITIALIZED, f"{method}: server not initialized")
            raise ResponseError(INVALID_REQUEST, f"{method}: server is shut down")
        if method == "shutdown":
            self.state = State.SHUTDOWN
            self.shutdown_received = True
            return None
        if method == "initialize":
            raise ResponseError(INVALID_REQUEST, "initialize: already initialized")
        spec = self.server.registry.requests.get(method)
        if spec is None:
            raise ResponseError(METHOD_NOT_FOUND, f"method not found: {method}")
        # Raw params (an echo) are already valid JSON: nothing to decode.
        decoded = (params or _RAW_NULL) if spec.raw_params else self._decode(spec, params)
        fn = spec.fn
        if not (spec.inline or spec.is_async):
            fn = functools.partial(self._job_of, method, spec.fn)
        if spec.needs_index is not _NO_INDEX:
            admission = queueing.gate(self, spec, decoded)  # workspace requests during indexing
            if admission is not None:
                return queueing.run_after(admission, fn, self, decoded)
        return fn(self, decoded)

    def _job_of(self, method: str, fn: Any, _session: Session, params: Any) -> Any:
        """The awaitable answer of a plain handler run as a job (encoded off the loop)."""
        uri = _document_uri(params) if method in SUPERSEDED_BY_CHANGE else None
        return self.run_job(
            _encoded,
            (fn, self, params, method),
            label=method,
            uri=uri,
            supersedable=uri is not None,
        )

    # ------------------------------------------------------------------ jobs and the turn

    async def run_job(
        self,
        fn: Any,
        args: tuple[Any, ...],
        *,
        label: str,
        uri: str | None = None,
        supersedable: bool = False,
    ) -> Any:
        """Run ``fn(*args)`` in the session's worker when its turn comes; return its result.

        Cancelling the awaiting task drops or interrupts the job (and waits for the
        thread to let go before the turn passes on). A superseded job raises
        ``ResponseError(CONTENT_MODIFIED)``.
        """
        job = Job(fn, args, label=label, uri=uri, supersedable=supersedable)
        self._jobs.append(job)
        self._queued += 1
        try:
            async with self._turn:
                if job.kill:
                    raise ResponseError(CONTENT_MODIFIED, f"{label}: document changed")
                if not warmup.loaded():  # only the loop thread imports the language layers
                    loading = warmup.ready()
                    if loading is not None:
                        with contextlib.suppress(Exception):  # the job meets the error itself
                            await loading
                    if job.kill:
                        raise ResponseError(CONTENT_MODIFIED, f"{label}: document changed")
                try:
                    fut = self.worker.start(job)
                except JobInterrupted:  # the session is closing
                    raise ResponseError(REQUEST_CANCELLED, f"{label}: session closing") from None
                try:
                    return await asyncio.shield(fut)
                except asyncio.CancelledError:
                    self.worker.interrupt(job)
                    await _settled(fut)  # the thread let go
                    raise
                except JobInterrupted:
                    raise ResponseError(CONTENT_MODIFIED, f"{label}: document changed") from None
        finally:
            self._queued -= 1
            self._jobs.remove(job)

    def _supersede(self, uri: str) -> None:
        """A change of ``uri`` arrived: the document-wide jobs on it are stale."""
        for job in self._jobs:
            if job.supersedable and job.uri == uri:
                self.worker.interrupt(job)

    async def _in_turn(self, handlers: list[tuple[HandlerSpec, Any]]) -> None:
        """Run notification handlers on the loop once the jobs before them are done."""
        self._queued += 1
        try:
            async with self._turn:
                pending = [r for spec, p in handlers if (r := spec.fn(self, p)) is not None]
                for aw in pending:
                    await aw
        finally:
            self._queued -= 1

    def dispatch_notification(self, method: str, params: Raw) -> Any:
        if method == "exit":
            self.exit_received = True
            self.close()
            return None
        if self.state is not State.INITIALIZED:
            self.log.debug("%s: %s dropped (%s)", self.peer, method, self.state.value)
            return None
        if method == "initialized":
            self.initialized_received = True
            # after this notification's handlers (indexing starts, progress begins at once)
            asyncio.get_running_loop().call_soon(self._start_warm_up)
        specs = self.server.registry.notifications.get(method)
        if not specs:
            if method != "initialized" and not method.startswith("$/"):
                self.log.debug("%s: unhandled notification %s", self.peer, method)
            return None
        decoded = [(spec, self._decode(spec, params)) for spec in specs]
        if method in _CHANGES and self._jobs:
            uri = _document_uri(decoded[0][1])
            if uri is not None:
                self._supersede(uri)
        if self._queued:  # jobs before it: keep the order (and the documents still)
            return self._in_turn(decoded)
        pending = []
        for spec, p in decoded:
            result = spec.fn(self, p)
            if result is not None:
                pending.append(result)
        if not pending:
            return None
        return pending[0] if len(pending) == 1 else asyncio.gather(*pending)

    def _start_warm_up(self) -> None:
        """Load the language layers (``server.warmup``) once the ``initialized`` handlers
        have run: the turn is taken now, so the notifications and jobs after them wait for
        it (the client has had its ``initialize`` answer)."""
        if self._warm_up is not None or warmup.loaded() or self.state is not State.INITIALIZED:
            return
        self._queued += 1  # counted now: what arrives from here on queues behind it
        self._warm_up = asyncio.ensure_future(self._warm_up_in_turn())

    async def _warm_up_in_turn(self) -> None:
        try:
            async with self._turn:
                t0 = time.perf_counter()
                loading = warmup.ready()
                if loading is not None:
                    count = await loading
                    self.log.debug(
                        "%s: language layers loaded (%d modules, %.0f ms)",
                        self.peer,
                        count,
                        (time.perf_counter() - t0) * 1000,
                    )
        except asyncio.CancelledError:
            pass
        except Exception:  # an import error shows again where the module is used
            self.log.exception("%s: loading the language layers failed", self.peer)
        finally:
            self._queued -= 1

    def _decode(self, spec: HandlerSpec, params: Raw) -> Any:
        try:
            return spec.decoder.decode(params or _NULL)
        except msgspec.ValidationError as e:
            raise ResponseError(INVALID_PARAMS, f"invalid params for {spec.method}: {e}") from None
        except msgspec.DecodeError as e:  # pragma: no cover - already valid JSON
            raise ResponseError(INVALID_PARAMS, f"invalid params for {spec.method}: {e}") from None

    # ------------------------------------------------------------------ initialize

    def _initialize(self, raw: Raw) -> dict[str, Any]:
        t0 = time.perf_counter()
        result = self._initialize_inner(raw)
        metrics = self.server.metrics
        if metrics is not None:
            metrics.initialize_latency(time.perf_counter() - t0)
        return result

    def _initialize_inner(self, raw: Raw) -> dict[str, Any]:
        try:
            params = msgspec.json.decode(raw or b"{}", type=InitializeParams)
        except msgspec.ValidationError as e:
            raise ResponseError(INVALID_PARAMS, f"invalid params for initialize: {e}") from None
        self.initialize_params = params
        self.client_capabilities = params.capabilities
        self.config.position_encoding = self._negotiate_encoding(params.capabilities)
        if params.workspaceFolders:
            self.workspace_folders = list(params.workspaceFolders)
        elif params.rootUri:
            self.workspace_folders = [WorkspaceFolder(params.rootUri, Path(params.rootUri).name)]
        elif params.rootPath:
            path = Path(params.rootPath)
            self.workspace_folders = [WorkspaceFolder(path.absolute().as_uri(), path.name)]
        if params.processId is not None and self.server.options.watch_client_pid:
            self._monitor = asyncio.get_running_loop().create_task(
                watch_process(
                    params.processId,
                    self._client_gone,
                    interval=self.server.options.pid_poll_interval,
                )
            )
        self.config.initialize(params.initializationOptions)
        if self.config.validator_problem:
            self.show_message(f"Rholang: {self.config.validator_problem}", 2)
        self.state = State.INITIALIZED
        indexing.on_initialize(
            self
        )  # acquire the shared workspaces (indexing starts on `initialized`)
        client = params.clientInfo
        self.log.info(
            "%s: initialized (client %s, encoding %s, %d workspace folder(s))",
            self.peer,
            f"{client.name} {client.version or ''}".strip() if client else "unknown",
            self.position_encoding,
            len(self.workspace_folders),
        )
        capabilities = deep_merge({}, self.server.registry.capabilities(self))
        deep_merge(capabilities, self.server.options.static_capabilities)
        capabilities["positionEncoding"] = self.position_encoding
        return {
            "capabilities": capabilities,
            "serverInfo": {"name": SERVER_NAME, "version": __version__},
        }

    @staticmethod
    def _negotiate_encoding(capabilities: dict[str, Any]) -> str:
        general = capabilities.get("general")
        offered = general.get("positionEncodings") if isinstance(general, dict) else None
        if isinstance(offered, list):
            for enc in offered:  # the client lists them in its order of preference
                if enc in SUPPORTED_ENCODINGS:
                    return str(enc)
        return UTF16

    def _client_gone(self) -> None:
        self.log.warning("%s: client process exited; ending the session", self.peer)
        self.close()


def _encoded(fn: Any, session: Session, params: Any, method: str) -> Raw:
    """Run a handler and encode its result, both in the worker thread. A result that
    cannot be encoded (too deep, too large) is an error answer, never a lost one."""
    result = fn(session, params)
    try:
        return Raw(_encode(result))
    except Exception as e:  # RecursionError, MemoryError, TypeError, EncodeError
        session.log.error("%s: cannot encode the result of %s: %r", session.peer, method, e)
        raise ResponseError(
            INTERNAL_ERROR, f"{method}: result could not be encoded ({type(e).__name__})"
        ) from None


async def _settled(fut: asyncio.Future[Any]) -> None:
    """Wait until ``fut`` is done, whatever its outcome, through further cancellations."""
    while not fut.done():
        try:
            await asyncio.wait([fut])
        except asyncio.CancelledError:
            continue
    if not fut.cancelled():
        fut.exception()  # retrieved: no "exception never retrieved" warning


def _document_uri(params: Any) -> str | None:
    """``params.textDocument.uri`` of typed (msgspec) or plain (dict) params."""
    td = (
        params.get("textDocument")
        if isinstance(params, dict)
        else getattr(params, "textDocument", None)
    )
    uri = td.get("uri") if isinstance(td, dict) else getattr(td, "uri", None)
    return uri if isinstance(uri, str) else None
