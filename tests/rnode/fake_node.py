"""A fake RNode / F1R3FLY node for the tests: a real gRPC server on a free loopback port serving
``lsp.Lsp/Validate`` and ``repl.Repl/Eval`` with the same messages as the node.

Its verdict is deliberately simple and independent of the language server's code: every
identifier starting with ``bad`` is "Unbound variable", reported with the node's column
units (UTF-16 code units like the JVM node, or UTF-8 bytes like the Rust node), computed
here with ``str.encode``. Behaviour switches (``mode``) let a test make it answer ``error``,
hang, or go away and come back on the same port. ``Eval`` prints the string literals sent to
``stdout`` (one per line), like a node's output for such programs.
"""

from __future__ import annotations

import re
import threading
from concurrent import futures
from dataclasses import dataclass, field

import grpc

from rholang_lsp.node import messages

BAD = re.compile(r"\bbad\w*")
STDOUT_LITERAL = re.compile(r'stdout!\(\s*"([^"]*)"\s*\)')


def units(text: str, columns: str) -> int:
    if columns == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def judge(text: str, columns: str) -> list[tuple[int, int, int, int, str]]:
    """(line, start column, end line, end column, message) of each ``bad…`` identifier."""
    out = []
    for line_no, line in enumerate(text.split("\n")):
        for m in BAD.finditer(line):
            start = units(line[: m.start()], columns)
            end = units(line[: m.end()], columns)
            out.append((line_no, start, line_no, end, f"Unbound variable: {m.group()}"))
    return out


@dataclass
class FakeNode:
    columns: str = "utf-16"
    mode: str = "ok"  # "ok", "error" (ValidateResponse.error), "hang" (never answers in time)
    port: int = 0
    validated: list[str] = field(default_factory=list)
    evaluated: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    _server: grpc.Server | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> FakeNode:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    "lsp.Lsp",
                    {
                        "Validate": grpc.unary_unary_rpc_method_handler(
                            self._validate,
                            request_deserializer=messages.ValidateRequest.FromString,
                            response_serializer=messages.ValidateResponse.SerializeToString,
                        )
                    },
                ),
                grpc.method_handlers_generic_handler(
                    "repl.Repl",
                    {
                        "Eval": grpc.unary_unary_rpc_method_handler(
                            self._eval,
                            request_deserializer=messages.EvalRequest.FromString,
                            response_serializer=messages.ReplResponse.SerializeToString,
                        )
                    },
                ),
            )
        )
        port = server.add_insecure_port(f"127.0.0.1:{self.port}")
        if port == 0:
            raise RuntimeError(f"fake node: cannot bind 127.0.0.1:{self.port}")
        self.port = port
        self.release.clear()
        server.start()
        self._server = server
        return self

    def stop(self) -> None:
        """Go away (connections reset, the port closed); ``start()`` comes back on it."""
        self.release.set()
        server, self._server = self._server, None
        if server is not None:
            server.stop(grace=None).wait(5)

    # ------------------------------------------------------------------ services

    def _validate(self, request: object, context: grpc.ServicerContext) -> object:
        text = request.text  # type: ignore[attr-defined]
        with self._lock:
            self.validated.append(text)
        if self.mode == "hang":
            self.release.wait(30)
        if self.mode == "error":
            return messages.ValidateResponse(error="node: internal error while compiling")
        diagnostics = [
            messages.Diagnostic(
                range=messages.Range(
                    start=messages.Position(line=line, column=start),
                    end=messages.Position(line=end_line, column=end),
                ),
                severity=0,
                source="rholang",
                message=message,
            )
            for line, start, end_line, end, message in judge(text, self.columns)
        ]
        return messages.ValidateResponse(success=messages.DiagnosticList(diagnostics=diagnostics))

    def _eval(self, request: object, context: grpc.ServicerContext) -> object:
        program = request.program  # type: ignore[attr-defined]
        with self._lock:
            self.evaluated.append(program)
        if self.mode == "hang":
            self.release.wait(30)
        output = "".join(f"{m.group(1)}\n" for m in STDOUT_LITERAL.finditer(program))
        return messages.ReplResponse(output=output)
