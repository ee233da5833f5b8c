"""Prometheus exposition of a :class:`~rholang_lsp.metrics.core.Metrics` object.

A custom collector reads the ``Metrics`` object at scrape time, so recording
never touches prometheus-client. Each exporter uses its own private
``CollectorRegistry`` (several servers in one process do not clash). The HTTP
server (prometheus-client's WSGI app in a threading ``wsgiref`` server) runs in a
daemon thread and binds ``127.0.0.1`` unless told otherwise; with a ``token``
(the server's ``--auth-token``) every scrape must send ``Authorization: Bearer
<token>`` (compared in constant time), else 401.
"""

from __future__ import annotations

import hmac
import socket
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, generate_latest, make_wsgi_app
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from .core import Metrics, process_memory
from .histogram import Histogram

PREFIX = "rholang_lsp"


def _hist(
    name: str, doc: str, labels: list[str], rows: Iterable[tuple[list[str], Histogram]]
) -> HistogramMetricFamily:
    fam = HistogramMetricFamily(name, doc, labels=labels)
    for label_values, h in rows:
        c = h.copy()
        fam.add_metric(label_values, c.cumulative(), c.sum)
    return fam


class MetricsCollector(Collector):
    """Translates a ``Metrics`` object into Prometheus metric families."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m = self.metrics
        p = PREFIX

        # ---- requests
        stats = m.request_stats()
        req = CounterMetricFamily(
            f"{p}_requests_total", "LSP requests finished.", labels=["method", "outcome"]
        )
        for method, st in stats:
            req.add_metric([method, "ok"], st.ok)
            req.add_metric([method, "error"], st.errors)
            req.add_metric([method, "cancelled"], st.cancelled)
        yield req
        yield _hist(
            f"{p}_request_duration_seconds",
            "LSP request handling time, by method.",
            ["method"],
            (([method], st.hist) for method, st in stats),
        )
        yield _hist(
            f"{p}_initialize_duration_seconds",
            "Time from receiving initialize to answering it.",
            [],
            [([], m.initialize_hist)],
        )

        # ---- connections
        yield GaugeMetricFamily(
            f"{p}_connections_active", "Open client connections.", value=m.connections_active
        )
        conn = CounterMetricFamily(
            f"{p}_connections_total", "Client connections accepted.", labels=["transport"]
        )
        for transport, n in sorted(m.connections_total().items()):
            conn.add_metric([transport], n)
        yield conn
        yield _hist(
            f"{p}_connection_setup_seconds",
            "Time from accept to a usable session.",
            [],
            [([], m.connection_setup_hist)],
        )

        # ---- indexing
        states = sorted(m.indexing_states().items())
        files = GaugeMetricFamily(
            f"{p}_indexing_files",
            "Files indexed (progress while indexing, final count when ready).",
            labels=["root"],
        )
        nbytes = GaugeMetricFamily(
            f"{p}_indexing_bytes", "Bytes indexed in the last completed run.", labels=["root"]
        )
        dur = GaugeMetricFamily(
            f"{p}_indexing_duration_seconds",
            "Duration of the last completed (or failed) indexing run.",
            labels=["root"],
        )
        active = GaugeMetricFamily(
            f"{p}_indexing_in_progress", "Roots currently being indexed.", labels=["root"]
        )
        failures = CounterMetricFamily(
            f"{p}_indexing_failures_total", "Failed indexing runs.", labels=["root"]
        )
        for root, ist in states:
            files.add_metric([root], ist.done if ist.state == "indexing" else ist.files)
            nbytes.add_metric([root], ist.bytes)
            dur.add_metric([root], ist.seconds)
            active.add_metric([root], 1 if ist.state == "indexing" else 0)
            failures.add_metric([root], ist.failures)
        yield files
        yield nbytes
        yield dur
        yield active
        yield failures

        # ---- queue
        yield GaugeMetricFamily(
            f"{p}_queue_depth", "Requests held while indexing.", value=m.queue_depth_current
        )
        yield _hist(
            f"{p}_queue_wait_seconds",
            "Time requests were held while indexing.",
            [],
            [([], m.queue_wait_hist)],
        )

        # ---- websocket
        for name, doc, value in (
            ("ws_frames_sent_total", "WebSocket frames sent.", m.ws_frames_sent),
            (
                "ws_messages_sent_total",
                "JSON-RPC messages sent over WebSocket.",
                m.ws_messages_sent,
            ),
            ("ws_bytes_raw_total", "WebSocket payload bytes before compression.", m.ws_bytes_raw),
            (
                "ws_bytes_wire_total",
                "WebSocket payload bytes after compression (frames with known size).",
                m.ws_bytes_wire,
            ),
            ("ws_frames_received_total", "WebSocket frames received.", m.ws_frames_received),
            (
                "ws_messages_received_total",
                "JSON-RPC messages received over WebSocket.",
                m.ws_messages_received,
            ),
            ("ws_bytes_received_total", "WebSocket payload bytes received.", m.ws_bytes_received),
        ):
            yield CounterMetricFamily(f"{p}_{name}", doc, value=value)

        # ---- caches
        hits = CounterMetricFamily(f"{p}_cache_hits_total", "Cache hits.", labels=["kind"])
        misses = CounterMetricFamily(f"{p}_cache_misses_total", "Cache misses.", labels=["kind"])
        for kind, (h, mi) in m.cache_counts().items():
            hits.add_metric([kind], h)
            misses.add_metric([kind], mi)
        yield hits
        yield misses

        # ---- memory
        rss = process_memory().get("rss_bytes")
        yield GaugeMetricFamily(
            f"{p}_process_resident_memory_bytes",
            "Resident set size of the server process.",
            value=float(rss) if isinstance(rss, int) else float("nan"),
        )
        sess = GaugeMetricFamily(
            f"{p}_session_memory_bytes",
            "Estimated memory held by one session.",
            labels=["session"],
        )
        for sid, n in sorted(m.session_memory_estimates().items()):
            sess.add_metric([sid], n)
        yield sess
        yield GaugeMetricFamily(
            f"{p}_uptime_seconds", "Seconds since the Metrics object was created.", value=m.uptime()
        )

        # ---- event loop
        dog = m.loop_watchdog
        if dog is not None:
            yield CounterMetricFamily(
                f"{p}_loop_stalls_total", "Event-loop stalls over the threshold.", value=dog.stalls
            )
            yield GaugeMetricFamily(
                f"{p}_loop_stall_max_seconds", "Longest event-loop stall.", value=dog.worst
            )


def make_registry(metrics: Metrics) -> CollectorRegistry:
    """A fresh private registry holding only the collector for ``metrics``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MetricsCollector(metrics))
    return registry


