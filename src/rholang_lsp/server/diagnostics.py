"""Per-session diagnostics publishing: debounced, never stale, cleared on close."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Final

from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.protocol.lsp import PublishDiagnosticsParams
from rholang_lsp.server import embedded
from rholang_lsp.server.indexing import session_snapshot

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session

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

    Runs are synchronous on the event loop (no thread), on evidence (2,000-line
    file, ``benchmarks/bench_edit_latency.py``): a run after an in-block edit
    (reparse + full bind) blocks ~30-45 ms, a full one (didOpen, full change,
    edit outside any block) ~75 ms at best. Parsing and binding are CPU-bound
    Python: in a thread they get no faster (the GIL), the loop merely
    interleaves every 5 ms switch interval, and a request for the same document
    arriving meanwhile would analyse it a second time on the loop (the cache has
    no in-flight sharing). So the per-edit path is kept incremental and the
    full cost is accepted on open. ``last_run_seconds`` is the time the last
    run blocked the loop.
    """

    def __init__(self, session: Session, *, debounce: float) -> None:
        self._session = session
        self.debounce = debounce
        self._timers: dict[str, asyncio.TimerHandle | asyncio.Handle] = {}
        self.published: dict[str, int | None] = {}  # uri -> last published version
        self.last_run_seconds = 0.0

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
        session = self._session
        doc = session.documents.get(uri)
        if doc is None or session.endpoint.closed:
            return
        version = doc.version
        text = doc.text
        limit = session.server.options.max_document_chars
        if len(text) > limit:
            self._publish_too_large(uri, version, len(text), limit)
            return
        started = time.perf_counter()
        try:
            snap = session_snapshot(session, uri)
            if embedded.is_metta_document(uri, doc.language_id):
                diags = []  # a .metta file: its MeTTa diagnostics alone
            else:
                diags = document_diagnostics(
                    text, target=session.config.target, uri=uri, snapshot=snap
                )
            # embedded MeTTa: detection runs here, after the edit, off the request path
            diags += embedded.diagnostics(session, uri, snap)
            del snap  # release the analyses it pinned (next edits reparse in place)
        except Exception:
            _log.exception("%s: diagnostics of %s failed", session.peer, uri)
            return
        current = session.documents.get(uri)
        if current is not doc or doc.version != version or doc.text is not text:
            return  # stale: a newer change has (or will have) its own run
        positions = session.positions()
        lsp = [p for d in diags if (p := positions.diagnostic(d, uri)) is not None]
        self.last_run_seconds = time.perf_counter() - started
        session.notify(
            PUBLISH_METHOD, PublishDiagnosticsParams(uri=uri, diagnostics=lsp, version=version)
        )
        self.published[uri] = version

    def _publish_too_large(self, uri: str, version: int, size: int, limit: int) -> None:
        """A document over the limit is not analysed; say so once per version."""
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
        self._session.notify(
            PUBLISH_METHOD, {"uri": uri, "diagnostics": [diag], "version": version}
        )
        self.published[uri] = version

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
