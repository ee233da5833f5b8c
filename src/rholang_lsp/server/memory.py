"""Estimate of the memory one session holds on its own (not shared with other sessions).

Method: a deep ``sys.getsizeof`` walk (``gc.get_referents``) from the session's
own state — its open documents, its per-session feature data (analysis cache of
open files, progress reporters, ...), its diagnostics publisher and its endpoint
(pending requests) and transport buffers. The walk descends only into
containers and objects of this package's classes, counts every object it meets
once, and stops at what sessions share: the ``Server``, the shared backend and
its workspaces (the index), the metrics recorder, the handler registry, the
event loop, and other sessions. Objects of other libraries are counted but not
entered (sockets, loop internals). Objects a session shares with the index (a
summary both reference) are counted for the session, so the figure is an upper
bound of what closing the session frees.

Cost: proportional to the session's object count (about 1 ms per 10,000
objects); computed on demand (``rholang/metrics``) and, with ``--metrics-port``,
periodically, never on the request path.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import types
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from rholang_lsp.server.server import Server
    from rholang_lsp.server.session import Session

METHOD: Final = (
    "deep sys.getsizeof walk of the session's own objects (documents, analysis cache, "
    "diagnostics, endpoint, transport), stopping at shared state (server, index, metrics)"
)
MAX_OBJECTS: Final = 2_000_000

_CONTAINERS: Final = (dict, list, tuple, set, frozenset)
_LEAVES: Final = (str, bytes, bytearray, int, float, bool, type(None), memoryview)
_SKIP: Final = (
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.CodeType,
    types.FrameType,
    logging.Logger,
    asyncio.AbstractEventLoop,
)
_PKG: Final = "rholang_lsp."

_log = logging.getLogger(__name__)


def _shared_ids(server: Server, session: Session) -> set[int]:
    stop: list[Any] = [server, server.registry, server.metrics, server.options, server.backend]
    for ws in list(server.backend.workspaces.values()):
        stop += [ws, ws.index, ws.indexer]
    stop += [s for s in server.sessions if s is not session]
    try:
        stop.append(asyncio.get_running_loop())
    except RuntimeError:
        pass
    return {id(o) for o in stop if o is not None}


def deep_size(roots: Iterable[Any], stop: set[int], max_objects: int = MAX_OBJECTS) -> int:
    """Bytes of every object reachable from ``roots`` (see the module docstring)."""
    seen: set[int] = set(stop)
    stack = [r for r in roots if id(r) not in seen]
    total = 0
    count = 0
    getsizeof = sys.getsizeof
    referents = gc.get_referents
    while stack and count < max_objects:
        obj = stack.pop()
        oid = id(obj)
        if oid in seen:
            continue
        seen.add(oid)
        if isinstance(obj, _SKIP):
            continue
        count += 1
        try:
            total += getsizeof(obj)
        except TypeError:  # pragma: no cover - objects without a size
            continue
        if isinstance(obj, _LEAVES):
            continue
        if isinstance(obj, _CONTAINERS) or type(obj).__module__.startswith(_PKG):
            for ref in referents(obj):
                if id(ref) not in seen:
                    stack.append(ref)
    return total


def estimate_session_memory(session: Session) -> int:
    """Estimated bytes held by ``session`` alone."""
    stop = _shared_ids(session.server, session)
    stop.add(id(session))
    stop.add(id(session.server))
    roots = [
        session.documents,
        session.indexing,
        session.config,
        session.semantic_tokens,
        session.diagnostics,
        session.endpoint,
        session.client_capabilities,
        session.initialize_params,
        session.workspace_folders,
    ]
    return deep_size(roots, stop)


def refresh_session_memory(server: Server) -> None:
    """Record the estimate of every open session in the server's metrics."""
    metrics = server.metrics
    if metrics is None:
        return
    for session in list(server.sessions):
        try:
            metrics.session_memory(str(session.id), estimate_session_memory(session))
        except Exception:  # pragma: no cover - an estimate must never break the server
            _log.exception("%s: session memory estimate failed", session.peer)


async def refresh_periodically(server: Server, interval: float) -> None:
    """Keep the estimates fresh for the Prometheus endpoint (runs until cancelled)."""
    while True:
        refresh_session_memory(server)
        await asyncio.sleep(interval)
