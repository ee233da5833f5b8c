"""Start-up laziness: what a stdio server imports before it answers ``initialize``.

Judged by the modules the interpreter reports (``python -X importtime``), not by wall
time: optional transports and exporters (WebSocket, Prometheus, the node's gRPC) and
machinery only some requests need (process pools, ctypes) must not be imported by a
plain stdio session.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

#: Never imported by a stdio server that only answered initialize and shutdown.
NOT_AT_START = (
    "websockets",
    "prometheus_client",
    "grpc",
    "google.protobuf",
    "http.server",
    "wsgiref",
    "multiprocessing",
    "ctypes",
    "rholang_lsp.transports.websocket",
    "rholang_lsp.metrics.prometheus",
    "rholang_lsp.node.client",
)

_IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$", re.M)


def _frame(obj: object) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _imports_of(
    args: list[str], stdin: bytes
) -> tuple[set[str], subprocess.CompletedProcess[bytes]]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rholang_lsp.cli.main", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return set(_IMPORTED.findall(proc.stderr.decode("utf-8", "replace"))), proc


def _loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_stdio_server_answers_initialize_without_optional_imports() -> None:
    session = (
        _frame(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}},
            }
        )
        + _frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        + _frame({"jsonrpc": "2.0", "method": "exit"})
    )
    modules, proc = _imports_of(["serve"], session)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert b'"capabilities"' in proc.stdout  # it did answer initialize
    # the parse sees the imports that do happen (the check can fail)
    assert {"rholang_lsp.server.session", "rholang_lsp.transports.stdio", "msgspec"} <= modules
    assert [name for name in NOT_AT_START if _loaded(modules, name)] == []


def test_help_of_the_server_imports_no_server() -> None:
    modules, proc = _imports_of(["serve", "--help"], b"")
    assert proc.returncode == 0 and b"--websocket" in proc.stdout
    assert "argparse" in modules
    assert not _loaded(modules, "rholang_lsp.server")
    assert [name for name in NOT_AT_START if _loaded(modules, name)] == []
