"""The dialect target: `--target` for the server, `initializationOptions.target` per client."""

from __future__ import annotations

import sys

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig

URI = "file:///tmp/e2e-target/a.rho"
TRAILING_COMMA = "new f in { f!(1,) }"  # RNode rejects `,)` here; F1R3FLY accepts it


async def _severities(extra_args: list[str], init_options: object) -> list[int]:
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", *extra_args]
    )
    client = await config.start()
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                initialization_options=init_options,
            )
        )
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=URI, language_id="rholang", version=1, text=TRAILING_COMMA
                )
            )
        )
        params = await client.wait_for_notification("textDocument/publishDiagnostics")
        await client.shutdown_session()
        return [int(d.severity or 0) for d in params.diagnostics]
    finally:
        await client.stop()


@pytest.mark.parametrize(
    ("args", "options", "severity"),
    [
        ([], None, types.DiagnosticSeverity.Warning),
        (["--target", "rnode"], None, types.DiagnosticSeverity.Error),
        ([], {"target": "rnode"}, types.DiagnosticSeverity.Error),
        (
            ["--target", "rnode"],
            {"rholang": {"target": "f1r3fly"}},
            types.DiagnosticSeverity.Warning,
        ),
    ],
)
async def test_target_decides_the_severity_of_dialect_diagnostics(
    args: list[str], options: object, severity: types.DiagnosticSeverity
) -> None:
    assert await _severities(args, options) == [int(severity)]
