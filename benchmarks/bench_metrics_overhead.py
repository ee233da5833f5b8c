"""Time N calls of each Metrics recording method and print ns/call.

Usage: python -m benchmarks.bench_metrics_overhead [N]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from rholang_lsp.metrics import Metrics


def _time(fn: Callable[[], None], n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - t0


def _loop_cost(n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        pass
    return time.perf_counter() - t0


def bench(n: int = 500_000) -> dict[str, float]:
    """Return ns/call (loop overhead subtracted) for each recording method."""
    m = Metrics()
    m.indexing_started("/ws", 1000)

    def open_close() -> None:
        m.connection_opened("ws", 0.002)
        m.connection_closed("ws")

    # each case is a zero-arg closure; the cost of calling an empty one is subtracted
    cases: dict[str, Callable[[], None]] = {
        "request_finished": lambda: m.request_finished("textDocument/hover", 0.0012, "ok"),
        "initialize_latency": lambda: m.initialize_latency(0.012),
        "connection_opened+closed": open_close,
        "indexing_progress": lambda: m.indexing_progress("/ws", 10),
        "queue_wait": lambda: m.queue_wait("textDocument/hover", 0.003),
        "queue_depth": lambda: m.queue_depth(3),
        "ws_frame_sent": lambda: m.ws_frame_sent(3, 2048, 700),
        "ws_frame_received": lambda: m.ws_frame_received(1, 512),
        "cache_hit": lambda: m.cache_hit("parse"),
        "cache_miss": lambda: m.cache_miss("index"),
        "session_memory": lambda: m.session_memory("s1", 1_000_000),
    }

    def empty() -> None:
        return None

    base = _time(empty, n)  # closure call + loop overhead
    out: dict[str, float] = {}
    for name, fn in cases.items():
        fn()  # warm up (creates dict entries)
        out[name] = max(0.0, (_time(fn, n) - base) / n * 1e9)
    # direct call through a bound method, as the server will do it
    f = m.request_finished
    t0 = time.perf_counter()
    for _ in range(n):
        f("textDocument/hover", 0.0012, "ok")
    out["request_finished (direct bound call)"] = max(
        0.0, (time.perf_counter() - t0 - _loop_cost(n)) / n * 1e9
    )
    t0 = time.perf_counter()
    for _ in range(max(1, n // 1000)):
        m.snapshot()
    out["snapshot()"] = (time.perf_counter() - t0) / max(1, n // 1000) * 1e9
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    print(f"Metrics recording overhead, N={n} (loop/closure overhead subtracted)")
    for name, ns in bench(n).items():
        print(f"  {name:40s} {ns:10.0f} ns/call")


if __name__ == "__main__":
    main()
