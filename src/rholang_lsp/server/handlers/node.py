"""The node from the editor: ``rholang.evaluate`` (``workspace/executeCommand``), its code
lens, and the ``rholang.validator`` setting (``workspace/didChangeConfiguration``).

Evaluation runs user code, so it happens only on the user's explicit command, on the node
their settings name (``--validator-backend grpc:...``, ``--rnode-address/--rnode-port`` or
``rholang.validator``). Output goes to ``window/showMessage`` when it is one short line (every
client shows that as a notification); longer output goes whole to ``window/logMessage``
(VS Code's Output panel, Neovim's ``:LspLog``, Emacs' ``*lsp-log*``: multi-line text stays
readable and nothing is truncated) with a short ``showMessage`` pointing there. The
command's result also carries the output, for clients that show results themselves.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any, Final

import msgspec

from rholang_lsp.node.address import MISSING_EXTRA
from rholang_lsp.protocol.lsp import DidChangeConfigurationParams
from rholang_lsp.protocol.messages import INVALID_PARAMS, REQUEST_FAILED, ResponseError
from rholang_lsp.server.registry import notification, request
from rholang_lsp.server.session import Session
from rholang_lsp.server.uris import uri_to_path
from rholang_lsp.server.validation import EVAL_METRIC, node_provider
from rholang_lsp.workspace.files import ReadRefused, read_source

EVALUATE: Final = "rholang.evaluate"
SHORT_OUTPUT: Final = 120  # characters of a one-line output shown as a notification
_LEADING: Final = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)


class ExecuteCommandParams(msgspec.Struct):
    command: str
    arguments: list[Any] = []


class CodeLensDocument(msgspec.Struct):
    uri: str


class CodeLensParams(msgspec.Struct):
    textDocument: CodeLensDocument


@request(
    "workspace/executeCommand",
    params=ExecuteCommandParams,
    capabilities={"executeCommandProvider": {"commands": [EVALUATE]}},
)
async def execute_command(session: Session, params: ExecuteCommandParams) -> dict[str, Any]:
    if params.command != EVALUATE:
        raise ResponseError(INVALID_PARAMS, f"command: unknown command {params.command!r}")
    args = params.arguments
    if len(args) != 1 or not isinstance(args[0], str):
        raise ResponseError(
            INVALID_PARAMS,
            f"arguments: {EVALUATE} takes one argument, the document URI (a string)",
        )
    uri = args[0]
    text = await _program(session, uri)
    node = session.validator.evaluation_node
    if node is None:
        raise ResponseError(
            REQUEST_FAILED,
            f"{EVALUATE}: no node configured (start the server with --validator-backend"
            " grpc:HOST:PORT or --rnode-address/--rnode-port, or set rholang.validator)",
        )
    provider = node_provider(session.server, node)
    if provider is None:
        raise ResponseError(REQUEST_FAILED, f"{EVALUATE}: {MISSING_EXTRA}")
    from rholang_lsp.node.client import NodeUnavailable

    started = time.perf_counter()
    try:
        output = await provider.client.evaluate(text, timeout=session.validator.eval_timeout)
    except NodeUnavailable as e:
        provider.record(EVAL_METRIC, time.perf_counter() - started, "error")
        raise ResponseError(REQUEST_FAILED, f"{EVALUATE}: {e}") from None
    provider.record(EVAL_METRIC, time.perf_counter() - started, "ok")
    name = uri.rsplit("/", 1)[-1] or uri
    shown = output.strip()
    if not shown:
        session.show_message(f"Evaluated {name} on {node.target}: no output.", 3)
    elif "\n" not in shown and len(shown) <= SHORT_OUTPUT:
        session.show_message(f"Evaluated {name} on {node.target}: {shown}", 3)
    else:
        lines = shown.count("\n") + 1
        session.log_message(f"Evaluation of {name} on {node.target}:\n{output}", 3)
        session.show_message(
            f"Evaluated {name} on {node.target}: {lines} line(s) of output in the"
            " language server's log.",
            3,
        )
    return {"output": output, "node": node.target}


async def _program(session: Session, uri: str) -> str:
    """The open document's text, else the file's, read the one safe way (inside the workspace
    folders, regular files only, bounded; off the loop)."""
    doc = session.documents.get(uri)
    if doc is not None:
        return doc.text
    path = uri_to_path(uri)
    if path is None:
        raise ResponseError(INVALID_PARAMS, f"arguments[0]: {uri} is not a file: URI")
    try:
        return await asyncio.to_thread(read_source, path, roots=session.workspace_roots)
    except (ReadRefused, OSError) as e:
        raise ResponseError(
            INVALID_PARAMS,
            f"arguments[0]: {uri} is neither an open document nor a readable file in the"
            f" workspace ({e})",
        ) from None


@request("textDocument/codeLens", params=CodeLensParams, capabilities={"codeLensProvider": {}})
def code_lens(session: Session, params: CodeLensParams) -> list[dict[str, Any]]:
    """One lens above the file's first process, when a node is configured."""
    node = session.validator.evaluation_node
    uri = params.textDocument.uri
    doc = session.documents.get(uri)
    if node is None or doc is None:
        return []
    text = doc.text
    match = _LEADING.match(text)
    start = match.end() if match else 0
    if start >= len(text):
        return []  # nothing to run
    positions = session.positions().document(uri)
    if positions is None:
        return []
    rng = positions.range(start, start)
    return [
        {
            "range": msgspec.to_builtins(rng),
            "command": {
                "title": f"\u25b6 Evaluate on {node.target}",
                "command": EVALUATE,
                "arguments": [uri],
            },
        }
    ]


@notification("workspace/didChangeConfiguration", params=DidChangeConfigurationParams, order=1)
def validator_setting(session: Session, params: DidChangeConfigurationParams) -> None:
    """``rholang.validator`` may have changed: re-check the open documents if it did.

    Runs after ``editing.py``'s handler (order 0) merged the settings into ``session.config``."""
    settings = session.config.validator
    if settings == session.diagnostics.validator_applied:
        return
    session.diagnostics.validator_applied = settings
    if session.config.validator_problem:
        session.show_message(f"Rholang: {session.config.validator_problem}", 2)
    session.log.info("%s: validator %s", session.peer, settings.backend)
    for uri in list(session.documents):
        session.diagnostics.schedule(uri, delay=0)
