"""Per-session diagnostics publishing: debounced, never stale, cleared on close."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, Final

from rholang_lsp.features.diagnostics import document_diagnostics, soften_unfinished
from rholang_lsp.protocol.lsp import PublishDiagnosticsParams
from rholang_lsp.protocol.messages import ResponseError
from rholang_lsp.server import embedded
from rholang_lsp.server.indexing import session_snapshot

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session
    from rholang_lsp.workspace.documents import TextDocument

PUBLISH_METHOD: Final = "textDocument/publishDiagnostics"

_log = logging.getLogger(__name__)


class DiagnosticsPublisher:
    """Schedules analysis per URI; at most one pending run per URI.

    ``schedule(uri, delay)`` replaces any pending run for ``uri`` (so fast
    typing yields one run after the last change). A run analyses the document
    as it is at that moment and publishes with its version; a version that
    changed or a document closed meanwhile is not published.

    A run goes through the session's snapshot (``session_snapshot``): the
    analysis comes from the session's analysis cache, so it is shared with
    navigation/editing requests on the same version (one parse + bind per
    version, incremental after ``didChange`` edits) and cross-file checks use
    the workspace index and the other open documents.

    A run is a job of the session (``Session.run_job``): analysis and position
    conversion happen in the session's worker thread, in turn with its requests
    (so a request for the same version finds the analysis cached), never on the
    event loop, which only publishes. A change of the document supersedes a run in
    progress (it is interrupted; the change schedules its own). A run after an
    in-block edit of a 2,000-line file takes ~30-45 ms, a full one ~75 ms
    (``benchmarks/bench_edit_latency.py``). ``last_run_seconds`` is the time the
    last run took in the worker.
    """

    def __init__(self, session: Session, *, debounce: float) -> None:
        self._session = session
        self.debounce = debounce
        self._timers: dict[str, asyncio.TimerHandle | asyncio.Handle] = {}
        self.published: dict[str, int | None] = {}  # uri -> last published version
        self.last_run_seconds = 0.0
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, uri: str, *, delay: float | None = None) -> None:
        delay = self.debounce if delay is None else delay
        old = self._timers.pop(uri, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        if delay <= 0:
            self._timers[uri] = loop.call_soon(self._run, uri)
        else:
            self._timers[uri] = loop.call_later(delay, self._run, uri)

    def _run(self, uri: str) -> None:
        self._timers.pop(uri, None)
        task = asyncio.ensure_future(self._run_job(uri))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_job(self, uri: str) -> None:
        session = self._session
        if session.endpoint.closed or uri not in session.documents:
            return
        out: tuple[TextDocument, int, str, Any] | None
        try:
            out = await session.run_job(
                self._compute, (uri,), label="diagnostics", uri=uri, supersedable=True
            )
        except ResponseError:
            return  # superseded by a change: that change scheduled its own run
        except Exception:
            _log.exception("%s: diagnostics of %s failed", session.peer, uri)
            return
        if out is None:
            return
        doc, version, text, params = out
        if doc.version != version or doc.text is not text or session.documents.get(uri) is not doc:
            return  # stale: a newer change has (or will have) its own run
        if session.endpoint.closed:
            return
        session.notify(PUBLISH_METHOD, params)
        self.published[uri] = version

    def _compute(self, uri: str) -> tuple[TextDocument, int, str, Any] | None:
        """In the session's worker, in its turn: the diagnostics of ``uri`` as it is now."""
        session = self._session
        doc = session.documents.get(uri)
        if doc is None:
            return None
        version = doc.version
        text = doc.text
        limit = session.server.options.max_document_chars
        if len(text) > limit:
            return doc, version, text, self._too_large(uri, version, len(text), limit)
        started = time.perf_counter()
        snap = session_snapshot(session, uri)
        if embedded.is_metta_document(uri, doc.language_id):
            diags = []  # a .metta file: its MeTTa diagnostics alone
        else:
            diags = document_diagnostics(text, target=session.config.target, uri=uri, snapshot=snap)
            diags = soften_unfinished(diags, doc.last_edit_end)
        # embedded MeTTa: detection runs here, after the edit, off the request path
        diags += embedded.diagnostics(session, uri, snap)
        del snap  # release the analyses it pinned (next edits reparse in place)
        positions = session.positions()
        lsp = [p for d in diags if (p := positions.diagnostic(d, uri)) is not None]
        self.last_run_seconds = time.perf_counter() - started
        return (
            doc,
            version,
            text,
            PublishDiagnosticsParams(uri=uri, diagnostics=lsp, version=version),
        )

    def _too_large(self, uri: str, version: int, size: int, limit: int) -> dict[str, Any]:
        """A document over the limit is not analysed; one diagnostic says so."""
        message = (
            f"Document too large to analyse: {size} characters > {limit}"
            " (the server's --max-document-bytes); no diagnostics, navigation or formatting."
        )
        self._session.log.warning("%s: %s: %s", self._session.peer, uri, message)
        diag = {
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "severity": 2,
            "source": "rholang",
            "code": "document-too-large",
            "message": message,
        }
        return {"uri": uri, "diagnostics": [diag], "version": version}

    def clear(self, uri: str) -> None:
        """Cancel pending work for ``uri`` and publish an empty list."""
        old = self._timers.pop(uri, None)
        if old is not None:
            old.cancel()
        self.published.pop(uri, None)
        self._session.notify(PUBLISH_METHOD, PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def close(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
