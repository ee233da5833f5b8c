"""Custom ``rholang/...`` requests: ``rholang/ping`` and test-only helpers.

``rholang/_test/*`` handlers exist only when the server runs with
``ServerOptions.test_handlers`` (CLI ``--test-handlers`` or env
``RHOLANG_LSP_TEST_HANDLERS=1``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from rholang_lsp import __version__
from rholang_lsp.server.registry import request
from rholang_lsp.server.session import Session


@request("rholang/ping")
def ping(session: Session, params: Any) -> dict[str, Any]:
    """Cheap round trip (health checks, benchmarks): echoes ``params``."""
    return {"pong": params, "version": __version__}


class SleepParams(msgspec.Struct):
    seconds: float


@request("rholang/_test/sleep", params=SleepParams, test_only=True)
async def sleep(session: Session, params: SleepParams) -> str:
    await asyncio.sleep(params.seconds)
    return "slept"


@request("rholang/_test/crash", test_only=True)
def crash(session: Session, params: Any) -> None:
    raise RuntimeError("deliberate test crash")


@request("rholang/_test/askClient", test_only=True)
async def ask_client(session: Session, params: Any) -> Any:
    """Forward ``{"method", "params", "timeout"}`` to the client as a request; return its answer."""
    return await session.request(
        params["method"], params.get("params"), timeout=float(params.get("timeout", 5.0))
    )
