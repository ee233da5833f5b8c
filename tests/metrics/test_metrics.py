from __future__ import annotations

import asyncio
import json
import math
import random
import socket
import time
import urllib.request

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rholang_lsp.metrics import (
    LATENCY_BUCKETS,
    MAX_METHODS,
    OTHER_METHOD,
    Histogram,
    Metrics,
    render_prometheus,
    start_metrics_server,
)

BUCKET_FACTOR = max(b / a for a, b in zip(LATENCY_BUCKETS, LATENCY_BUCKETS[1:], strict=False))


def _exact_quantile(values: list[float], q: float) -> float:
    s = sorted(values)
    idx = max(0, math.ceil(q * len(s)) - 1)
    return s[idx]


def _within_bucket(estimate: float, exact: float) -> bool:
    # same bucket (or a boundary neighbour) => ratio within one bucket factor
    lo, hi = min(estimate, exact), max(estimate, exact)
    return hi <= lo * BUCKET_FACTOR * 1.0001 or hi - lo < 1e-9


def test_buckets_log_spaced_50us_to_30s() -> None:
    assert LATENCY_BUCKETS[0] == pytest.approx(50e-6)
    assert LATENCY_BUCKETS[-1] == 30.0
    assert list(LATENCY_BUCKETS) == sorted(set(LATENCY_BUCKETS))
    assert BUCKET_FACTOR < 1.5


def test_percentiles_uniform_known_data() -> None:
    m = Metrics()
    values = [i / 1000 * 0.100 for i in range(1, 1001)]  # 0.1 ms .. 100 ms
    random.Random(1).shuffle(values)
    for v in values:
        m.request_finished("textDocument/hover", v)
    lat = m.snapshot()["requests"]["by_method"]["textDocument/hover"]["latency_ms"]
    for key, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        exact_ms = _exact_quantile(values, q) * 1000
        assert _within_bucket(lat[key], exact_ms), (key, lat[key], exact_ms)
    assert lat["max"] == pytest.approx(100.0)
    assert lat["count"] == 1000
    assert lat["mean"] == pytest.approx(sum(values) / len(values) * 1000, rel=1e-6)


def test_percentiles_constant_value_exact() -> None:
    h = Histogram()
    for _ in range(100):
        h.observe(0.003)
    # min == max clamps the bucket, so the estimate is exact
    assert h.quantile(0.5) == pytest.approx(0.003)
    assert h.quantile(0.99) == pytest.approx(0.003)


def test_percentiles_bimodal() -> None:
    h = Histogram()
    for _ in range(90):
        h.observe(0.001)
    for _ in range(10):
        h.observe(2.0)
    assert _within_bucket(h.quantile(0.5) or 0, 0.001)
    assert _within_bucket(h.quantile(0.95) or 0, 2.0)
    assert h.quantile(1.0) == 2.0


def test_overflow_and_negative_values() -> None:
    h = Histogram()
    h.observe(100.0)
    h.observe(-1.0)
    assert h.counts[-1] == 1
    assert h.counts[0] == 1
    assert 30.0 <= (h.quantile(0.99) or 0) <= 100.0
    assert h.quantile(1.0) == 100.0
    assert h.cumulative()[-1] == ("+Inf", 2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=1e-6, max_value=60.0), min_size=1, max_size=300),
    st.sampled_from([0.5, 0.9, 0.95, 0.99]),
)
def test_percentile_within_bucket_resolution_property(values: list[float], q: float) -> None:
    h = Histogram()
    for v in values:
        h.observe(v)
    est = h.quantile(q)
    assert est is not None
    assert min(values) - 1e-12 <= est <= max(values) + 1e-12
    exact = _exact_quantile(values, q)
    # the estimate lies in the bucket holding the exact rank -> bounded by that bucket
    import bisect

    i = bisect.bisect_left(LATENCY_BUCKETS, exact)
    lower = LATENCY_BUCKETS[i - 1] if i > 0 else 0.0
    upper = LATENCY_BUCKETS[i] if i < len(LATENCY_BUCKETS) else max(values)
    assert lower - 1e-12 <= est <= upper + 1e-12, (est, exact, lower, upper)


