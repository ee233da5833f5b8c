"""The per-process :class:`Metrics` recorder.

Design rules (the recording methods sit on the request hot path):

* One ``Metrics`` object per server process, created by the server and passed to
  whatever needs it (no module global).
* Recording methods only touch plain ints/floats, small dicts and the fixed bucket
  arrays of :class:`~rholang_lsp.metrics.histogram.Histogram`; no locks, no
  allocation on the steady-state path, no prometheus-client calls. Cost is a few
  hundred nanoseconds per call (see ``benchmarks/requests.py``, ``metrics_overhead_ns``).
* **Threading:** all recording must happen on the server's single asyncio
  event-loop thread. Readers (``snapshot()``, ``summary_line()``, the Prometheus
  collector running on the HTTP server's thread) only copy containers with
  single C-level operations (``list(d.items())``, ``list(counts)``), which the GIL
  makes atomic; a reader may see a state that is one event behind, never a
  crash. Code running in worker threads must hand its measurements to the loop
  (``loop.call_soon_threadsafe(metrics.cache_hit, "parse")``) rather than record
  directly.
* Label cardinality is bounded: at most :data:`MAX_METHODS` distinct request
  method names are tracked individually; further names are folded into
  ``"other"`` (clients can send arbitrary method names).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from bisect import bisect_left
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Final, Literal

import msgspec

from .histogram import LATENCY_BUCKETS, Histogram, quantile_from_counts

Outcome = Literal["ok", "error", "cancelled"]

#: Maximum number of distinct request method names tracked separately.
MAX_METHODS: Final[int] = 256
#: Name under which methods beyond :data:`MAX_METHODS` are aggregated.
OTHER_METHOD: Final[str] = "other"


class MethodStats:
    """Per-method request counters plus a latency histogram."""

    __slots__ = ("ok", "errors", "cancelled", "hist")

    def __init__(self) -> None:
        self.ok: int = 0
        self.errors: int = 0
        self.cancelled: int = 0
        self.hist: Histogram = Histogram()

    @property
    def count(self) -> int:
        return self.ok + self.errors + self.cancelled


class IndexingState(msgspec.Struct):
    """Indexing state of one workspace root."""

    state: str = "idle"  # "indexing" | "ready" | "failed"
    total_files: int = 0
    done: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    started_at: float = 0.0  # time.monotonic()
    error: str | None = None
    runs: int = 0
    failures: int = 0


class Metrics:
    """Cheap in-process recorder; see the module docstring for the threading rule."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.started_at: float = clock()
        self.started_at_unix: float = time.time()
        # requests
        self._requests: dict[str, MethodStats] = {}
        self.initialize_hist: Histogram = Histogram()
        # connections
        self.connections_active: int = 0
        self._conn_active_by_transport: dict[str, int] = {}
        self._conn_total_by_transport: dict[str, int] = {}
        self.connection_setup_hist: Histogram = Histogram()
        # indexing
        self._indexing: dict[str, IndexingState] = {}
        # queue (requests held while indexing)
        self.queue_depth_current: int = 0
        self.queue_depth_max: int = 0
        self.queue_wait_hist: Histogram = Histogram()
        self._queue_wait_by_method: dict[str, int] = {}
        # websocket
        self.ws_frames_sent: int = 0
        self.ws_messages_sent: int = 0
        self.ws_bytes_raw: int = 0
        self.ws_bytes_wire: int = 0
        self.ws_bytes_raw_measured: int = 0  # raw bytes of frames whose wire size is known
        self.ws_max_messages_per_frame: int = 0
        self.ws_frames_received: int = 0
        self.ws_messages_received: int = 0
        self.ws_bytes_received: int = 0
        # caches
        self._cache_hits: dict[str, int] = {}
        self._cache_misses: dict[str, int] = {}
        # sessions
        self._session_memory: dict[str, int] = {}
        # event-loop stalls: the server's ``LoopWatchdog`` (``snapshot()``), when running
        self.loop_watchdog: Any = None

    # ------------------------------------------------------------------ requests

    def request_finished(self, method: str, seconds: float, outcome: Outcome = "ok") -> None:
        """Record one finished request (``outcome``: "ok", "error" or "cancelled").

        Unknown outcome strings are counted as errors.
        """
        st = self._requests.get(method)
        if st is None:
            st = self._new_method(method)
        # inlined Histogram.observe (hottest path)
        h = st.hist
        if seconds < 0.0:
            seconds = 0.0
        h.counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        h.count += 1
        h.sum += seconds
        if seconds > h.max:
            h.max = seconds
        if seconds < h.min:
            h.min = seconds
        if outcome == "ok":
            st.ok += 1
        elif outcome == "cancelled":
            st.cancelled += 1
        else:
            st.errors += 1

    def requests_finished(self, method: str, seconds: list[float]) -> None:
        """``request_finished(method, s, "ok")`` for each ``s`` in ``seconds`` (the requests
        of one method a message body had answered at once): count, sum, min and max by
        built-ins, and no bisect while all fall in the first bucket (inline answers do)."""
        n = len(seconds)
        if not n:
            return
        st = self._requests.get(method)
        if st is None:
            st = self._new_method(method)
        h = st.hist
        lo = min(seconds)
        if lo < 0.0:
            seconds = [max(s, 0.0) for s in seconds]
            lo = 0.0
        hi = max(seconds)
        if hi <= LATENCY_BUCKETS[0]:
            h.counts[0] += n
        else:
            counts = h.counts
            for s in seconds:
                counts[bisect_left(LATENCY_BUCKETS, s)] += 1
        h.count += n
        h.sum += sum(seconds)
        if hi > h.max:
            h.max = hi
        if lo < h.min:
            h.min = lo
        st.ok += n

    def _new_method(self, method: str) -> MethodStats:
        if len(self._requests) >= MAX_METHODS:
            st = self._requests.get(OTHER_METHOD)
            if st is None:
                st = self._requests[OTHER_METHOD] = MethodStats()
            return st
        st = self._requests[method] = MethodStats()
        return st

    @asynccontextmanager
    async def timed_request(self, method: str) -> AsyncIterator[None]:
        """Convenience wrapper: time the body and record its outcome.

        ``CancelledError`` -> "cancelled", any other exception -> "error". Costs
        about a microsecond more than calling :meth:`request_finished` directly.
        """
        t0 = time.perf_counter()
        outcome: Outcome = "ok"
        try:
            yield
        except BaseException as exc:  # noqa: B036 - re-raised
            outcome = "cancelled" if _is_cancel(exc) else "error"
            raise
        finally:
            self.request_finished(method, time.perf_counter() - t0, outcome)

    def initialize_latency(self, seconds: float) -> None:
        """Time from receiving ``initialize`` to sending its response."""
        self.initialize_hist.observe(seconds)

    # --------------------------------------------------------------- connections

    def connection_opened(self, transport: str, setup_seconds: float = 0.0) -> None:
        """A client connected over ``transport`` ("stdio", "tcp", "ws", ...).

        ``setup_seconds``: time from accept to a usable session (handshake, session
        creation, attaching to the shared backend).
        """
        self.connections_active += 1
        d = self._conn_active_by_transport
        d[transport] = d.get(transport, 0) + 1
        t = self._conn_total_by_transport
        t[transport] = t.get(transport, 0) + 1
        self.connection_setup_hist.observe(setup_seconds)

    def connection_closed(self, transport: str) -> None:
        if self.connections_active > 0:
            self.connections_active -= 1
        d = self._conn_active_by_transport
        n = d.get(transport, 0)
        if n > 0:
            d[transport] = n - 1

    # ------------------------------------------------------------------ indexing

    def indexing_started(self, root: str, total_files: int) -> None:
        st = self._indexing.get(root)
        if st is None:
            st = self._indexing[root] = IndexingState()
        st.state = "indexing"
        st.total_files = total_files
        st.done = 0
        st.started_at = self._clock()
        st.error = None
        st.runs += 1

    def indexing_progress(self, root: str, done: int) -> None:
        st = self._indexing.get(root)
        if st is not None:
            st.done = done

    def indexing_finished(self, root: str, files: int, bytes: int, seconds: float) -> None:
        st = self._indexing.get(root)
        if st is None:
            st = self._indexing[root] = IndexingState(runs=1)
        st.state = "ready"
        st.done = files
        st.files = files
        st.bytes = bytes
        st.seconds = seconds
        st.error = None

    def indexing_failed(self, root: str, error: str | BaseException) -> None:
        st = self._indexing.get(root)
        if st is None:
            st = self._indexing[root] = IndexingState(runs=1)
        st.state = "failed"
        st.error = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        st.seconds = self._clock() - st.started_at if st.started_at else 0.0
        st.failures += 1

    def indexing_removed(self, root: str) -> None:
        """Forget a root (workspace folder removed)."""
        self._indexing.pop(root, None)

    # --------------------------------------------------------------------- queue

    def queue_wait(self, method: str, seconds: float) -> None:
        """A request held while indexing was released after ``seconds``."""
        self.queue_wait_hist.observe(seconds)
        d = self._queue_wait_by_method
        if method in d or len(d) < MAX_METHODS:
            d[method] = d.get(method, 0) + 1
        else:
            d[OTHER_METHOD] = d.get(OTHER_METHOD, 0) + 1

    def queue_depth(self, n: int) -> None:
        """Current number of requests held (call whenever it changes)."""
        self.queue_depth_current = n
        if n > self.queue_depth_max:
            self.queue_depth_max = n

    # ----------------------------------------------------------------- websocket

    def ws_frame_sent(self, messages: int, raw_bytes: int, wire_bytes: int | None = None) -> None:
        """One WebSocket frame carrying ``messages`` JSON-RPC messages.

        ``raw_bytes``: payload before compression; ``wire_bytes``: bytes after
        permessage-deflate, or ``None`` when unknown (then the frame does not
        count towards the compression ratio nor ``ws_bytes_wire``).
        """
        self.ws_frames_sent += 1
        self.ws_messages_sent += messages
        self.ws_bytes_raw += raw_bytes
        if wire_bytes is not None:
            self.ws_bytes_wire += wire_bytes
            self.ws_bytes_raw_measured += raw_bytes
        if messages > self.ws_max_messages_per_frame:
            self.ws_max_messages_per_frame = messages

    def ws_frame_received(self, messages: int, bytes: int) -> None:
        self.ws_frames_received += 1
        self.ws_messages_received += messages
        self.ws_bytes_received += bytes

    # -------------------------------------------------------------------- caches

    def cache_hit(self, kind: str) -> None:
        """``kind``: "parse" or "index" (any short constant string works)."""
        d = self._cache_hits
        d[kind] = d.get(kind, 0) + 1

    def cache_miss(self, kind: str) -> None:
        d = self._cache_misses
        d[kind] = d.get(kind, 0) + 1

    # ------------------------------------------------------------------ sessions

    def session_memory(self, session_id: str, estimated_bytes: int) -> None:
        """Latest memory estimate of one session (connection-specific state)."""
        self._session_memory[session_id] = estimated_bytes

    def session_closed(self, session_id: str) -> None:
        self._session_memory.pop(session_id, None)

    # =================================================================== reading

    def uptime(self) -> float:
        return self._clock() - self.started_at

    def request_stats(self) -> list[tuple[str, MethodStats]]:
        """A stable copy of ``(method, stats)`` pairs (stats objects are live)."""
        return list(self._requests.items())

    def overall_request_histogram(self) -> Histogram:
        total = Histogram()
        for _, st in self.request_stats():
            total.merge(st.hist)
        return total

    def connections_total(self) -> dict[str, int]:
        return dict(list(self._conn_total_by_transport.items()))

    def connections_active_by_transport(self) -> dict[str, int]:
        return dict(list(self._conn_active_by_transport.items()))

    def indexing_states(self) -> dict[str, IndexingState]:
        return dict(list(self._indexing.items()))

    def queue_wait_counts(self) -> dict[str, int]:
        return dict(list(self._queue_wait_by_method.items()))

    def cache_counts(self) -> dict[str, tuple[int, int]]:
        """``kind -> (hits, misses)``."""
        hits = dict(list(self._cache_hits.items()))
        misses = dict(list(self._cache_misses.items()))
        return {k: (hits.get(k, 0), misses.get(k, 0)) for k in sorted(hits.keys() | misses.keys())}

    def session_memory_estimates(self) -> dict[str, int]:
        return dict(list(self._session_memory.items()))

    def ws_compression_ratio(self) -> float | None:
        """raw / wire over frames whose wire size is known (> 1 means compression helps)."""
        if self.ws_bytes_wire <= 0:
            return None
        return self.ws_bytes_raw_measured / self.ws_bytes_wire

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable view of everything (backs the ``rholang/metrics`` request).

        Latencies are in milliseconds (keys ending in ``_ms`` or inside ``*_ms``
        objects); percentiles are estimated from the buckets, ``max`` is exact.
        """
        by_method: dict[str, Any] = {}
        overall = Histogram()
        total_ok = total_err = total_cancel = 0
        for method, st in sorted(self.request_stats()):
            ok, err, canc = st.ok, st.errors, st.cancelled
            total_ok += ok
            total_err += err
            total_cancel += canc
            overall.merge(st.hist)
            by_method[method] = {
                "count": ok + err + canc,
                "ok": ok,
                "errors": err,
                "cancelled": canc,
                "latency_ms": st.hist.summary(),
            }

        now = self._clock()
        indexing: dict[str, Any] = {}
        for root, ist in sorted(self.indexing_states().items()):
            elapsed = (now - ist.started_at) if ist.state == "indexing" else ist.seconds
            indexing[root] = {
                "state": ist.state,
                "total_files": ist.total_files,
                "done": ist.done,
                "files": ist.files,
                "bytes": ist.bytes,
                "seconds": round(elapsed, 6),
                "error": ist.error,
                "runs": ist.runs,
                "failures": ist.failures,
            }

        frames = self.ws_frames_sent
        cache: dict[str, Any] = {}
        for kind, (hits, misses) in self.cache_counts().items():
            n = hits + misses
            cache[kind] = {
                "hits": hits,
                "misses": misses,
                "hit_rate": round(hits / n, 6) if n else None,
            }
        sessions = self.session_memory_estimates()
        ratio = self.ws_compression_ratio()
        return {
            "uptime_seconds": round(self.uptime(), 3),
            "started_at_unix": self.started_at_unix,
            "pid": os.getpid(),
            "process": process_memory(),
            "requests": {
                "total": total_ok + total_err + total_cancel,
                "ok": total_ok,
                "errors": total_err,
                "cancelled": total_cancel,
                "latency_ms": overall.summary(),
                "by_method": by_method,
            },
            "initialize_ms": self.initialize_hist.summary(),
            "connections": {
                "active": self.connections_active,
                "active_by_transport": self.connections_active_by_transport(),
                "total_by_transport": self.connections_total(),
                "setup_ms": self.connection_setup_hist.summary(),
            },
            "indexing": indexing,
            "queue": {
                "depth": self.queue_depth_current,
                "max_depth": self.queue_depth_max,
                "wait_ms": self.queue_wait_hist.summary(),
                "released_by_method": self.queue_wait_counts(),
            },
            "websocket": {
                "frames_sent": frames,
                "messages_sent": self.ws_messages_sent,
                "bytes_raw": self.ws_bytes_raw,
                "bytes_wire": self.ws_bytes_wire,
                "mean_messages_per_frame": (
                    round(self.ws_messages_sent / frames, 4) if frames else None
                ),
                "max_messages_per_frame": self.ws_max_messages_per_frame,
                "compression_ratio": round(ratio, 4) if ratio is not None else None,
                "frames_received": self.ws_frames_received,
                "messages_received": self.ws_messages_received,
                "bytes_received": self.ws_bytes_received,
            },
            "cache": cache,
            "sessions": {
                "count": len(sessions),
                "memory_bytes": sessions,
                "total_memory_bytes": sum(sessions.values()),
            },
            "loop": self.loop_watchdog.snapshot() if self.loop_watchdog is not None else None,
        }

    def summary_line(self) -> str:
        """One line for the shutdown log."""
        stats = self.request_stats()
        overall = Histogram()
        n = errors = cancelled = 0
        for _, st in stats:
            overall.merge(st.hist)
            n += st.count
            errors += st.errors
            cancelled += st.cancelled
        p50 = quantile_from_counts(overall.counts, 0.5, overall.min, overall.max)
        p99 = quantile_from_counts(overall.counts, 0.99, overall.min, overall.max)
        parts = [f"uptime {self.uptime():.1f}s"]
        if n:
            parts.append(
                f"requests {n} ({len(stats)} methods, {errors} errors, {cancelled} cancelled)"
                f" p50 {_ms(p50)} p99 {_ms(p99)} max {_ms(overall.max)}"
            )
        else:
            parts.append("requests 0")
        total_conn = sum(self.connections_total().values())
        parts.append(f"connections {total_conn} total/{self.connections_active} active")
        states = self.indexing_states()
        if states:
            files = sum(s.files for s in states.values())
            nbytes = sum(s.bytes for s in states.values())
            secs = sum(s.seconds for s in states.values() if s.state == "ready")
            failed = sum(1 for s in states.values() if s.state == "failed")
            parts.append(
                f"indexing {len(states)} roots: {files} files {_mb(nbytes)} in {secs:.2f}s"
                + (f", {failed} failed" if failed else "")
            )
        else:
            parts.append("indexing none")
        rss = process_memory().get("rss_bytes")
        if isinstance(rss, int):
            parts.append(f"rss {_mb(rss)}")
        return "metrics: " + ", ".join(parts)


# ---------------------------------------------------------------------- helpers


def _is_cancel(exc: BaseException) -> bool:
    return isinstance(exc, asyncio.CancelledError)


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f}us"
    if seconds < 10.0:
        return f"{seconds * 1e3:.1f}ms"
    return f"{seconds:.1f}s"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB"


_PAGE_SIZE: int = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def process_memory() -> dict[str, Any]:
    """Current and peak resident set size of this process (bytes), best effort.

    Current RSS from ``/proc/self/statm`` (Linux) or psutil if installed; peak from
    ``resource.getrusage`` (KiB on Linux, bytes on macOS).
    """
    out: dict[str, Any] = {"rss_bytes": None, "peak_rss_bytes": None}
    try:
        with open("/proc/self/statm", "rb") as f:
            out["rss_bytes"] = int(f.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        try:
            import psutil

            out["rss_bytes"] = int(psutil.Process().memory_info().rss)
        except Exception:  # noqa: BLE001 - optional dependency, best effort
            pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["peak_rss_bytes"] = int(peak if sys.platform == "darwin" else peak * 1024)
    except (ImportError, OSError):
        pass
    if out["rss_bytes"] is None and out["peak_rss_bytes"] is not None:
        out["rss_bytes"] = out["peak_rss_bytes"]
    return out


__all__ = [
    "MAX_METHODS",
    "OTHER_METHOD",
    "IndexingState",
    "MethodStats",
    "Metrics",
    "Outcome",
    "process_memory",
]
