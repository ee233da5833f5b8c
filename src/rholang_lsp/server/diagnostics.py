"""Per-session diagnostics publishing: debounced, never stale, cleared on close."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, Final

from rholang_lsp.node.address import MISSING_EXTRA
from rholang_lsp.protocol.lsp import LspDiagnostic, PublishDiagnosticsParams
from rholang_lsp.protocol.messages import ResponseError
from rholang_lsp.server.validation import (
    BUILTIN,
    NodeProvider,
    ProviderDown,
    ValidatorSettings,
    keep_builtin,
    node_provider,
)

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session
    from rholang_lsp.syntax.diagnostic import Diagnostic
    from rholang_lsp.workspace.documents import TextDocument

#: the built-in verdict of one version: each diagnostic with its LSP form
Verdict = list[tuple["Diagnostic", LspDiagnostic]]

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
    (``benchmarks/editing.py``). ``last_run_seconds`` is the time the
    last run took in the worker.

    With a node configured (``session.validator``, see ``server/validation.py``) the
    built-in verdict is published at once as above; then, for a complete program (no
    syntax error), a task on the loop asks the node after ``validator.debounce`` and
    publishes the same version again with the node's verdict (only the node's few
    diagnostics are converted there). A new change (``schedule``) cancels that task and
    its RPC; when the node fails, the built-in list stands, the user is warned once per
    outage and the task retries after the node's backoff while the version is unchanged.
    """

    def __init__(self, session: Session, *, debounce: float) -> None:
        self._session = session
        self.debounce = debounce
        self._timers: dict[str, asyncio.TimerHandle | asyncio.Handle] = {}
        self.published: dict[str, int | None] = {}  # uri -> last published version
        self.last_run_seconds = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self._node_tasks: dict[str, asyncio.Task[None]] = {}
        self.warned_outage = 0  # the node outage this session's user was told about
        self.refusal_warned = False
        self.missing_extra_warned = False
        #: the validator settings the open documents were last checked with
        self.validator_applied: ValidatorSettings | None = None

    def schedule(self, uri: str, *, delay: float | None = None) -> None:
        delay = self.debounce if delay is None else delay
        old = self._timers.pop(uri, None)
        if old is not None:
            old.cancel()
        self._cancel_node(uri)
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
        out: tuple[TextDocument, int, str, Any, Verdict, bool] | None
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
        doc, version, text, params, verdict, complete = out
        checked: TextDocument = doc  # (the identity test below narrows ``doc`` for mypy)
        if doc.version != version or doc.text is not text or session.documents.get(uri) is not doc:
            return  # stale: a newer change has (or will have) its own run
        if session.endpoint.closed:
            return
        session.notify(PUBLISH_METHOD, params)
        self.published[uri] = version
        settings: ValidatorSettings = session.validator
        self.validator_applied = settings
        if settings.node is None or not complete:
            return
        provider = node_provider(session.server, settings.node)
        if provider is None:
            if not self.missing_extra_warned:
                self.missing_extra_warned = True
                session.show_message(f"Rholang: {MISSING_EXTRA}.", 2)
            return
        self._cancel_node(uri)
        self._node_tasks[uri] = asyncio.get_running_loop().create_task(
            self._node_run(checked, version, text, verdict, settings, provider, settings.debounce)
        )

    def _compute(self, uri: str) -> tuple[TextDocument, int, str, Any, Verdict, bool] | None:
        """In the session's worker, in its turn: the diagnostics of ``uri`` as it is now."""
        session = self._session
        doc = session.documents.get(uri)
        if doc is None:
            return None
        version = doc.version
        text = doc.text
        limit = session.server.options.max_document_chars
        if len(text) > limit:
            return doc, version, text, self._too_large(uri, version, len(text), limit), [], False
        started = time.perf_counter()
        diags, complete = BUILTIN.diagnose(session, doc, text, session.config.target)
        positions = session.positions()
        verdict = [(d, p) for d in diags if (p := positions.diagnostic(d, uri)) is not None]
        lsp = [p for _, p in verdict]
        self.last_run_seconds = time.perf_counter() - started
        return (
            doc,
            version,
            text,
            PublishDiagnosticsParams(uri=uri, diagnostics=lsp, version=version),
            verdict,
            complete,
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
        self._cancel_node(uri)
        self.published.pop(uri, None)
        self._session.notify(PUBLISH_METHOD, PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def close(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
        for node_task in self._node_tasks.values():
            node_task.cancel()
        self._node_tasks.clear()

    # ------------------------------------------------------------------ the node's verdict

    def _cancel_node(self, uri: str) -> None:
        task = self._node_tasks.pop(uri, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _node_run(
        self,
        doc: TextDocument,
        version: int,
        text: str,
        verdict: Verdict,
        settings: ValidatorSettings,
        provider: NodeProvider,
        delay: float,
    ) -> None:
        from rholang_lsp.node.client import NodeRefused, NodeUnavailable

        session = self._session
        uri = doc.uri
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            if not self._current(doc, version, text):
                return
            try:
                found = await provider.diagnose(
                    text, doc.line_index, settings.columns, settings.timeout
                )
            except ProviderDown as e:
                self._warn_outage(provider, str(e))
                self._retry(doc, version, text, verdict, settings, provider, e.retry_at)
                return
            except NodeUnavailable as e:
                self._warn_outage(provider, str(e))
                self._retry(doc, version, text, verdict, settings, provider, provider.retry_at)
                return
            except NodeRefused as e:
                # every refusal in the log (not intrusive); the user is told once
                session.log_message(f"Rholang: the node refused {_name(uri)} v{version}: {e}", 4)
                if not self.refusal_warned:
                    self.refusal_warned = True
                    session.show_message(
                        f"Rholang: the node could not validate {_name(uri)}: {e}."
                        " Showing the built-in checker's diagnostics.",
                        2,
                    )
                return
            self.refusal_warned = False
            if self.warned_outage and self.warned_outage == provider.outage:
                self.warned_outage = -provider.outage  # told once that it is back
                session.log_message(
                    f"Rholang: node {provider.address.target} answers again; its diagnostics"
                    " are shown.",
                    3,
                )
            if not self._current(doc, version, text):
                return
            positions = session.positions()
            lsp = [p for d, p in verdict if keep_builtin(d, settings.mode)]
            lsp += [p for d in found if (p := positions.diagnostic(d, uri)) is not None]
            lsp.sort(
                key=lambda p: (
                    p.range.start.line,
                    p.range.start.character,
                    p.range.end.line,
                    p.range.end.character,
                )
            )
            session.notify(
                PUBLISH_METHOD, PublishDiagnosticsParams(uri=uri, diagnostics=lsp, version=version)
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            _log.exception("%s: node diagnostics of %s failed", session.peer, uri)
        finally:
            if self._node_tasks.get(uri) is asyncio.current_task():
                del self._node_tasks[uri]

    def _current(self, doc: TextDocument, version: int, text: str) -> bool:
        session = self._session
        return (
            not session.endpoint.closed
            and session.documents.get(doc.uri) is doc
            and doc.version == version
            and doc.text is text
        )

    def _warn_outage(self, provider: NodeProvider, reason: str) -> None:
        if abs(self.warned_outage) == provider.outage:
            return
        self.warned_outage = provider.outage
        self._session.show_message(
            f"Rholang: {reason}. Showing the built-in checker's diagnostics; retrying in the"
            " background.",
            2,
        )

    def _retry(
        self,
        doc: TextDocument,
        version: int,
        text: str,
        verdict: Verdict,
        settings: ValidatorSettings,
        provider: NodeProvider,
        at: float,
    ) -> None:
        if not self._current(doc, version, text):
            return
        delay = max(0.0, at - time.monotonic())
        self._node_tasks[doc.uri] = asyncio.get_running_loop().create_task(
            self._node_run(doc, version, text, verdict, settings, provider, delay)
        )


def _name(uri: str) -> str:
    return uri.rsplit("/", 1)[-1] or uri
