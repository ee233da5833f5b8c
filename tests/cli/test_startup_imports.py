"""Start-up laziness: what a stdio server imports before it answers ``initialize``.

Judged by the modules the interpreter reports (``python -X importtime``), not by wall
time: optional transports and exporters (WebSocket, Prometheus, the node's gRPC) and
machinery only some requests need (process pools, ctypes) must not be imported by a
plain stdio session; nor the language layers (parser, binder, checks, features: issue
19), which ``server.warmup`` loads once the client sends ``initialized``.

``-X importtime`` reports the modules imported by ``import`` statements; the handler
modules (``importlib.import_module``) are not listed themselves, but everything they
import is.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from typing import IO

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

#: Loaded after ``initialized`` (``server.warmup``), not before ``initialize`` is answered.
LANGUAGE_LAYERS = (
    "rholang_lsp.syntax.parser",
    "rholang_lsp.syntax.lexer",
    "rholang_lsp.syntax.incremental",
    "rholang_lsp.semantics.binder",
    "rholang_lsp.semantics.model",
    "rholang_lsp.semantics.checks",
    "rholang_lsp.semantics.metta.model",
    "rholang_lsp.workspace.analysis",
    "rholang_lsp.workspace.snapshot",
    "rholang_lsp.features.completion",
    "rholang_lsp.features.hover",
    "rholang_lsp.features.diagnostics",
    "rholang_lsp.features.semantic_tokens",
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
    assert [name for name in LANGUAGE_LAYERS if _loaded(modules, name)] == []


def _read_frame(stream: IO[bytes]) -> dict[str, object]:
    header = b""
    while not header.endswith(b"\r\n\r\n"):
        byte = stream.read(1)
        assert byte, "the server closed its output"
        header += byte
    length = int(header.split(b":")[1].split(b"\r")[0])
    message: dict[str, object] = json.loads(stream.read(length))
    return message


def test_language_layers_are_loaded_after_initialized() -> None:
    """Once the client sends ``initialized`` the server loads the language layers (before
    it handles what follows), and the first request is answered with them."""
    uri = "file:///tmp/warm.rho"
    opened = {"uri": uri, "languageId": "rholang", "version": 1, "text": "new x in { x!(1) }\n"}
    err = tempfile.TemporaryFile()  # not a pipe: nobody reads it while the session runs
    proc = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "rholang_lsp.cli.main", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=err,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(
            _frame(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {"processId": None, "rootUri": None, "capabilities": {}},
                }
            )
            + _frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
            + _frame(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {"textDocument": opened},
                }
            )
            + _frame(
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "textDocument/hover",
                    "params": {
                        "textDocument": {"uri": uri},
                        "position": {"line": 0, "character": 11},
                    },
                }
            )
        )
        proc.stdin.flush()
        answers = {}
        while 2 not in answers:
            msg = _read_frame(proc.stdout)
            if "id" in msg and "method" not in msg:
                answers[msg["id"]] = msg
        assert isinstance(answers[2].get("result"), dict)  # the hover was answered
        proc.stdin.write(
            _frame({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
            + _frame({"jsonrpc": "2.0", "method": "exit"})
        )
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err.seek(0)
        stderr = err.read()
        err.close()
    assert proc.returncode == 0, stderr.decode()[-2000:]
    modules = set(_IMPORTED.findall(stderr.decode("utf-8", "replace")))
    assert [name for name in LANGUAGE_LAYERS if not _loaded(modules, name)] == []
    assert [name for name in NOT_AT_START if _loaded(modules, name)] == []


def test_help_of_the_server_imports_no_server() -> None:
    modules, proc = _imports_of(["serve", "--help"], b"")
    assert proc.returncode == 0 and b"--websocket" in proc.stdout
    assert "argparse" in modules
    assert not _loaded(modules, "rholang_lsp.server")
    assert [name for name in NOT_AT_START if _loaded(modules, name)] == []
