"""Custom ``rholang/...`` requests: ``rholang/ping`` and test-only helpers.

``rholang/_test/*`` handlers exist only when the server runs with
``ServerOptions.test_handlers`` (CLI ``--test-handlers`` or env
``RHOLANG_LSP_TEST_HANDLERS=1``).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import msgspec

from rholang_lsp import __version__
from rholang_lsp.protocol.lsp import NoParams
from rholang_lsp.server.registry import request
from rholang_lsp.server.session import Session


@request("rholang/ping", params=msgspec.Raw, inline=True)
def ping(session: Session, params: msgspec.Raw) -> dict[str, Any]:
    """Cheap round trip (health checks, benchmarks): echoes ``params`` (any JSON value)."""
    return {"pong": params, "version": __version__}


class SleepParams(msgspec.Struct):
    seconds: float


@request("rholang/_test/sleep", params=SleepParams, test_only=True)
async def sleep(session: Session, params: SleepParams) -> str:
    await asyncio.sleep(params.seconds)
    return "slept"


@request("rholang/_test/crash", params=NoParams | None, test_only=True)
def crash(session: Session, params: NoParams | None) -> None:
    raise RuntimeError("deliberate test crash")


class FloodParams(msgspec.Struct):
    count: int
    size: int


@request("rholang/_test/flood", params=FloodParams, test_only=True)
async def flood(session: Session, params: FloodParams) -> int:
    """Send ``count`` ``rholang/_test/blob`` notifications of ``size`` bytes each (a slow-reader
    test); stops early when the connection is gone. Returns how many were sent."""
    blob = "x" * params.size
    sent = 0
    for i in range(params.count):
        if session.endpoint.closed:
            break
        session.notify("rholang/_test/blob", {"n": i, "data": blob})
        sent += 1
        await asyncio.sleep(0)  # let the writer run (and other clients be served)
    return sent


class AskClientParams(msgspec.Struct):
    method: str
    params: Any = None
    timeout: float = 5.0


@request("rholang/_test/askClient", params=AskClientParams, test_only=True)
async def ask_client(session: Session, params: AskClientParams) -> Any:
    """Forward ``{"method", "params", "timeout"}`` to the client as a request; return its answer."""
    return await session.request(params.method, params.params, timeout=params.timeout)


class SpinParams(msgspec.Struct):
    seconds: float


@request("rholang/_test/spin", params=SpinParams, test_only=True)
def spin(session: Session, params: SpinParams) -> int:
    """Pure-Python CPU work for ``seconds`` (a job: runs in the session's worker thread,
    cancellable by ``$/cancelRequest``). Returns the number of iterations."""
    end = time.perf_counter() + params.seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
    return n


class StallParams(msgspec.Struct):
    ms: float


@request("rholang/_test/stallLoop", params=StallParams, test_only=True, inline=True)
def stall_loop(session: Session, params: StallParams) -> float:
    """Keep the event loop busy for ``ms`` milliseconds of CPU (tests of the watchdog)."""
    end = time.thread_time() + min(params.ms, 10_000) / 1000
    while time.thread_time() < end:
        pass
    return params.ms
