"""Server metrics: cheap in-process recording, JSON snapshot, Prometheus export.

Usage (one ``Metrics`` per server process, passed to whoever records)::

    metrics = Metrics()
    metrics.request_finished("textDocument/hover", 0.0012, "ok")
    metrics.snapshot()          # dict for the ``rholang/metrics`` request
    metrics.summary_line()      # one line for the shutdown log
    srv = start_metrics_server(metrics, port=9464)   # binds 127.0.0.1
    srv.close()

All recording happens on the event-loop thread (see :mod:`.core`).
"""

from typing import TYPE_CHECKING, Any

from .core import MAX_METHODS, OTHER_METHOD, IndexingState, MethodStats, Metrics, Outcome
from .histogram import LATENCY_BUCKETS, Histogram

if TYPE_CHECKING:
    from .prometheus import (
        MetricsCollector,
        MetricsServer,
        make_registry,
        render_prometheus,
        start_metrics_server,
    )

#: Names served by ``.prometheus``, imported on first use: prometheus_client (and the
#: http.server/wsgiref it pulls in) is a large part of start-up, and only ``--metrics-port``
#: needs it.
_PROMETHEUS = frozenset(
    {
        "MetricsCollector",
        "MetricsServer",
        "make_registry",
        "render_prometheus",
        "start_metrics_server",
    }
)


def __getattr__(name: str) -> Any:
    if name in _PROMETHEUS:
        from . import prometheus

        return getattr(prometheus, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LATENCY_BUCKETS",
    "MAX_METHODS",
    "OTHER_METHOD",
    "Histogram",
    "IndexingState",
    "MethodStats",
    "Metrics",
    "MetricsCollector",
    "MetricsServer",
    "Outcome",
    "make_registry",
    "render_prometheus",
    "start_metrics_server",
]
