"""Requests during indexing: which wait, in what order, for how long.

Each request handler declares its need where it is registered
(``@request(..., needs_index=IndexNeed...)``, see ``server.registry``). A request
that only needs the open document (``IndexNeed.NONE``: hover, highlight,
document symbols, completion, ...) is answered at once. A request that needs
the whole workspace waits until the indexing of the session's workspace folders
settles: ``IndexNeed.ALWAYS`` (``workspace/symbol``) always, ``IndexNeed.IF_GLOBAL``
(definition, declaration, references, rename, call hierarchy) when the name under
the cursor is global (a quoted ground name such as ``@"Registry"``) or free in the
file (it may be a contract of another file), or the document is not open.

Waiting requests are answered in arrival order (per workspace: each waits for
the one before it), stay cancellable (``$/cancelRequest`` cancels the waiting
task: -32800), and are bounded: beyond ``max_queued`` waiting requests, or
after ``queue_timeout`` seconds, a request is answered with what is indexed so
far (logged).

``gate(session, spec, params)`` is called by the session's dispatcher with the
decoded params; it returns ``None`` (answer now) or an ``Admission`` to pass to
``run_after``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from rholang_lsp.protocol.lsp import Position, TextDocumentIdentifier
from rholang_lsp.server.indexing import SessionIndexing
from rholang_lsp.server.registry import HandlerSpec, IndexNeed
from rholang_lsp.workspace.shared import SharedWorkspace

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session

_log = logging.getLogger(__name__)


class PositionParams(Protocol):
    """What an ``IndexNeed.IF_GLOBAL`` request's params have (checked at registration)."""

    @property
    def textDocument(self) -> TextDocumentIdentifier: ...

    @property
    def position(self) -> Position: ...


def needs_workspace(session: Session, si: SessionIndexing, spec: HandlerSpec, params: Any) -> bool:
    """True if answering the request needs the whole workspace index."""
    if spec.needs_index is IndexNeed.ALWAYS:
        return True
    if spec.needs_index is not IndexNeed.IF_GLOBAL:
        return False
    p: PositionParams = params
    uri = p.textDocument.uri
    if uri not in session.documents:
        return True
    try:
        doc = session.positions().document(uri)
        if doc is None:
            return True
        from rholang_lsp.features.target import target_at

        target = target_at(si.snapshot(uri), uri, doc.offset(p.position))
    except Exception:  # classification must never break a request
        _log.exception(
            "%s: cannot classify %s; treating it as workspace-wide", session.peer, spec.method
        )
        return True
    from rholang_lsp.features.target import LocalTarget

    return target is not None and not isinstance(target, LocalTarget)


class Admission:
    """A request waiting for its workspaces (and for the requests queued before it)."""

    __slots__ = ("queue", "method", "workspaces", "previous", "finished", "arrived")

    def __init__(
        self,
        queue: RequestQueue,
        method: str,
        workspaces: list[SharedWorkspace],
        previous: list[asyncio.Future[None]],
    ) -> None:
        self.queue = queue
        self.method = method
        self.workspaces = workspaces
        self.previous = previous
        self.finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.arrived = time.monotonic()


class RequestQueue:
    """Per server: the waiting workspace requests, chained per workspace root."""

    def __init__(
        self, *, timeout: float = 10.0, max_queued: int = 256, metrics: Any = None
    ) -> None:
        self.timeout = timeout
        self.max_queued = max_queued
        self.metrics = metrics
        self.waiting = 0
        self._tails: dict[str, asyncio.Future[None]] = {}

    def busy(self, workspaces: list[SharedWorkspace]) -> bool:
        for ws in workspaces:
            tail = self._tails.get(ws.key)
            if tail is not None and not tail.done():
                return True
        return False

    def admit(self, method: str, workspaces: list[SharedWorkspace]) -> Admission | None:
        if self.waiting >= self.max_queued:
            _log.warning(
                "%s: %d workspace requests already waiting; answering with the partial index",
                method,
                self.waiting,
            )
            return None
        previous = [
            t for ws in workspaces if (t := self._tails.get(ws.key)) is not None and not t.done()
        ]
        adm = Admission(self, method, workspaces, previous)
        for ws in workspaces:
            self._tails[ws.key] = adm.finished
        self.waiting += 1
        self._depth()
        return adm

    def _depth(self) -> None:
        if self.metrics is not None:
            self.metrics.queue_depth(self.waiting)

    async def wait(self, adm: Admission) -> bool:
        """Wait for the admission's turn; False if the timeout cut the wait short."""
        deadline = adm.arrived + self.timeout
        complete = True
        try:
            for ws in adm.workspaces:
                left = deadline - time.monotonic()
                if left <= 0 or not await ws.wait_settled(left):
                    complete = False
                    break
            for prev in adm.previous:
                left = deadline - time.monotonic()
                if left <= 0:
                    complete = False
                    break
                try:
                    await asyncio.wait_for(asyncio.shield(prev), left)
                except TimeoutError:
                    complete = False
                    break
        finally:
            self.waiting -= 1
            self._depth()
            if self.metrics is not None:
                self.metrics.queue_wait(adm.method, time.monotonic() - adm.arrived)
        if not complete:
            _log.warning(
                "%s waited %.1fs for indexing; answering with what is indexed so far",
                adm.method,
                self.timeout,
            )
        return complete

    def finish(self, adm: Admission) -> None:
        """The request is answered (or cancelled): release the next one once those before are done."""
        pending = [p for p in adm.previous if not p.done()]
        if not pending:
            if not adm.finished.done():
                adm.finished.set_result(None)
            self._forget(adm)
            return

        def chained(_f: asyncio.Future[None]) -> None:
            if all(p.done() for p in adm.previous) and not adm.finished.done():
                adm.finished.set_result(None)
                self._forget(adm)

        for p in pending:
            p.add_done_callback(chained)

    def _forget(self, adm: Admission) -> None:
        for ws in adm.workspaces:
            if self._tails.get(ws.key) is adm.finished:
                del self._tails[ws.key]


def gate(session: Session, spec: HandlerSpec, params: Any) -> Admission | None:
    """``None``: answer now. Else the request must wait (see ``run_after``)."""
    if spec.needs_index is IndexNeed.NONE:
        return None
    si = session.indexing
    workspaces = list(si.workspaces)
    if not workspaces:
        return None
    queue = session.server.request_queue
    if all(ws.state.is_settled for ws in workspaces) and not queue.busy(workspaces):
        return None
    if not needs_workspace(session, si, spec, params):
        return None
    return queue.admit(spec.method, workspaces)


async def run_after(
    admission: Admission, fn: Callable[..., Any], session: Session, params: Any
) -> Any:
    """Wait for the admission, then run the handler ``fn(session, params)``."""
    queue = admission.queue
    try:
        await queue.wait(admission)
        result = fn(session, params)
        if inspect.isawaitable(result):
            result = await result
        return result
    finally:
        queue.finish(admission)