def test_outcomes_and_cardinality_cap() -> None:
    m = Metrics()
    m.request_finished("a", 0.001, "ok")
    m.request_finished("a", 0.001, "error")
    m.request_finished("a", 0.001, "cancelled")
    m.request_finished("a", 0.001, "weird")  # type: ignore[arg-type]
    snap = m.snapshot()["requests"]
    assert snap["by_method"]["a"] == {
        **snap["by_method"]["a"],
        "count": 4,
        "ok": 1,
        "errors": 2,
        "cancelled": 1,
    }
    for i in range(MAX_METHODS + 10):
        m.request_finished(f"$/custom{i}", 0.001)
    methods = m.snapshot()["requests"]["by_method"]
    assert len(methods) <= MAX_METHODS + 1
    assert methods[OTHER_METHOD]["count"] >= 10


async def test_timed_request_outcomes() -> None:
    m = Metrics()
    async with m.timed_request("ok"):
        await asyncio.sleep(0)
    with pytest.raises(ValueError):
        async with m.timed_request("err"):
            raise ValueError("x")

    async def cancelled() -> None:
        async with m.timed_request("canc"):
            await asyncio.sleep(10)

    t = asyncio.create_task(cancelled())
    await asyncio.sleep(0)
    t.cancel()
    with pytest.raises(asyncio.CancelledError):
        await t
    by = m.snapshot()["requests"]["by_method"]
    assert by["ok"]["ok"] == 1
    assert by["err"]["errors"] == 1
    assert by["canc"]["cancelled"] == 1


def _populated() -> Metrics:
    m = Metrics()
    for i in range(200):
        m.request_finished("textDocument/definition", 0.0005 + i * 1e-5)
    m.request_finished("textDocument/hover", 0.2, "error")
    m.initialize_latency(0.012)
    m.connection_opened("ws", 0.004)
    m.connection_opened("tcp", 0.001)
    m.connection_closed("tcp")
    m.indexing_started("/ws/a", 100)
    m.indexing_progress("/ws/a", 40)
    m.indexing_started("/ws/b", 10)
    m.indexing_finished("/ws/b", 10, 12345, 0.25)
    m.indexing_started("/ws/c", 3)
    m.indexing_failed("/ws/c", OSError("boom"))
    m.queue_depth(3)
    m.queue_wait("textDocument/hover", 0.05)
    m.queue_depth(0)
    m.ws_frame_sent(4, 4000, 1000)
    m.ws_frame_sent(2, 1000, None)
    m.ws_frame_received(1, 300)
    m.cache_hit("parse")
    m.cache_hit("parse")
    m.cache_miss("parse")
    m.cache_miss("index")
    m.session_memory("s1", 5_000_000)
    m.session_memory("s2", 3_000_000)
    m.session_memory("s3", 1)
    m.session_closed("s3")
    return m


def test_snapshot_json_serialisable_and_content() -> None:
    m = _populated()
    snap = m.snapshot()
    text = json.dumps(snap, allow_nan=False)
    back = json.loads(text)
    assert back["requests"]["total"] == 201
    assert back["requests"]["errors"] == 1
    assert back["initialize_ms"]["max"] == pytest.approx(12.0)
    assert back["connections"]["active"] == 1
    assert back["connections"]["total_by_transport"] == {"tcp": 1, "ws": 1}
    idx = back["indexing"]
    assert idx["/ws/a"]["state"] == "indexing" and idx["/ws/a"]["done"] == 40
    assert idx["/ws/b"]["state"] == "ready" and idx["/ws/b"]["bytes"] == 12345
    assert idx["/ws/c"]["state"] == "failed" and "boom" in idx["/ws/c"]["error"]
    assert back["queue"]["max_depth"] == 3 and back["queue"]["depth"] == 0
    ws = back["websocket"]
    assert ws["mean_messages_per_frame"] == pytest.approx(3.0)
    assert ws["compression_ratio"] == pytest.approx(4.0)
    assert ws["bytes_raw"] == 5000 and ws["bytes_wire"] == 1000
    assert back["cache"]["parse"]["hit_rate"] == pytest.approx(2 / 3, rel=1e-4)
    assert back["cache"]["index"]["hit_rate"] == 0.0
    assert back["sessions"]["memory_bytes"] == {"s1": 5_000_000, "s2": 3_000_000}
    assert back["process"]["rss_bytes"] is None or back["process"]["rss_bytes"] > 1_000_000


def test_empty_snapshot_and_summary() -> None:
    m = Metrics()
    json.dumps(m.snapshot(), allow_nan=False)
    line = m.summary_line()
    assert "\n" not in line and "requests 0" in line