def render_prometheus(metrics: Metrics) -> bytes:
    """Prometheus text exposition of ``metrics`` (no HTTP; for logs and tests)."""
    return generate_latest(make_registry(metrics))


@dataclass
class MetricsServer:
    """Handle on a running exporter; call :meth:`close` to stop it."""

    host: str
    port: int
    registry: CollectorRegistry
    _server: Any
    _thread: threading.Thread

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _ThreadingWSGIServer6(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


def _bearer_only(app: Any, token: str) -> Any:
    """``app`` behind ``Authorization: Bearer <token>`` (401 otherwise)."""
    expected = f"Bearer {token}".encode()

    def guarded(environ: dict[str, Any], start_response: Any) -> Any:
        got = str(environ.get("HTTP_AUTHORIZATION", "")).encode("utf-8", "replace")
        if not hmac.compare_digest(got, expected):
            start_response(
                "401 Unauthorized",
                [("Content-Type", "text/plain"), ("WWW-Authenticate", 'Bearer realm="metrics"')],
            )
            return [b"Missing or invalid token\n"]
        return app(environ, start_response)

    return guarded


def start_metrics_server(
    metrics: Metrics, port: int, host: str = "127.0.0.1", *, token: str | None = None
) -> MetricsServer:
    """Serve ``/metrics`` for ``metrics`` on ``host:port`` (port 0 = pick a free one).

    Binds loopback by default; pass ``host="0.0.0.0"`` deliberately to expose it.
    With ``token``, a scrape without ``Authorization: Bearer <token>`` gets 401.
    """
    registry = make_registry(metrics)
    app = make_wsgi_app(registry)
    if token:
        app = _bearer_only(app, token)
    cls = _ThreadingWSGIServer6 if ":" in host else _ThreadingWSGIServer
    server = make_server(host, port, app, cls, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True)
    thread.start()
    return MetricsServer(
        host=host,
        port=int(server.server_port),
        registry=registry,
        _server=server,
        _thread=thread,
    )
