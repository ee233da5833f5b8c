"""End to end over stdio with pytest-lsp's real client (pygls LanguageClient)."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

URI = "file:///tmp/e2e/a.rho"


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[
            sys.executable,
            "-m",
            "rholang_lsp.cli.main",
            "serve",
            "--stdio",
            "--test-handlers",
        ]
    )
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(
                    position_encodings=[types.PositionEncodingKind.Utf16]
                )
            ),
            workspace_folders=[types.WorkspaceFolder(uri="file:///tmp/e2e", name="e2e")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_initialize_result_and_ping(client: LanguageClient) -> None:
    result = await client.protocol.send_request_async("rholang/ping", {"n": 1})
    assert result.pong.n == 1


async def test_diagnostics_published_on_open_and_cleared_on_close(client: LanguageClient) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="rholang", version=7, text="new x in { x!(1) }"
            )
        )
    )
    params = await client.wait_for_notification("textDocument/publishDiagnostics")
    assert params.uri == URI and params.version == 7
    assert URI in client.diagnostics
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=8),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(0, 0), end=types.Position(0, 3)),
                    text="new",
                )
            ],
        )
    )
    params = await client.wait_for_notification("textDocument/publishDiagnostics")
    assert params.uri == URI and params.version == 8
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    params = await client.wait_for_notification("textDocument/publishDiagnostics")
    assert params.uri == URI and len(params.diagnostics) == 0 and params.version is None


async def test_unknown_method_is_an_error(client: LanguageClient) -> None:
    with pytest.raises(Exception) as err:
        await client.protocol.send_request_async("rholang/nope", {})
    assert "-32601" in repr(err.value) or "not found" in str(err.value).lower()