def test_summary_line() -> None:
    line = _populated().summary_line()
    assert "\n" not in line
    for part in (
        "requests 201",
        "p50",
        "p99",
        "1 errors",
        "connections 2 total/1 active",
        "indexing 3 roots",
    ):
        assert part in line, (part, line)


EXPECTED_NAMES = [
    "rholang_lsp_requests_total",
    "rholang_lsp_request_duration_seconds_bucket",
    "rholang_lsp_request_duration_seconds_count",
    "rholang_lsp_initialize_duration_seconds_bucket",
    "rholang_lsp_connections_active",
    "rholang_lsp_connections_total",
    "rholang_lsp_connection_setup_seconds_bucket",
    "rholang_lsp_indexing_files",
    "rholang_lsp_indexing_bytes",
    "rholang_lsp_indexing_duration_seconds",
    "rholang_lsp_queue_depth",
    "rholang_lsp_queue_wait_seconds_bucket",
    "rholang_lsp_ws_frames_sent_total",
    "rholang_lsp_ws_messages_sent_total",
    "rholang_lsp_ws_bytes_raw_total",
    "rholang_lsp_ws_bytes_wire_total",
    "rholang_lsp_cache_hits_total",
    "rholang_lsp_cache_misses_total",
    "rholang_lsp_process_resident_memory_bytes",
    "rholang_lsp_session_memory_bytes",
]


def test_render_prometheus_text() -> None:
    text = render_prometheus(_populated()).decode()
    for name in EXPECTED_NAMES:
        assert f"\n{name}" in text, name
    assert 'rholang_lsp_requests_total{method="textDocument/hover",outcome="error"} 1.0' in text
    assert 'rholang_lsp_cache_hits_total{kind="parse"} 2.0' in text


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - loopback test URL
        body: bytes = resp.read()
    return body.decode()


def test_prometheus_http_endpoint_two_servers() -> None:
    m1 = _populated()
    m2 = Metrics()
    m2.request_finished("only/in/two", 0.001)
    s1 = start_metrics_server(m1, _free_port())
    s2 = start_metrics_server(m2, 0)  # port 0 -> OS picks
    try:
        assert s1.host == "127.0.0.1" and s2.host == "127.0.0.1"
        assert s2.port > 0
        body1 = _scrape(s1.url)
        for name in EXPECTED_NAMES:
            assert name in body1, name
        # scrape-time reading: new recordings show up on the next scrape
        m1.request_finished("late/method", 0.001)
        assert 'method="late/method"' in _scrape(s1.url)
        body2 = _scrape(s2.url)
        assert 'method="only/in/two"' in body2
        assert 'method="late/method"' not in body2
        assert 'method="only/in/two"' not in _scrape(s1.url)
    finally:
        s1.close()
        s2.close()


def test_overhead_microbenchmark() -> None:
    m = Metrics()
    f = m.request_finished
    n = 200_000
    t0 = time.perf_counter()
    for _ in range(n):
        f("textDocument/hover", 0.0012, "ok")
    dt = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(n):
        pass
    empty = time.perf_counter() - t0
    ns = (dt - empty) / n * 1e9
    assert m.snapshot()["requests"]["total"] == n
    # About 1 µs on the development machine; the bound leaves room for a loaded CI runner.
    assert ns < 50_000, f"request_finished: {ns:.0f} ns/call"


@given(
    values=st.lists(
        st.one_of(
            st.floats(min_value=-1.0, max_value=1e-4),  # inline answers (and clock noise)
            st.floats(min_value=0.0, max_value=40.0),  # any bucket, overflow included
        ),
        max_size=40,
    )
)
@settings(max_examples=200, deadline=None)
def test_requests_finished_records_what_one_by_one_calls_record(values: list[float]) -> None:
    one, many = Metrics(), Metrics()
    for v in values:
        one.request_finished("m", v, "ok")
    many.requests_finished("m", list(values))
    assert ("m" in one._requests) == ("m" in many._requests) == bool(values)
    if values:
        ha, hb = one._requests["m"].hist, many._requests["m"].hist
        assert ha.counts == hb.counts
        assert (ha.count, ha.min, ha.max) == (hb.count, hb.min, hb.max)
        assert math.isclose(ha.sum, hb.sum, rel_tol=1e-9, abs_tol=1e-12)
        assert one._requests["m"].ok == many._requests["m"].ok == len(values)
