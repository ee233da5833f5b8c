"""Background workspace indexer: the orchestration of discovery (``discovery.py``), worker
processes (``workers.py``), batches, merging in time slices, state.

``WorkspaceIndexer`` fills one root's ``WorkspaceIndex`` from disk:

1. discover the ``.rho`` files under the root (in a thread; symlinks leading
   outside the root are not followed);
2. load the persistent cache (``workspace.cache``): a file whose size and mtime
   match its cache entry is not read at all;
3. send the other files in batches to worker processes
   (``ProcessPoolExecutor`` over ``forkserver``/``spawn``, never plain fork
   from a process with an event loop; workers run at a lower CPU priority,
   ``WORKER_NICE``); a worker reads, hashes and parses each file and returns
   compact encoded summaries (a file whose hash matches its cache entry is not
   parsed again);
4. merge the results into the index on the event loop in small slices
   (``SLICE_SECONDS``), yielding between slices so that requests keep flowing
   (the decoded summaries are not tracked by the cyclic GC, so a full collection
   does not grow with the workspace: it used to stall the loop for 100+ ms at
   5,000 files);
5. save the cache (in a thread) unless nothing changed.

Per-file failures (unreadable, not UTF-8, too large, vanished) are logged and
skipped; a failure of the whole run sets the FAILED state. Every path has an
epoch, bumped when the file is re-indexed or removed; a result computed for an
older epoch (an older read of the file) is discarded, so a newer read always
wins.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, Final, Protocol

import msgspec

from rholang_lsp.workspace.cache import (
    CacheEntry,
    IndexCache,
    decode_entry,
    encode_entry,
    entry_problem,
)
from rholang_lsp.workspace.discovery import (
    DEFAULT_MAX_FILE_BYTES,
    EXCLUDED_DIRS,
    INDEXED_EXTENSIONS,
    MAX_DISCOVERY_ENTRIES,
    MAX_WORKSPACE_BYTES,
    MAX_WORKSPACE_FILES,
    RHOLANG_EXTENSIONS,
    FileStat,
    discover_files,
    stat_file,
)
from rholang_lsp.workspace.files import (
    contained,
    is_within,
)
from rholang_lsp.workspace.index import WorkspaceIndex
from rholang_lsp.workspace.state import IndexingState
from rholang_lsp.workspace.workers import (
    WORKER_NICE,
    FileJob,
    FileResult,
    _results_decoder,
    active_workers,
    default_workers,
    index_batch,
    index_one,
    make_executor,
    measure_free_cores,
    prestart_executor,
    shutdown_executor,
    start_executor,
)

DEFAULT_BATCH_SIZE: Final = 16
SLICE_SECONDS: Final = 0.002  # merge work between two yields to the event loop
INLINE_LIMIT: Final = 4  # at most this many files are parsed on the loop instead of a worker

_log = logging.getLogger(__name__)


class TimeSlicer:
    """Loop work cut into slices of ``seconds``: ``due()`` says the slice is over,
    ``await pause()`` gives the event loop a turn and starts the next one, and
    ``await maybe_yield()`` does both (call it once per unit of work)."""

    __slots__ = ("_seconds", "_start")

    def __init__(self, seconds: float = SLICE_SECONDS) -> None:
        self._seconds = seconds
        self._start = time.perf_counter()

    def due(self) -> bool:
        return time.perf_counter() - self._start > self._seconds

    async def pause(self) -> None:
        await asyncio.sleep(0)
        self._start = time.perf_counter()

    async def maybe_yield(self) -> None:
        if self.due():
            await self.pause()


class DiskRecord(msgspec.Struct, frozen=True, gc=False):
    """What the index's summary of a file was built from (untracked by the GC, like summaries)."""

    size: int
    mtime_ns: int
    content_hash: str


class IndexStats(msgspec.Struct):
    files: int = 0  # files in the index after the run
    bytes: int = 0
    symbols: int = 0
    seconds: float = 0.0
    from_cache: int = 0  # not read (size + mtime matched the cache)
    read: int = 0  # read by a worker
    parsed: int = 0  # parsed (new or changed content)
    skipped: int = 0  # failed files
    errors: list[tuple[str, str]] = msgspec.field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "bytes": self.bytes,
            "symbols": self.symbols,
            "seconds": round(self.seconds, 4),
            "from_cache": self.from_cache,
            "read": self.read,
            "parsed": self.parsed,
            "skipped": self.skipped,
        }


