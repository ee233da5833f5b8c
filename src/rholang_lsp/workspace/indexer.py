"""Background workspace indexer: discovery, worker processes, batches, merging, state.

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
import multiprocessing
import os
import stat as stat_mod
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import msgspec

from rholang_lsp.semantics.metta.summary import METTA_EXTENSIONS
from rholang_lsp.semantics.summary import content_hash
from rholang_lsp.workspace.cache import (
    CacheEntry,
    IndexCache,
    decode_entry,
    encode_entry,
    entry_problem,
)
from rholang_lsp.workspace.files import (
    MAX_FILE_BYTES,
    ReadRefused,
    contained,
    is_within,
    read_source_bytes,
)
from rholang_lsp.workspace.index import WorkspaceIndex
from rholang_lsp.workspace.state import IndexingState

RHOLANG_EXTENSIONS: Final = (".rho",)
#: what the index covers: Rholang files and MeTTa files (their functions for workspace/symbol)
INDEXED_EXTENSIONS: Final = RHOLANG_EXTENSIONS + METTA_EXTENSIONS
EXCLUDED_DIRS: Final = frozenset(
    {".git", ".hg", ".svn", "node_modules", "target", ".venv", "venv", "__pycache__", ".tox"}
)
DEFAULT_MAX_FILE_BYTES: Final = MAX_FILE_BYTES
#: discovery bounds per workspace root (ARCHITECTURE "Limits"): a folder such as `/` or
#: `/dev` is indexed up to here and no further (a warning says so)
MAX_WORKSPACE_FILES: Final = 20_000
MAX_WORKSPACE_BYTES: Final = 512 * 1024 * 1024
MAX_DISCOVERY_ENTRIES: Final = 500_000  # directory entries looked at
DEFAULT_BATCH_SIZE: Final = 16
SLICE_SECONDS: Final = 0.002  # merge work between two yields to the event loop
INLINE_LIMIT: Final = 4  # at most this many files are parsed on the loop instead of a worker
# Workers run at a lower CPU priority: with one worker per core, the server process would
# otherwise wait for a core (several ms per wake-up) while every worker is busy parsing.
WORKER_NICE: Final = 10

_log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- discovery


@dataclass(frozen=True, slots=True)
class FileStat:
    path: str
    size: int
    mtime_ns: int


_is_under = is_within


def discover_files(
    root: Path | str,
    *,
    extensions: Sequence[str] = INDEXED_EXTENSIONS,
    excluded_dirs: frozenset[str] = EXCLUDED_DIRS,
    max_files: int = MAX_WORKSPACE_FILES,
    max_bytes: int = MAX_WORKSPACE_BYTES,
    max_entries: int = MAX_DISCOVERY_ENTRIES,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> list[FileStat]:
    """Every Rholang file under ``root`` (sorted by path). Blocking: run it in a thread.

    Directory symlinks are not followed; a file symlink is taken only if its
    target lies under the root. Only regular files are taken (no FIFO, device,
    socket); one over ``max_file_bytes`` is left to the reader to refuse (and count
    as such). Unreadable directories are skipped.
    Discovery stops, with a warning, after ``max_files`` files, ``max_bytes`` bytes
    of them or ``max_entries`` directory entries (a root of `/` stays bounded).
    """
    real_root = os.path.realpath(root)
    out: list[FileStat] = []
    stack = [str(root)]
    seen = 0
    total = 0
    suffixes = tuple(extensions)
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as e:
            _log.info("skipping directory %s: %s", current, e)
            continue
        seen += len(entries)
        if seen > max_entries:
            _log.warning(
                "indexing %s: stopped after %d directory entries (limit %d)",
                root,
                seen,
                max_entries,
            )
            break
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in excluded_dirs and not entry.name.startswith("."):
                        stack.append(entry.path)
                    continue
                if not entry.name.endswith(suffixes):
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not _is_under(target, real_root):
                        continue
                st = entry.stat()
                if not stat_mod.S_ISREG(st.st_mode):
                    continue
                size = min(st.st_size, max_file_bytes + 1)  # a larger one is refused unread
                if len(out) >= max_files or total + size > max_bytes:
                    _log.warning(
                        "indexing %s: stopped at %d files, %d bytes (limits %d files, %d bytes)",
                        root,
                        len(out),
                        total,
                        max_files,
                        max_bytes,
                    )
                    stack.clear()
                    break
                total += size
                out.append(FileStat(entry.path, st.st_size, st.st_mtime_ns))
            except OSError:
                continue
    out.sort(key=lambda f: f.path)
    return out


def stat_file(path: str) -> FileStat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat_mod.S_ISREG(st.st_mode):
        return None
    return FileStat(path, st.st_size, st.st_mtime_ns)


# ---------------------------------------------------------------------------- worker side


class FileJob(msgspec.Struct, array_like=True, frozen=True, gc=False):
    path: str
    uri: str
    size: int
    mtime_ns: int
    known_hash: str | None = None
    epoch: int = 0


class FileResult(msgspec.Struct, array_like=True, frozen=True, gc=False):
    path: str
    epoch: int
    size: int = 0
    mtime_ns: int = 0
    content_hash: str = ""
    entry: bytes | None = None  # an encoded ``CacheEntry`` (None: unchanged or error)
    unchanged: bool = False  # the hash matched ``known_hash``: keep the known summary
    error: str | None = None


_results_encoder: Final = msgspec.msgpack.Encoder()
_results_decoder: Final = msgspec.msgpack.Decoder(list[FileResult])


def index_one(job: FileJob, *, target: str, max_bytes: int) -> FileResult:
    """Read, hash and summarise one file (never raises)."""
    from rholang_lsp.workspace.analysis import summarize_text

    try:
        # regular files only, non-blocking open, at most max_bytes (workspace.files)
        data, st = read_source_bytes(job.path, max_bytes=max_bytes)
        text = data.decode("utf-8")
    except ReadRefused as e:
        return FileResult(job.path, job.epoch, error=str(e))
    except FileNotFoundError:
        return FileResult(job.path, job.epoch, error="vanished")
    except UnicodeDecodeError as e:
        return FileResult(job.path, job.epoch, error=f"not UTF-8 ({e.reason} at byte {e.start})")
    except OSError as e:
        return FileResult(job.path, job.epoch, error=f"unreadable ({e.strerror or e})")
    h = content_hash(text)
    if job.known_hash is not None and h == job.known_hash:
        return FileResult(job.path, job.epoch, st.st_size, st.st_mtime_ns, h, unchanged=True)
    try:
        summary = summarize_text(job.uri, text, target=target)
    except Exception as e:  # the parser should never raise; be safe anyway
        return FileResult(job.path, job.epoch, error=f"analysis failed: {type(e).__name__}: {e}")
    entry = CacheEntry(job.path, st.st_size, st.st_mtime_ns, h, summary)
    return FileResult(job.path, job.epoch, st.st_size, st.st_mtime_ns, h, encode_entry(entry))


def index_batch(jobs: list[FileJob], target: str, max_bytes: int) -> bytes:
    """Worker entry point: a batch of jobs -> encoded ``list[FileResult]``."""
    return _results_encoder.encode([index_one(j, target=target, max_bytes=max_bytes) for j in jobs])


def warm_up() -> int:
    """Run once per worker to import the parser before the first batch."""
    import rholang_lsp.workspace.analysis  # noqa: F401

    return os.getpid()


def _init_worker(nice: int, owner_pid: int = 0, owner_started: str | None = None) -> None:
    """Worker process initializer: lower its CPU priority (the event loop's process wins)
    and exit when the server process that owns the pool is gone (even SIGKILLed: no
    cleanup of its own runs then, and a worker's parent is the forkserver, not it)."""
    if nice > 0 and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:  # pragma: no cover - not permitted: keep the default priority
            pass
    if owner_pid > 0:
        threading.Thread(
            target=_watch_owner, args=(owner_pid, owner_started), name="owner-watch", daemon=True
        ).start()


#: how often a worker checks that the server process is still alive (seconds)
OWNER_POLL_SECONDS: Final = 0.5


def _process_started(pid: int) -> str | None:
    """The start time of ``pid`` (Linux ``/proc``; None elsewhere): tells a reused pid apart."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    # the command name may hold spaces and parentheses: fields follow the last ")"
    fields = data[data.rfind(b")") + 2 :].split()
    return fields[19].decode() if len(fields) > 19 else None


def _owner_alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists (another user's process now holds the pid: checked below)
    return started is None or _process_started(pid) == started


def _watch_owner(pid: int, started: str | None) -> None:
    while _owner_alive(pid, started):
        time.sleep(OWNER_POLL_SECONDS)
    os._exit(0)


def make_executor(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of worker processes (``forkserver`` where available, else ``spawn``).

    ``workers`` defaults to the number of usable CPUs.
    """
    if workers is None:
        workers = default_workers()
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(
            ["rholang_lsp.workspace.indexer", "rholang_lsp.workspace.analysis"]
        )
    return ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(WORKER_NICE, os.getpid(), _process_started(os.getpid())),
    )


def prestart_executor(executor: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker now (blocking; call it from a thread, never on the event loop:
    starting a forkserver worker waits for the server to import the parser)."""
    futures = [executor.submit(warm_up) for _ in range(max(1, workers))]
    for f in futures:
        f.result()


async def start_executor(workers: int | None = None) -> ProcessPoolExecutor:
    """``make_executor`` + ``prestart_executor`` in a thread: the loop never waits for a spawn."""
    if workers is None:
        workers = default_workers()
    executor = make_executor(workers)
    try:
        await asyncio.to_thread(prestart_executor, executor, workers)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    return executor


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------------- main side


class DiskRecord(msgspec.Struct, frozen=True, gc=False):
    """What the index's summary of a file was built from (untracked by the GC, like summaries)."""

    size: int
    mtime_ns: int
    content_hash: str


@dataclass(slots=True)
class IndexStats:
    files: int = 0  # files in the index after the run
    bytes: int = 0
    symbols: int = 0
    seconds: float = 0.0
    from_cache: int = 0  # not read (size + mtime matched the cache)
    read: int = 0  # read by a worker
    parsed: int = 0  # parsed (new or changed content)
    skipped: int = 0  # failed files
    errors: list[tuple[str, str]] = field(default_factory=list)

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
        return _is_under(os.path.abspath(path), self.root_key)

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
            return stats

    async def _run(self, started: float, progress: Callable[[int, int], None] | None) -> IndexStats:
        files = await asyncio.to_thread(discover_files, self.root)
        total = len(files)
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
        tick = time.perf_counter()
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
            if time.perf_counter() - tick > SLICE_SECONDS:
                await asyncio.sleep(0)
                tick = time.perf_counter()
        raws = []

        encoded: dict[str, bytes] = {}
        jobs: list[FileJob] = []
        hits: list[tuple[str, CacheEntry]] = []
        tick = time.perf_counter()
        for f in files:
            if time.perf_counter() - tick > SLICE_SECONDS:  # ~6 us a file (the uri): slice it
                await asyncio.sleep(0)
                tick = time.perf_counter()
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
        tick = time.perf_counter()
        batch_uris: list[str] = []
        count = 0
        for path, entry in hits:
            if self._accept(path, entry):
                batch_uris.append(entry.summary.uri)
            count += 1
            if time.perf_counter() - tick > SLICE_SECONDS:
                advance(count)
                count = 0
                await asyncio.sleep(0)
                tick = time.perf_counter()
        if count:
            advance(count)
        self._updated(batch_uris)

        # the rest: workers
        known_entries = {p: k[0] for p, k in known.items()}
        async for results in self._execute(jobs):
            uris: list[str] = []
            tick = time.perf_counter()
            for res in results:
                stats.read += 0 if res.error == "vanished" else 1
                uri = self._merge_result(res, known_entries.get(res.path), encoded, stats)
                if uri is not None:
                    uris.append(uri)
                if time.perf_counter() - tick > SLICE_SECONDS:
                    await asyncio.sleep(0)
                    tick = time.perf_counter()
            advance(len(results))
            self._updated(uris)
            await asyncio.sleep(0)
        known.clear()

        stats.files = len(self.records)
        tick = time.perf_counter()
        for path, rec in list(self.records.items()):
            stats.bytes += rec.size
            s = self.index.get(self._uri(path))
            if s is not None:
                stats.symbols += len(s.symbols)
            if time.perf_counter() - tick > SLICE_SECONDS:
                await asyncio.sleep(0)
                tick = time.perf_counter()
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
        batches = [jobs[i : i + self.batch_size] for i in range(0, len(jobs), self.batch_size)]
        executor = self.executor
        if executor is None and self.executor_factory is not None and len(jobs) > INLINE_LIMIT:
            executor = await self.executor_factory()
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
        workers = getattr(executor, "_max_workers", 2)
        limit = max(2, 2 * int(workers))
        pending: set[asyncio.Future[bytes]] = set()
        it: Iterator[list[FileJob]] = iter(batches)
        try:
            while True:
                while len(pending) < limit:
                    nxt: list[FileJob] | None = next(it, None)
                    if nxt is None:
                        break
                    fut = asyncio.wrap_future(
                        executor.submit(index_batch, nxt, self.target, self.max_file_bytes),
                        loop=loop,
                    )
                    pending.add(fut)
                if not pending:
                    break
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for fut in done:
                    yield _results_decoder.decode(fut.result())
        finally:
            for fut in pending:
                fut.cancel()

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
        tick = time.perf_counter()
        for path, rec in list(self.records.items()):
            data = encoded.get(path) if encoded is not None else None
            if data is None:
                s = self.index.get(self._uri(path))
                if s is None:
                    continue
                data = encode_entry(CacheEntry(path, rec.size, rec.mtime_ns, rec.content_hash, s))
            items.append(data)
            if time.perf_counter() - tick > SLICE_SECONDS:
                await asyncio.sleep(0)
                tick = time.perf_counter()
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


def shutdown_executor(executor: Executor | None) -> None:
    if executor is None:
        return
    try:
        executor.shutdown(wait=False, cancel_futures=True)
    except Exception:  # pragma: no cover - defensive
        _log.exception("error while shutting the worker pool down")


__all__ = [
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
