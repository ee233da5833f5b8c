"""The shared backend: one workspace (index + indexer) per root, shared by connections.

``SharedBackend`` (one per server process) maps a workspace root to its
``SharedWorkspace``, created on first use and reference counted by its users
(sessions). A workspace lives while any user holds it; with an idle timeout it
stays warm for that long after the last user leaves (a reconnecting editor gets
its results at once), otherwise it is dropped at once. The backend also owns
the worker-process pool (started lazily, in a thread, the first time a run
needs it) and the process-wide idle timer (``--idle-timeout``: no connection
for that long -> ``on_idle``).

Everything here runs on the event loop thread; the only cross-thread state is
inside ``WorkspaceIndex`` (locked) and the executor.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

import msgspec

from rholang_lsp.workspace.cache import IndexCache
from rholang_lsp.workspace.embedded import EmbeddedRegistry
from rholang_lsp.workspace.index import WorkspaceIndex
from rholang_lsp.workspace.indexer import (
    DEFAULT_BATCH_SIZE,
    IndexStats,
    MetricsSink,
    WorkspaceIndexer,
    default_workers,
    shutdown_executor,
    start_executor,
)
from rholang_lsp.workspace.state import IndexingState

_log = logging.getLogger(__name__)


class BackendOptions(msgspec.Struct):
    # worker processes (None: one per CPU, of which a run uses one per idle core; N: N; 0: parse
    # on the loop)
    workers: int | None = None
    use_cache: bool = True  # --no-index-cache turns it off
    cache_dir: Path | None = None  # default: workspace.cache.default_cache_dir()
    idle_timeout: float | None = None  # --idle-timeout: keep roots warm / exit when unused
    queue_timeout: float = 10.0  # longest wait of a workspace request during indexing
    max_queued: int = 256  # waiting workspace requests (beyond: answered with what is indexed)
    target: str = "f1r3fly"
    batch_size: int = DEFAULT_BATCH_SIZE


class SharedWorkspace:
    """One root: its index, its indexer, its users."""

    def __init__(self, backend: SharedBackend, root: Path) -> None:
        self.backend = backend
        self.root = root
        self.key = str(root)
        self.root_uri = root.as_uri()
        self.index = WorkspaceIndex()
        opts = backend.options
        self.indexer = WorkspaceIndexer(
            root,
            self.index,
            cache=IndexCache(
                root, directory=opts.cache_dir, enabled=opts.use_cache, target=opts.target
            ),
            metrics=backend.metrics,
            target=opts.target,
            batch_size=opts.batch_size,
            executor_factory=backend.executor,
        )
        if opts.workers is not None:  # --index-workers N: N, whatever the load
            self.indexer.free_cores = lambda: None
        self.users: set[object] = set()
        #: virtual documents (embedded MeTTa) of the sessions' open files under this root
        self.embedded = EmbeddedRegistry()
        self._task: asyncio.Task[IndexStats] | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self._pending_paths: set[str] = set()
        self._reindex_task: asyncio.Task[None] | None = None
        self.closed = False

    def __repr__(self) -> str:
        return f"SharedWorkspace({self.key!r}, {self.state.phase.value}, {len(self.users)} user(s))"

    @property
    def state(self) -> IndexingState:
        return self.indexer.state

    @property
    def started(self) -> bool:
        return self._task is not None

    def start_indexing(self) -> None:
        """Index the root in the background (once; later calls do nothing)."""
        if self._task is not None or self.closed:
            return
        self._task = asyncio.ensure_future(self.indexer.run())
        self._task.add_done_callback(self._run_done)

    def _run_done(self, task: asyncio.Task[IndexStats]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:  # pragma: no cover - run() catches everything
            _log.error("indexing %s crashed", self.key, exc_info=exc)
            return
        stats = task.result()
        _log.info(
            "indexed %s: %d files, %d bytes, %d symbols in %.2fs (%d from cache, %d parsed, %d skipped)",
            self.key,
            stats.files,
            stats.bytes,
            stats.symbols,
            stats.seconds,
            stats.from_cache,
            stats.parsed,
            stats.skipped,
        )
        if self._pending_paths:
            self._kick_reindex()

    async def wait_settled(self, timeout: float | None = None) -> bool:
        """Wait until indexing is complete or failed; False on timeout."""
        if self.state.is_settled:
            return True
        try:
            await asyncio.wait_for(self.indexer.wait_settled(), timeout)
        except TimeoutError:
            return False
        return True

    # ------------------------------------------------------------------ file changes
    def files_changed(self, paths: list[str]) -> None:
        """Files created, changed or deleted on disk: re-read them (coalesced, in order)."""
        owned = [p for p in paths if self.indexer.owns(p)]
        if not owned:
            return
        self._pending_paths.update(owned)
        if self._task is not None and not self._task.done():
            # a full run is going on: bump epochs now so that its older reads lose
            for p in owned:
                self.indexer._bump(os.path.abspath(p))
        self._kick_reindex()

    def _kick_reindex(self) -> None:
        if self._reindex_task is None or self._reindex_task.done():
            self._reindex_task = asyncio.ensure_future(self._reindex_loop())

    async def _reindex_loop(self) -> None:
        while self._pending_paths and not self.closed:
            paths = list(self._pending_paths)
            self._pending_paths.clear()
            try:
                await self.indexer.reindex(paths)
            except Exception:
                _log.exception("re-indexing %d file(s) under %s failed", len(paths), self.key)

    async def quiesce(self) -> None:
        """Wait for the running full index and pending re-reads (tests, benchmarks)."""
        if self._task is not None:
            await asyncio.shield(self._task)
        while self._reindex_task is not None and not self._reindex_task.done():
            await asyncio.shield(self._reindex_task)

    # ------------------------------------------------------------------ lifetime
    async def close(self) -> None:
        self.closed = True
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        for task in (self._task, self._reindex_task):
            if task is not None and not task.done():
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
        try:
            await self.indexer.flush()
        except Exception:
            _log.exception("saving the index cache of %s failed", self.key)
        self.indexer.close()


class SharedBackend:
    """Process-wide: the workspaces by root, the worker pool, the idle timer."""

    def __init__(
        self,
        options: BackendOptions | None = None,
        *,
        metrics: MetricsSink | None = None,
        on_idle: Callable[[], None] | None = None,
    ) -> None:
        self.options = options or BackendOptions()
        self.metrics = metrics
        self.on_idle = on_idle
        self.workspaces: dict[str, SharedWorkspace] = {}
        self._executor: Executor | None = None
        self._executor_lock = asyncio.Lock()
        self._executor_failed = False
        self._connections = 0
        self._idle_timer: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self.closed = False

    # ------------------------------------------------------------------ workspaces
    @staticmethod
    def normalize_root(root: Path | str) -> Path:
        return Path(os.path.abspath(root))

    def acquire(self, root: Path | str, user: object) -> SharedWorkspace:
        """The workspace of ``root`` (created if new), now also used by ``user``."""
        path = self.normalize_root(root)
        ws = self.workspaces.get(str(path))
        if ws is None:
            ws = SharedWorkspace(self, path)
            self.workspaces[ws.key] = ws
            _log.info("workspace %s created", ws.key)
        if ws._expiry is not None:
            ws._expiry.cancel()
            ws._expiry = None
        ws.users.add(user)
        return ws

    def release(self, ws: SharedWorkspace, user: object) -> None:
        """``user`` no longer uses ``ws``; drop it when unused (after the idle timeout if set)."""
        ws.users.discard(user)
        if ws.users or ws.closed:
            return
        timeout = self.options.idle_timeout
        if timeout is not None and timeout > 0 and not self.closed:
            loop = asyncio.get_running_loop()
            ws._expiry = loop.call_later(timeout, self._expire, ws)
        else:
            self._expire(ws)

    def _expire(self, ws: SharedWorkspace) -> None:
        ws._expiry = None
        if ws.users or self.workspaces.get(ws.key) is not ws:
            return
        del self.workspaces[ws.key]
        _log.info("workspace %s dropped (no users)", ws.key)
        if self.metrics is not None:
            remove = getattr(self.metrics, "indexing_removed", None)
            if remove is not None:
                remove(ws.key)
        task = asyncio.ensure_future(ws.close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def get(self, root: Path | str) -> SharedWorkspace | None:
        return self.workspaces.get(str(self.normalize_root(root)))

    # ------------------------------------------------------------------ worker pool
    async def executor(self) -> Executor | None:
        """The worker pool, started on first use (None: parse on the loop)."""
        if self._executor is not None or self._executor_failed or self.options.workers == 0:
            return self._executor
        async with self._executor_lock:
            if self._executor is None and not self._executor_failed and not self.closed:
                workers = self.options.workers or default_workers()
                try:
                    self._executor = await start_executor(workers)
                    _log.info("started %d indexing worker process(es)", workers)
                except Exception as e:
                    self._executor_failed = True
                    _log.error("cannot start indexing workers (%s); parsing in-process", e)
        return self._executor

    # ------------------------------------------------------------------ connections / idle
    @property
    def connections(self) -> int:
        return self._connections

    def connection_opened(self) -> None:
        self._connections += 1
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def connection_closed(self) -> None:
        self._connections = max(0, self._connections - 1)
        if self._connections == 0:
            self.arm_idle_timer()

    def arm_idle_timer(self) -> None:
        """Start counting the idle timeout (at start-up and when the last connection ends)."""
        timeout = self.options.idle_timeout
        if timeout is None or timeout <= 0 or self.on_idle is None or self.closed:
            return
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._idle_timer = asyncio.get_running_loop().call_later(timeout, self._idle)

    def _idle(self) -> None:
        self._idle_timer = None
        if self._connections == 0 and self.on_idle is not None:
            _log.info("no connection for %.1fs: stopping", self.options.idle_timeout or 0.0)
            self.on_idle()

    async def close(self) -> None:
        """Stop everything: workspaces (saving their caches), worker pool, timers."""
        if self.closed:
            return
        self.closed = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        workspaces = list(self.workspaces.values())
        self.workspaces.clear()
        await asyncio.gather(*(ws.close() for ws in workspaces), return_exceptions=True)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        shutdown_executor(self._executor)
        self._executor = None