class MetricsSink(Protocol):
    """The part of ``rholang_lsp.metrics.Metrics`` the indexer records to."""

    def indexing_started(self, root: str, total_files: int) -> None: ...
    def indexing_progress(self, root: str, done: int) -> None: ...
    def indexing_finished(self, root: str, files: int, bytes: int, seconds: float) -> None: ...
    def indexing_failed(self, root: str, error: str | BaseException) -> None: ...
    def cache_hit(self, kind: str) -> None: ...
    def cache_miss(self, kind: str) -> None: ...


StateListener = Callable[[IndexingState], None]
UpdateListener = Callable[[frozenset[str]], None]  # uris whose summary changed or left


class WorkspaceIndexer:
    """Keeps one root's ``WorkspaceIndex`` in step with the files on disk.

    ``executor`` runs ``index_batch`` (a process pool; ``None`` parses on the
    event loop, file by file, for tests and tiny workspaces).
    """

    def __init__(
        self,
        root: Path,
        index: WorkspaceIndex | None = None,
        *,
        executor: Executor | None = None,
        cache: IndexCache | None = None,
        metrics: MetricsSink | None = None,
        target: str = "f1r3fly",
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        path_to_uri: Callable[[str], str] | None = None,
        executor_factory: Callable[[], Awaitable[Executor | None]] | None = None,
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self.root_key = str(self.root)
        self.index = index if index is not None else WorkspaceIndex()
        self.executor = executor
        self.executor_factory = executor_factory  # called when a run needs workers and has none
        self.cache = cache if cache is not None else IndexCache(self.root, enabled=False)
        self.metrics = metrics
        self.target = target
        self.batch_size = max(1, batch_size)
        self.max_file_bytes = max_file_bytes
        self._to_uri = path_to_uri or (lambda p: Path(p).as_uri())
        self.records: dict[str, DiskRecord] = {}  # path -> what its summary was built from
        self.uri_of: dict[str, str] = {}  # path -> uri
        self.state = IndexingState.idle()
        self.last_stats = IndexStats()
        self._epochs: dict[str, int] = {}
        self._state_listeners: list[StateListener] = []
        self._update_listeners: list[UpdateListener] = []
        self._settled = asyncio.Event()
        self._run_lock = asyncio.Lock()
        self._save_handle: asyncio.TimerHandle | None = None
        self._save_task: asyncio.Task[None] | None = None
        self._prepare: asyncio.Future[None] | None = None
        self._starting: asyncio.Future[Executor | None] | None = None  # the pool, starting
        #: idle CPUs now (blocking, run in a thread; None: unknown): how many workers to use
        self.free_cores: Callable[[], float | None] = measure_free_cores
        self.last_workers = 0  # workers the last parallel run used (0: none)
        self.save_delay = 2.0  # seconds after an incremental update before the cache is saved

    # ------------------------------------------------------------------ listeners / state
    def add_state_listener(self, fn: StateListener) -> None:
        self._state_listeners.append(fn)

    def remove_state_listener(self, fn: StateListener) -> None:
        try:
            self._state_listeners.remove(fn)
        except ValueError:
            pass

    def add_update_listener(self, fn: UpdateListener) -> None:
        self._update_listeners.append(fn)

    def remove_update_listener(self, fn: UpdateListener) -> None:
        try:
            self._update_listeners.remove(fn)
        except ValueError:
            pass

    def _set_state(self, state: IndexingState) -> None:
        self.state = state
        if state.is_settled:
            self._settled.set()
        else:
            self._settled.clear()
        for fn in list(self._state_listeners):
            try:
                fn(state)
            except Exception:
                _log.exception("indexing state listener failed")

    def _updated(self, uris: Iterable[str]) -> None:
        changed = frozenset(uris)
        if not changed:
            return
        for fn in list(self._update_listeners):
            try:
                fn(changed)
            except Exception:
                _log.exception("index update listener failed")

    @property
    def settled(self) -> bool:
        return self.state.is_settled

    async def wait_settled(self) -> None:
        await self._settled.wait()

    def owns(self, path: str) -> bool:
        return is_within(os.path.abspath(path), self.root_key)

    def _bump(self, path: str) -> int:
        e = self._epochs.get(path, 0) + 1
        self._epochs[path] = e
        return e

    def _uri(self, path: str) -> str:
        uri = self.uri_of.get(path)
        if uri is None:
            uri = self._to_uri(path)
        return uri

    # ------------------------------------------------------------------ full run
    async def run(self, *, progress: Callable[[int, int], None] | None = None) -> IndexStats:
        """Index the whole root (idempotent; one run at a time). Never raises (but cancellation)."""
        async with self._run_lock:
            started = time.monotonic()
            self._set_state(IndexingState.in_progress(0, 0, started))
            try:
                stats = await self._run(started, progress)
            except asyncio.CancelledError:
                self._set_state(IndexingState.failed("cancelled"))
                raise
            except Exception as e:
                _log.exception("indexing %s failed", self.root_key)
                self._set_state(IndexingState.failed(f"{type(e).__name__}: {e}"))
                if self.metrics is not None:
                    self.metrics.indexing_failed(self.root_key, e)
                return IndexStats(files=len(self.index))
            stats.seconds = time.monotonic() - started
            self.last_stats = stats
            if self.metrics is not None:
                self.metrics.indexing_finished(
                    self.root_key, stats.files, stats.bytes, stats.seconds
                )
            self._set_state(IndexingState.complete(stats.files, stats.seconds))
            # the prefix index for completion, off the loop (else the first request builds it)
            self._prepare = asyncio.get_running_loop().run_in_executor(
                None, self.index.prepare_search
            )
            return stats

    async def _run(self, started: float, progress: Callable[[int, int], None] | None) -> IndexStats:
        files = await asyncio.to_thread(discover_files, self.root)
        total = len(files)
        if (
            self.executor is None
            and self.executor_factory is not None
            and len(files) > INLINE_LIMIT
            and not (self.cache.enabled and self.cache.path.exists())
        ):
            # cold: every file will go to the workers; starting them takes ~0.5-1 s (a
            # forkserver importing the parser), so start now, not after the cache and
            # the job list
            self._starting = asyncio.ensure_future(self.executor_factory())
        if self.metrics is not None:
            self.metrics.indexing_started(self.root_key, total)
        self._set_state(IndexingState.in_progress(total, 0, started))
        raws = await asyncio.to_thread(self.cache.load_raw)
        cached_count = len(raws)
        stats = IndexStats()
        done = 0
        last_report = 0.0

        def advance(n: int) -> None:
            nonlocal done, last_report
            done += n
            now = time.monotonic()
            if done >= total or now - last_report >= 0.05:
                last_report = now
                self._set_state(IndexingState.in_progress(total, done, started))
                if self.metrics is not None:
                    self.metrics.indexing_progress(self.root_key, done)
                if progress is not None:
                    progress(done, total)

        # known entries from the cache, decoded in slices
        present = {f.path: f for f in files}
        known: dict[str, tuple[CacheEntry, bytes]] = {}
        slicer = TimeSlicer()
        for raw in raws:
            try:
                entry = decode_entry(raw)
            except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as e:
                _log.warning(
                    "index cache %s: bad entry (%s); discarding the cache", self.cache.path, e
                )
                known.clear()
                self.cache.clear()
                break
            if entry.path in present:
                problem = entry_problem(entry, self._uri(entry.path))
                if problem is None:
                    known[entry.path] = (entry, bytes(raw))
                else:  # a crafted or foreign entry: that file is read again
                    _log.warning("index cache %s: %s: %s", self.cache.path, entry.path, problem)
            await slicer.maybe_yield()
        raws = []

        encoded: dict[str, bytes] = {}
        jobs: list[FileJob] = []
        hits: list[tuple[str, CacheEntry]] = []
        slicer = TimeSlicer()
        for f in files:
            await slicer.maybe_yield()
            if f.path not in self.uri_of:
                self.uri_of[f.path] = self._to_uri(f.path)
            k = known.get(f.path)
            if k is not None and k[0].size == f.size and k[0].mtime_ns == f.mtime_ns:
                hits.append((f.path, k[0]))
                encoded[f.path] = k[1]
                continue
            epoch = self._epochs.get(f.path, 0)
            jobs.append(
                FileJob(
                    f.path,
                    self.uri_of[f.path],
                    f.size,
                    f.mtime_ns,
                    k[0].content_hash if k is not None else None,
                    epoch,
                )
            )
        stats.from_cache = len(hits)
        if self.metrics is not None:
            for _ in hits:
                self.metrics.cache_hit("index")
            for _ in jobs:
                self.metrics.cache_miss("index")

        # files in the index that are gone from disk
        gone = [p for p in self.records if p not in present]
        for p in gone:
            self._drop(p)
        self._updated(self._uri(p) for p in gone)

        # cache hits: merge in slices
        slicer = TimeSlicer()
        batch_uris: list[str] = []
        count = 0
        for path, entry in hits:
            if self._accept(path, entry):
                batch_uris.append(entry.summary.uri)
            count += 1
            if slicer.due():
                advance(count)
                count = 0
                await slicer.pause()
        if count:
            advance(count)
        self._updated(batch_uris)

        # the rest: workers
        known_entries = {p: k[0] for p, k in known.items()}
        async for results in self._execute(jobs):
            uris: list[str] = []
            slicer = TimeSlicer()
            for res in results:
                stats.read += 0 if res.error == "vanished" else 1
                uri = self._merge_result(res, known_entries.get(res.path), encoded, stats)
                if uri is not None:
                    uris.append(uri)
                await slicer.maybe_yield()
            advance(len(results))
            self._updated(uris)
            await asyncio.sleep(0)
        known.clear()

        stats.files = len(self.records)
        slicer = TimeSlicer()
        for path, rec in list(self.records.items()):
            stats.bytes += rec.size
            s = self.index.get(self._uri(path))
            if s is not None:
                stats.symbols += len(s.symbols)
            await slicer.maybe_yield()
        # nothing read and nothing gone: the cache on disk already says exactly this
        if self.cache.enabled and (jobs or gone or len(encoded) != cached_count):
            await self._save(encoded)
        return stats

    def _accept(self, path: str, entry: CacheEntry) -> bool:
        """Put ``entry`` in the index; False if the index already has exactly that."""
        old = self.records.get(path)
        self.records[path] = DiskRecord(entry.size, entry.mtime_ns, entry.content_hash)
        self.uri_of[path] = entry.summary.uri
        if (
            old is not None
            and old.content_hash == entry.content_hash
            and entry.summary.uri in self.index
        ):
            return False
        self.index.update(entry.summary.uri, entry.summary)
        return True

    def _drop(self, path: str) -> None:
        self.records.pop(path, None)
        uri = self.uri_of.pop(path, None) or self._to_uri(path)
        self.index.remove(uri)

    def _merge_result(
        self,
        res: FileResult,
        known: CacheEntry | None,
        encoded: dict[str, bytes] | None,
        stats: IndexStats,
    ) -> str | None:
        """Apply one worker result; the uri if the index changed."""
        if res.epoch != self._epochs.get(res.path, 0):
            return None  # an older read: a newer one is (or will be) merged
        if res.error is not None:
            stats.skipped += 1
            stats.errors.append((res.path, res.error))
            _log.warning("indexing: skipped %s: %s", res.path, res.error)
            if res.path in self.records:
                uri = self._uri(res.path)
                self._drop(res.path)
                return uri
            return None
        if res.unchanged:
            if known is None:
                return None
            entry = CacheEntry(res.path, res.size, res.mtime_ns, res.content_hash, known.summary)
            if encoded is not None:
                encoded[res.path] = encode_entry(entry)
            return known.summary.uri if self._accept(res.path, entry) else None
        assert res.entry is not None
        entry = decode_entry(res.entry)
        stats.parsed += 1
        if encoded is not None:
            encoded[res.path] = res.entry
        return entry.summary.uri if self._accept(res.path, entry) else None

    async def _execute(self, jobs: list[FileJob]) -> AsyncIterator[list[FileResult]]:
        """Run jobs in batches (at most 2 per worker in flight); yield each batch's results."""
        if not jobs:
            return
        executor = self.executor
        if executor is None and self.executor_factory is not None and len(jobs) > INLINE_LIMIT:
            starting = self._starting
            self._starting = None
            if starting is None:
                starting = asyncio.ensure_future(self.executor_factory())
            # while the pool starts, this process parses (one file per loop turn)
            k = 0
            while not starting.done() and len(jobs) - k > INLINE_LIMIT:
                yield [index_one(jobs[k], target=self.target, max_bytes=self.max_file_bytes)]
                k += 1
                await asyncio.sleep(0)
            jobs = jobs[k:]
            executor = await starting
        batches = [jobs[i : i + self.batch_size] for i in range(0, len(jobs), self.batch_size)]
        if executor is None or len(jobs) <= INLINE_LIMIT:
            for batch in batches:
                results: list[FileResult] = []
                for job in batch:
                    results.append(
                        index_one(job, target=self.target, max_bytes=self.max_file_bytes)
                    )
                    await asyncio.sleep(0)
                yield results
            return
        loop = asyncio.get_running_loop()
        pool = int(getattr(executor, "_max_workers", 2))
        # How many workers: one per idle core, measured while the first batch runs (so the
        # measurement costs no time); until then one batch is in flight. A second batch
        # per worker keeps it busy while the loop merges the first; with fewer workers
        # than the pool, one batch each (a queued batch would start another worker).
        measuring: asyncio.Future[float | None] | None = None
        workers = limit = 1
        if pool > 1 and len(batches) > 1:
            measuring = asyncio.ensure_future(asyncio.to_thread(self.free_cores))
        else:
            workers = pool
            limit = 2 * pool
        self.last_workers = workers
        pending: set[asyncio.Future[bytes]] = set()
        at = 0  # jobs[:at] are submitted
        try:
            while True:
                while len(pending) < limit and at < len(jobs):
                    # batches shrink towards the end (a quarter of each worker's share, at
                    # least 2 files): the workers finish together instead of one waiting
                    # for the other's last full batch
                    size = max(2, min(self.batch_size, (len(jobs) - at) // (4 * workers)))
                    nxt = jobs[at : at + size]
                    at += size
                    fut = asyncio.wrap_future(
                        executor.submit(index_batch, nxt, self.target, self.max_file_bytes),
                        loop=loop,
                    )
                    pending.add(fut)
                if not pending:
                    break
                waiting: set[asyncio.Future[Any]] = set(pending)
                if measuring is not None:
                    waiting.add(measuring)
                done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if measuring is not None and measuring.done():
                    free = None if measuring.exception() is not None else measuring.result()
                    workers = self.last_workers = active_workers(pool, free)
                    limit = 2 * workers if workers == pool else workers
                    measuring = None
                for fut in pending & done:
                    pending.discard(fut)
                    yield _results_decoder.decode(fut.result())
        finally:
            for fut in pending:
                fut.cancel()
            if measuring is not None:
                measuring.cancel()

    # ------------------------------------------------------------------ incremental updates
    async def reindex(self, paths: Iterable[str]) -> frozenset[str]:
        """Re-read ``paths`` (created or changed on disk); returns the uris whose summary changed.

        Unchanged size and mtime: nothing is read. A path that no longer exists
        leaves the index.
        """
        wanted: list[FileStat] = []
        removed: list[str] = []
        for p in dict.fromkeys(os.path.abspath(p) for p in paths):
            if not self.owns(p) or not p.endswith(INDEXED_EXTENSIONS):
                continue
            if not contained(p, [self.root_key]):
                # a symlink (or a link in its directories) leading out of the root: never
                # read through it; drop what the index may hold under that path
                if p in self.records or p in self.uri_of:
                    removed.append(p)
                continue
            st = await asyncio.to_thread(stat_file, p)
            if st is None:
                removed.append(p)
                continue
            rec = self.records.get(p)
            if rec is not None and rec.size == st.size and rec.mtime_ns == st.mtime_ns:
                continue
            wanted.append(st)
        changed: list[str] = []
        if removed:
            changed.extend(self.remove(removed, notify=False))
        jobs = []
        for st in wanted:
            rec = self.records.get(st.path)
            uri = self.uri_of.setdefault(st.path, self._to_uri(st.path))
            jobs.append(
                FileJob(
                    st.path,
                    uri,
                    st.size,
                    st.mtime_ns,
                    rec.content_hash if rec is not None else None,
                    self._bump(st.path),
                )
            )
        stats = IndexStats()
        known = {
            j.path: CacheEntry(j.path, j.size, j.mtime_ns, j.known_hash or "", s)
            for j in jobs
            if j.known_hash is not None and (s := self.index.get(j.uri)) is not None
        }
        async for results in self._execute(jobs):
            for res in results:
                hit = self._merge_result(res, known.get(res.path), None, stats)
                if hit is not None:
                    changed.append(hit)
        out = frozenset(changed)
        if out:
            self._updated(out)
            self._schedule_save()
        return out

    def remove(self, paths: Iterable[str], *, notify: bool = True) -> frozenset[str]:
        """Files deleted on disk leave the index; returns their uris."""
        gone: list[str] = []
        for p in paths:
            p = os.path.abspath(p)
            self._bump(p)
            if p in self.records:
                gone.append(self._uri(p))
                self._drop(p)
        out = frozenset(gone)
        if out and notify:
            self._updated(out)
            self._schedule_save()
        return out

    # ------------------------------------------------------------------ cache saving
    def _schedule_save(self) -> None:
        if not self.cache.enabled or not self.state.is_settled:
            return
        if self._save_handle is not None:
            self._save_handle.cancel()
        loop = asyncio.get_running_loop()
        self._save_handle = loop.call_later(self.save_delay, self._start_save)

    def _start_save(self) -> None:
        self._save_handle = None
        if self._save_task is None or self._save_task.done():
            self._save_task = asyncio.ensure_future(self._save(None))

    async def _save(self, encoded: dict[str, bytes] | None) -> None:
        """Write the cache: ``encoded`` entries, the others encoded here in slices."""
        items: list[bytes] = []
        slicer = TimeSlicer()
        for path, rec in list(self.records.items()):
            data = encoded.get(path) if encoded is not None else None
            if data is None:
                s = self.index.get(self._uri(path))
                if s is None:
                    continue
                data = encode_entry(CacheEntry(path, rec.size, rec.mtime_ns, rec.content_hash, s))
            items.append(data)
            await slicer.maybe_yield()
        try:
            await asyncio.to_thread(self.cache.save_encoded, items)
        except OSError as e:
            _log.warning("cannot write the index cache %s: %s", self.cache.path, e)

    async def flush(self) -> None:
        """Save now if a save is pending (shutdown)."""
        if self._save_handle is not None:
            self._save_handle.cancel()
            self._save_handle = None
            await self._save(None)
        if self._save_task is not None and not self._save_task.done():
            await self._save_task

    def close(self) -> None:
        if self._save_handle is not None:
            self._save_handle.cancel()
            self._save_handle = None


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_MAX_FILE_BYTES",
    "EXCLUDED_DIRS",
    "INDEXED_EXTENSIONS",
    "MAX_DISCOVERY_ENTRIES",
    "MAX_WORKSPACE_BYTES",
    "MAX_WORKSPACE_FILES",
    "MetricsSink",
    "RHOLANG_EXTENSIONS",
    "SLICE_SECONDS",
    "TimeSlicer",
    "WORKER_NICE",
    "stat_file",
    "DiskRecord",
    "FileJob",
    "FileResult",
    "FileStat",
    "IndexStats",
    "WorkspaceIndexer",
    "default_workers",
    "discover_files",
    "index_batch",
    "index_one",
    "make_executor",
    "prestart_executor",
    "shutdown_executor",
    "start_executor",
]
