"""Sessions <-> shared workspaces: attach, start indexing, watch files, refresh, detach.

Each session holds a ``SessionIndexing`` (``session.indexing``): the
shared workspaces of its workspace folders (one ``SharedWorkspace`` per root,
from the server's ``SharedBackend``), its progress reporters and its analysis
cache. Hooks, called by the session / handlers:

* ``on_initialize(session)``: acquire the workspaces of the folders (no I/O);
* ``on_initialized(session)``: start indexing (if not yet), show progress,
  register file watching (dynamic registration when the client supports it);
* ``on_files_changed(session, changes)``: ``workspace/didChangeWatchedFiles``;
* ``on_saved(session, uri)``: ``textDocument/didSave`` re-reads the file;
* ``on_folders_changed(session)``: ``workspace/didChangeWorkspaceFolders``;
* ``on_session_closed(session)``: release everything.

When the shared index changes, every session attached to that root gets its
open documents' diagnostics rescheduled (its own overlay still wins).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from rholang_lsp.server.progress import ProgressReporter
from rholang_lsp.server.uris import uri_to_path
from rholang_lsp.workspace.files import ReadRefused, read_source
from rholang_lsp.workspace.index import CompositeIndex, IndexView, WorkspaceIndex
from rholang_lsp.workspace.shared import SharedBackend, SharedWorkspace

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session
    from rholang_lsp.workspace.analysis import AnalysisCache
    from rholang_lsp.workspace.snapshot import Snapshot

WATCH_REGISTRATION_ID: Final = "rholang-watch-files"
WATCH_GLOB: Final = "**/*.rho"
WATCH_GLOB_METTA: Final = "**/*.metta"
FILE_DELETED: Final = 3

_log = logging.getLogger(__name__)


class _OnLoop:
    """Cache metrics recorded on the event loop whichever thread reports them
    (``metrics`` records on the loop thread only)."""

    def __init__(self, metrics: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._metrics = metrics
        self._loop = loop
        self._loop_thread = threading.get_ident()

    def cache_hit(self, kind: str) -> None:
        self._record(self._metrics.cache_hit, kind)

    def cache_miss(self, kind: str) -> None:
        self._record(self._metrics.cache_miss, kind)

    def _record(self, fn: Any, kind: str) -> None:
        if threading.get_ident() == self._loop_thread:
            fn(kind)
        else:
            try:
                self._loop.call_soon_threadsafe(fn, kind)
            except RuntimeError:  # loop closed
                pass


class SessionIndexing:
    """One session's view of the shared workspaces."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.backend = session.server.backend
        self.workspaces: list[SharedWorkspace] = []
        self.reporters: list[ProgressReporter] = []
        # parse hits/misses go to the server's metrics when it has them (kind "parse"); the
        # cache is used in the session's worker thread, metrics are recorded on the loop
        metrics: Any = session.server.metrics
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # created outside the loop (tests): record directly
            loop = None
        if metrics is not None and loop is not None:
            metrics = _OnLoop(metrics, loop)
        self._cache_metrics = metrics
        # made on first use: the analysis layers are not imported before ``initialize``
        # is answered (issue 19); the lock makes one cache if two threads ask at once
        self._analysis_cache: AnalysisCache | None = None
        self._cache_lock = threading.Lock()
        self.initialized = False
        self.watch_registered = False
        self.closed = False
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def analysis_cache(self) -> AnalysisCache:
        """The analyses of this session's documents (made on first use)."""
        cache = self._analysis_cache
        if cache is None:
            with self._cache_lock:
                cache = self._analysis_cache
                if cache is None:
                    from rholang_lsp.workspace.analysis import AnalysisCache

                    cache = self._analysis_cache = AnalysisCache(metrics=self._cache_metrics)
        return cache

    # ------------------------------------------------------------------ roots
    def _roots(self) -> list[Path]:
        roots = sorted(
            {SharedBackend.normalize_root(r) for r in self.session.workspace_roots}, key=str
        )
        # a folder inside another folder of the same session is covered by the outer one
        out: list[Path] = []
        for r in roots:
            if not any(r.is_relative_to(o) for o in out):
                out.append(r)
        return out

    def attach(self) -> None:
        """Acquire the workspaces of the session's folders (release those no longer named)."""
        if self.closed:
            return
        wanted = {str(r): r for r in self._roots()}
        keep: list[SharedWorkspace] = []
        for ws in self.workspaces:
            if ws.key in wanted and not ws.closed:
                keep.append(ws)
            else:
                self._detach_one(ws)
        have = {ws.key for ws in keep}
        for key, root in wanted.items():
            if key in have:
                continue
            ws = self.backend.acquire(root, self)
            ws.indexer.add_update_listener(self._on_index_updated)
            keep.append(ws)
            if self.initialized:
                self._start(ws)
        self.workspaces = keep

    def _detach_one(self, ws: SharedWorkspace) -> None:
        ws.indexer.remove_update_listener(self._on_index_updated)
        for rep in [r for r in self.reporters if r.workspace is ws]:
            rep.stop()
            self.reporters.remove(rep)
        self.backend.release(ws, self)

    def _start(self, ws: SharedWorkspace) -> None:
        ws.start_indexing()
        label = Path(ws.key).name if len(self.workspaces) > 1 else None
        rep = ProgressReporter(self.session, ws, label=label)
        self.reporters.append(rep)
        rep.start()
        if not ws.state.is_settled:
            self._spawn(self._refresh_when_settled(ws))

    async def _refresh_when_settled(self, ws: SharedWorkspace) -> None:
        await ws.wait_settled()
        refresh_after_indexing(self)

    def initialized_(self) -> None:
        if self.initialized or self.closed:
            return
        self.initialized = True
        for ws in self.workspaces:
            self._start(ws)
        self._spawn(self._register_watchers())

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for task in list(self._tasks):
            task.cancel()
        for ws in list(self.workspaces):
            self._detach_one(ws)
        self.workspaces = []
        self.reporters = []

    def _spawn(self, aw: Any) -> None:
        task = asyncio.ensure_future(aw)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ watching
    async def _register_watchers(self) -> None:
        caps = self.session.client_capabilities.get("workspace")
        watched = caps.get("didChangeWatchedFiles") if isinstance(caps, dict) else None
        if not (isinstance(watched, dict) and watched.get("dynamicRegistration")):
            return
        params = {
            "registrations": [
                {
                    "id": WATCH_REGISTRATION_ID,
                    "method": "workspace/didChangeWatchedFiles",
                    "registerOptions": {
                        "watchers": [{"globPattern": WATCH_GLOB}, {"globPattern": WATCH_GLOB_METTA}]
                    },
                }
            ]
        }
        try:
            await self.session.request("client/registerCapability", params, timeout=10.0)
            self.watch_registered = True
        except Exception as e:
            _log.info("%s: file watcher registration failed: %s", self.session.peer, e)

    def files_changed(self, changes: Iterable[tuple[str, int]]) -> None:
        """``(uri, FileChangeType)`` pairs; only files under the session's folders are read."""
        by_ws: dict[str, tuple[SharedWorkspace, list[str]]] = {}
        for uri, _kind in changes:
            path = uri_to_path(uri)
            if path is None:
                continue
            p = os.path.abspath(path)
            for ws in self.workspaces:
                if ws.indexer.owns(p):
                    by_ws.setdefault(ws.key, (ws, []))[1].append(p)
                    break
        for ws, paths in by_ws.values():
            ws.files_changed(paths)

    # ------------------------------------------------------------------ index updates
    def _on_index_updated(self, uris: frozenset[str]) -> None:
        """The shared index changed: refresh diagnostics of this session's open documents."""
        session = self.session
        if self.closed or session.endpoint.closed or not session.documents:
            return
        if not all(ws.state.is_settled for ws in self.workspaces):
            return  # initial indexing: refreshed once at the end (see below)
        for uri in list(session.documents):
            session.diagnostics.schedule(uri)

    # ------------------------------------------------------------------ reading
    def workspace_for(self, uri: str) -> SharedWorkspace | None:
        """The workspace whose root holds ``uri`` (else the first one; None: no folders)."""
        path = uri_to_path(uri)
        if path is None:
            return self.workspaces[0] if self.workspaces else None
        p = os.path.abspath(path)
        for ws in self.workspaces:
            if ws.indexer.owns(p):
                return ws
        return self.workspaces[0] if self.workspaces else None

    def index(self, uri: str | None = None) -> IndexView:
        """What the session's workspace-wide queries see: the shared indexes of *all* its
        folders (one folder: its index; several: a read-only ``CompositeIndex`` over them;
        none: empty). ``uri`` is accepted for compatibility; the view is the same for all."""
        if not self.workspaces:
            return _EMPTY
        if len(self.workspaces) == 1:
            return self.workspaces[0].index
        return CompositeIndex(ws.index for ws in self.workspaces)

    @property
    def settled(self) -> bool:
        return all(ws.state.is_settled for ws in self.workspaces)

    def load(self, uri: str) -> str | None:
        """Text of a closed file, read only if it lies under the session's workspace folders
        (after resolving symlinks) and is a regular UTF-8 file of at most 8 MiB."""
        path = uri_to_path(uri)
        if path is None:
            return None
        # regular files inside the folders only, non-blocking open, at most 8 MiB
        # (workspace.files): a FIFO, a device or a huge file never stalls the loop
        try:
            return read_source(path, roots=self.session.workspace_roots)
        except (OSError, ReadRefused) as e:
            _log.info("%s: not reading %s: %s", self.session.peer, uri, e)
            return None

    def snapshot(self, uri: str | None = None) -> Snapshot:
        from rholang_lsp.workspace.snapshot import Snapshot

        return Snapshot(
            self.session.documents,
            self.index(uri),
            cache=self.analysis_cache,
            loader=self.load,
            # the session's dialect (its initializationOptions.target, else --target)
            target=self.session.config.target,
            max_chars=self.session.server.options.max_document_chars,
        )

    def status(self) -> list[dict[str, Any]]:
        return [
            {
                "root": ws.root_uri,
                "files": len(ws.index),
                "stats": ws.indexer.last_stats.to_json(),
                **ws.state.to_json(),
            }
            for ws in self.workspaces
        ]


_EMPTY = WorkspaceIndex()


def session_indexing(session: Session) -> SessionIndexing:
    return session.indexing


def session_snapshot(session: Session, uri: str | None = None) -> Snapshot:
    """A snapshot for a request of ``session``: its open documents over the shared index."""
    return session_indexing(session).snapshot(uri)


# ---------------------------------------------------------------------------- hooks


def on_initialize(session: Session) -> None:
    session_indexing(session).attach()


def on_initialized(session: Session) -> None:
    si = session_indexing(session)
    if not si.workspaces:
        si.attach()
    si.initialized_()


def on_folders_changed(session: Session) -> None:
    session_indexing(session).attach()


def on_files_changed(session: Session, changes: Iterable[tuple[str, int]]) -> None:
    session_indexing(session).files_changed(changes)


def on_saved(session: Session, uri: str) -> None:
    session_indexing(session).files_changed([(uri, 2)])


def on_session_closed(session: Session) -> None:
    session.indexing.close()


def refresh_after_indexing(si: SessionIndexing) -> None:
    """Reschedule the diagnostics of the session's open documents (after a run settles)."""
    session = si.session
    if si.closed or session.endpoint.closed:
        return
    for uri in list(session.documents):
        session.diagnostics.schedule(uri)
