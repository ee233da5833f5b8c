"""Worker processes of the indexer: the job and result records, what a worker does with a
batch (read, hash, parse, summarise), the pool (forkserver, lower priority, owner watch)."""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Final

import msgspec

from rholang_lsp.semantics.summary import content_hash
from rholang_lsp.workspace.cache import (
    CacheEntry,
    encode_entry,
)

if TYPE_CHECKING:  # multiprocessing costs ~10 ms of start-up: imported when a pool starts
    from concurrent.futures import ProcessPoolExecutor

from rholang_lsp.workspace.files import (
    ReadRefused,
    read_source_bytes,
)

# Workers run at a lower CPU priority: with one worker per core, the server process would
# otherwise wait for a core (several ms per wake-up) while every worker is busy parsing.
WORKER_NICE: Final = 10

_log = logging.getLogger(__name__)


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
    """Worker entry point: a batch of jobs -> encoded ``list[FileResult]``.

    In a worker process (``_init_worker`` ran) the cyclic GC is off for the batch: the
    automatic collections would traverse the tree being built again and again as it grows
    (~17% of a worker's CPU on the generated workspace). A file's tree is released once
    summarised (``summarize_text``: its parent pointers cut), so reference counting frees
    it; a young collection per file did that before and cost ~12% of the worker's CPU.
    What is left cyclic (a MeTTa file's analysis) is collected, young generation only,
    once ``_YOUNG_LIMIT`` tracked objects have piled up: a full collection also empties
    the interpreter's free lists, which the next file then refills from the allocator.
    The modules imported by then are frozen out of collections. Elsewhere (tests,
    ``index_one`` on the loop) the GC is left alone."""
    if not _IN_WORKER:
        return _results_encoder.encode(
            [index_one(j, target=target, max_bytes=max_bytes) for j in jobs]
        )
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True
    results = []
    gc.disable()
    try:
        for j in jobs:
            results.append(index_one(j, target=target, max_bytes=max_bytes))
            if gc.get_count()[0] > _YOUNG_LIMIT:  # what reference counting did not free
                gc.collect(0)
    finally:
        gc.enable()
    return _results_encoder.encode(results)


#: tracked objects left alive since the last collection above which a worker collects the
#: young generation (a released tree leaves none; a MeTTa file's analysis is collected)
_YOUNG_LIMIT: Final = 200_000

_IN_WORKER = False  # set by ``_init_worker``: this process is an indexing worker
_frozen = False  # the worker's imported modules are frozen out of the GC (``gc.freeze``)


def warm_up() -> int:
    """Run once per worker to import the parser before the first batch."""
    import rholang_lsp.workspace.analysis  # noqa: F401

    return os.getpid()


def _init_worker(nice: int, owner_pid: int = 0, owner_started: str | None = None) -> None:
    """Worker process initializer: lower its CPU priority (the event loop's process wins)
    and exit when the server process that owns the pool is gone (even SIGKILLed: no
    cleanup of its own runs then, and a worker's parent is the forkserver, not it)."""
    global _IN_WORKER
    _IN_WORKER = True
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
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if workers is None:
        workers = default_workers()
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        # what a worker runs (not the indexer: asyncio and the rest are the server's)
        ctx.set_forkserver_preload(
            ["rholang_lsp.workspace.workers", "rholang_lsp.workspace.analysis"]
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
        import asyncio  # here: a worker process imports this module, and never needs asyncio

        await asyncio.to_thread(prestart_executor, executor, workers)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    return executor


def _cpu_jiffies() -> tuple[int, int] | None:
    """(idle, total) jiffies over all CPUs since boot (Linux ``/proc/stat``; None elsewhere)."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != b"cpu":
        return None
    ticks = [int(x) for x in fields[1:9]]  # user nice system idle iowait irq softirq steal
    return ticks[3] + ticks[4], sum(ticks)


def measure_free_cores(window: float = 0.05) -> float | None:
    """How many of this process's CPUs were idle over ``window`` seconds (blocking: call
    it from a thread). None where the system does not say (then every worker is used)."""
    a = _cpu_jiffies()
    if a is None:
        return None
    time.sleep(window)
    b = _cpu_jiffies()
    if b is None or b[1] <= a[1]:
        return None
    idle = (b[0] - a[0]) / (b[1] - a[1])
    return min(idle * (os.cpu_count() or 1), float(default_workers()))


def active_workers(pool_size: int, free: float | None) -> int:
    """Workers worth running: one per free core (rounded), at least one, at most the
    pool. Measured on this 2-core machine: with one core busy elsewhere, two workers
    index slower than one (they and the server time-share the one free core)."""
    if free is None:
        return pool_size
    return max(1, min(pool_size, int(free + 0.5)))


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------------- main side


def shutdown_executor(executor: Executor | None) -> None:
    if executor is None:
        return
    try:
        executor.shutdown(wait=False, cancel_futures=True)
    except Exception:  # pragma: no cover - defensive
        _log.exception("error while shutting the worker pool down")
