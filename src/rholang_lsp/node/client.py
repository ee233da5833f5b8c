"""An asyncio gRPC client of one node: ``Validate`` (diagnostics) and ``Eval`` (run a program).

Needs the ``[node]`` extra; importing this module raises ImportError without it. Calls run on
grpc's own I/O threads and are awaited on the event loop, so a slow or dead node never blocks
the loop; each call has a deadline, and cancelling the awaiting task cancels the RPC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import grpc
import grpc.aio

from rholang_lsp.node import messages
from rholang_lsp.node.address import NodeAddress

# grpc's own reconnect backoff defaults to 1 s growing to 120 s: a node that comes back would
# stay unused for minutes. The server layer paces retries itself (see server/validation.py).
CHANNEL_OPTIONS: Final = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
    ("grpc.enable_retries", 0),
)


class NodeUnavailable(Exception):
    """The node could not be reached, timed out, or failed the call (not a verdict)."""


class NodeRefused(Exception):
    """The node answered ``ValidateResponse.error``: it could not judge this program."""


@dataclass(frozen=True, slots=True)
class NodeDiagnostic:
    """One diagnostic as the node sent it: 0-based lines, columns in the node's units."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    severity: int  # the node's enum: ERROR 0, WARNING 1, INFORMATION 2, HINT 3
    source: str
    message: str


class NodeClient:
    """One channel to one node, created lazily on the running event loop."""

    def __init__(self, address: NodeAddress) -> None:
        self.address = address
        self._channel: grpc.aio.Channel | None = None
        self._validate: Any = None
        self._eval: Any = None

    def _ensure(self) -> None:
        if self._channel is not None:
            return
        channel = grpc.aio.insecure_channel(self.address.target, options=CHANNEL_OPTIONS)
        self._validate = channel.unary_unary(
            messages.VALIDATE_METHOD,
            request_serializer=messages.ValidateRequest.SerializeToString,
            response_deserializer=messages.ValidateResponse.FromString,
        )
        self._eval = channel.unary_unary(
            messages.EVAL_METHOD,
            request_serializer=messages.EvalRequest.SerializeToString,
            response_deserializer=messages.ReplResponse.FromString,
        )
        self._channel = channel

    async def validate(self, text: str, *, timeout: float) -> list[NodeDiagnostic]:
        """The node's diagnostics of ``text``.

        Raises ``NodeRefused`` (an ``error`` answer) or ``NodeUnavailable``.
        """
        self._ensure()
        try:
            response = await self._validate(messages.ValidateRequest(text=text), timeout=timeout)
        except grpc.aio.AioRpcError as e:
            raise NodeUnavailable(_describe(e, self.address, timeout)) from None
        if response.WhichOneof("result") == "error":
            raise NodeRefused(response.error)
        out = []
        for d in response.success.diagnostics:
            rng = d.range
            out.append(
                NodeDiagnostic(
                    rng.start.line,
                    rng.start.column,
                    rng.end.line,
                    rng.end.column,
                    int(d.severity),
                    d.source,
                    d.message,
                )
            )
        return out

    async def evaluate(
        self, program: str, *, timeout: float, unmatched_sends_only: bool = False
    ) -> str:
        """The node's output for ``program`` (``Repl.Eval``); raises ``NodeUnavailable``."""
        self._ensure()
        request = messages.EvalRequest(
            program=program, printUnmatchedSendsOnly=unmatched_sends_only
        )
        try:
            response = await self._eval(request, timeout=timeout)
        except grpc.aio.AioRpcError as e:
            raise NodeUnavailable(_describe(e, self.address, timeout)) from None
        return str(response.output)

    async def close(self) -> None:
        channel, self._channel = self._channel, None
        if channel is not None:
            await channel.close()


def _describe(error: grpc.aio.AioRpcError, address: NodeAddress, timeout: float) -> str:
    code = error.code()
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return f"node {address.target} did not answer within {timeout:g} s"
    if code == grpc.StatusCode.UNAVAILABLE:
        return f"node {address.target} is unreachable ({error.details() or 'unavailable'})"
    if code == grpc.StatusCode.UNIMPLEMENTED:
        return f"node {address.target} does not serve this service ({error.details() or ''})"
    return f"node {address.target}: {code.name.lower()} ({error.details() or ''})"
