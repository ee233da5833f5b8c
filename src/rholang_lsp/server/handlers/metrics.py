"""``rholang/metrics``: the server's metrics as one JSON object.

The snapshot of ``rholang_lsp.metrics.Metrics`` (requests per method with
latency percentiles, initialize latency, connections, indexing, queue,
WebSocket frames, caches, process RSS), with the per-session memory estimates
refreshed first (``server.memory`` documents the method). Latencies are in
milliseconds. With ``--no-metrics`` the answer is ``{"enabled": false}``.
A session sees the indexing state of its own workspace roots only: the roots of
other clients of a shared server are not its business (the Prometheus endpoint,
for the operator, behind ``--auth-token``, shows them all).

``rholang/_test/requestMetrics`` (test handlers only) turns the per-request
recording of every open session off and on, so that a benchmark can measure its
cost in one server process.
"""

from __future__ import annotations

from typing import Any

import msgspec

from rholang_lsp.protocol.lsp import NoParams
from rholang_lsp.server.indexing import session_indexing
from rholang_lsp.server.memory import METHOD, refresh_session_memory
from rholang_lsp.server.registry import request
from rholang_lsp.server.session import Session


@request("rholang/metrics", params=NoParams | None, inline=True)
def metrics_snapshot(session: Session, params: NoParams | None) -> dict[str, Any]:
    server = session.server
    metrics = server.metrics
    if metrics is None:
        return {"enabled": False}
    refresh_session_memory(server)
    snap = metrics.snapshot()
    snap["enabled"] = True
    snap["session"] = str(session.id)
    own = {ws.key for ws in session_indexing(session).workspaces}
    indexing = snap.get("indexing")
    if isinstance(indexing, dict):
        snap["indexing"] = {root: v for root, v in indexing.items() if root in own}
    sessions = snap.get("sessions")
    if isinstance(sessions, dict):
        sessions["memory_method"] = METHOD
    return snap


class _Enabled(msgspec.Struct):
    enabled: bool


@request("rholang/_test/requestMetrics", params=_Enabled, test_only=True, inline=True)
def set_request_metrics(session: Session, params: _Enabled) -> bool:
    """Turn per-request recording on or off for every open session; returns the new state."""
    metrics = session.server.metrics
    on = metrics is not None and params.enabled
    for s in list(session.server.sessions):
        s.endpoint.request_observer = metrics.request_finished if on and metrics else None
        s.endpoint.requests_observer = metrics.requests_finished if on and metrics else None
    return on
