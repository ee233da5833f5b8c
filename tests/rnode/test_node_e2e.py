"""The node provider end to end: the real server (subprocess, stdio) with pytest-lsp's client
(pygls) and the fake node (a real gRPC server): the node's verdict mapped exactly in the
client's encoding, replace and merge, syntax errors never sent, a hanging node (timeouts, other
requests unaffected, one warning, recovery), a node that dies and comes back (one warning,
retries with backoff), ``error`` answers, and ``rholang.evaluate`` with its code lens.

Synchronisation: every wait is on a notification the server sends (diagnostics, messages),
with a deadline; nothing sleeps and hopes.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("grpc", reason="the [node] extra is not installed")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402
from tests.rnode.fake_node import FakeNode  # noqa: E402

pytestmark = pytest.mark.timeout(60)

URI = "file:///tmp/rnode-e2e/a.rho"
# builtin: a note on `unused` (not an error), `badOne`/`badTwo` unbound errors; the node flags
# bad* only
TEXT = (
    "new x, unused in {\n"
    "  /* \N{GRINNING FACE} é */ x!(badOne) |\n"
    '  x!("\N{GRINNING FACE}\N{GRINNING FACE}", badTwo)\n'
    "}\n"
)
LINES = TEXT.split("\n")
INIT_RESULTS: dict[int, types.InitializeResult] = {}


def col(line: int, code_point: int, encoding: str) -> int:
    prefix = LINES[line][:code_point]
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    return len(prefix.encode("utf-16-le")) // 2


def expected_node_ranges(encoding: str) -> list[tuple[int, int, int]]:
    out = []
    for name in ("badOne", "badTwo"):
        line = next(i for i, text in enumerate(LINES) if name in text)
        start = LINES[line].index(name)
        out.append((line, col(line, start, encoding), col(line, start + len(name), encoding)))
    return out


async def start_client(
    node: FakeNode | None,
    *flags: str,
    encoding: str = "utf-16",
    init_options: Any = None,
    root: Path | None = None,
) -> LanguageClient:
    command = [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    command += ["--no-index-cache", "--log-level", "warn", *flags]
    if node is not None:
        command += ["--validator-backend", f"grpc:{node.address}"]
    client = await ClientServerConfig(server_command=command).start()
    assert isinstance(client, LanguageClient)
    enc = (
        types.PositionEncodingKind.Utf8 if encoding == "utf-8" else types.PositionEncodingKind.Utf16
    )
    INIT_RESULTS[id(client)] = await client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(position_encodings=[enc])
            ),
            initialization_options=init_options,
            workspace_folders=(
                [types.WorkspaceFolder(uri=root.as_uri(), name="ws")] if root is not None else None
            ),
        )
    )
    return client


@pytest.fixture
async def clients() -> AsyncIterator[list[LanguageClient]]:
    started: list[LanguageClient] = []
    yield started
    for client in started:
        try:
            await asyncio.wait_for(client.shutdown_session(), 10)
        finally:
            await client.stop()


def open_doc(client: LanguageClient, text: str = TEXT, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="rholang", version=version, text=text
            )
        )
    )


def replace_all(client: LanguageClient, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


Diags = Sequence[types.Diagnostic]


async def wait_diagnostics(
    client: LanguageClient, pred: Callable[[Diags], bool], timeout: float = 15
) -> Diags:
    async def loop() -> Diags:
        while True:
            found = client.diagnostics.get(URI)
            if found is not None and pred(found):
                return found
            await client.wait_for_notification("textDocument/publishDiagnostics")

    return await asyncio.wait_for(loop(), timeout)


async def wait_message(
    client: LanguageClient, pred: Callable[[str], bool], timeout: float = 15
) -> None:
    async def loop() -> None:
        while not any(pred(m.message) for m in client.messages):
            await client.wait_for_notification("window/showMessage")

    await asyncio.wait_for(loop(), timeout)


async def wait_log(client: LanguageClient, needle: str, timeout: float = 15) -> None:
    async def loop() -> None:
        while not any(needle in m.message for m in client.log_messages):
            await client.wait_for_notification("window/logMessage")

    await asyncio.wait_for(loop(), timeout)


def from_node(diags: Diags) -> list[types.Diagnostic]:
    return [d for d in diags if (d.source or "").startswith("rnode")]


def warnings_about_node(client: LanguageClient) -> list[str]:
    return [
        m.message
        for m in client.messages
        if m.type == types.MessageType.Warning and "node" in m.message
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_node_verdict_replaces_builtin_errors_exactly(
    fake_node: FakeNode, clients: list[LanguageClient], encoding: str
) -> None:
    client = await start_client(fake_node, encoding=encoding)
    clients.append(client)
    open_doc(client)
    diags = await wait_diagnostics(client, lambda d: bool(from_node(d)))
    node = from_node(diags)
    got = [(d.range.start.line, d.range.start.character, d.range.end.character) for d in node]
    assert got == expected_node_ranges(encoding)
    assert [d.message for d in node] == ["Unbound variable: badOne", "Unbound variable: badTwo"]
    assert {d.source for d in node} == {"rnode/rholang"}
    assert all(d.severity == types.DiagnosticSeverity.Error for d in node)
    # replace: the built-in semantic errors are gone, its note on `unused` stays
    rest = [d for d in diags if d not in node]
    assert [(d.source, d.range.start.line) for d in rest] == [("rholang-semantic", 0)]
    assert rest[0].severity != types.DiagnosticSeverity.Error
    assert fake_node.validated == [TEXT]


async def test_merge_mode_from_the_workspace_setting(
    fake_node: FakeNode, clients: list[LanguageClient]
) -> None:
    """A server started with the built-in checker; the client's rholang.validator names the
    node and asks for merge: built-in and node errors side by side, each labelled."""
    options = {"rholang": {"validator": {"backend": f"grpc:{fake_node.address}", "mode": "merge"}}}
    client = await start_client(None, init_options=options)
    clients.append(client)
    open_doc(client)
    diags = await wait_diagnostics(client, lambda d: bool(from_node(d)))
    sources = sorted((d.source or "", d.range.start.line) for d in diags)
    assert sources == [
        ("rholang-semantic", 0),  # unused (warning)
        ("rholang-semantic", 1),
        ("rholang-semantic", 2),
        ("rnode/rholang", 1),
        ("rnode/rholang", 2),
    ]
    # switching the setting back to the built-in checker stops asking the node
    calls = len(fake_node.validated)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"rholang": {"validator": "builtin"}})
    )
    await wait_diagnostics(client, lambda d: not from_node(d))
    replace_all(client, TEXT + "\n", 2)
    await wait_diagnostics(client, lambda d: len(d) == 3 and not from_node(d))
    assert len(fake_node.validated) == calls


async def test_syntax_errors_are_immediate_and_never_sent(
    fake_node: FakeNode, clients: list[LanguageClient]
) -> None:
    client = await start_client(fake_node)
    clients.append(client)
    broken = "new x in { x!(badOne) "
    open_doc(client, broken)
    diags = await wait_diagnostics(client, lambda d: any(x.source == "rholang-parser" for x in d))
    assert not from_node(diags)
    # the next complete program is judged by the node; the broken one never was
    replace_all(client, TEXT, 2)
    await wait_diagnostics(client, lambda d: bool(from_node(d)))
    assert fake_node.validated == [TEXT]


async def test_hanging_node_times_out_blocks_nothing_warns_once_and_recovers(
    fake_node: FakeNode, clients: list[LanguageClient]
) -> None:
    fake_node.mode = "hang"
    client = await start_client(fake_node, "--node-timeout", "3")
    clients.append(client)
    open_doc(client)
    await wait_diagnostics(client, lambda d: len(d) == 3)  # the built-in verdict, at once
    while not fake_node.validated:  # the node holds the request now (a thread of the fake)
        await asyncio.sleep(0.01)
    # other requests are answered while the node hangs
    latencies = []
    for _ in range(10):
        t0 = time.perf_counter()
        await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI))
        )
        latencies.append(time.perf_counter() - t0)
    assert max(latencies) < 1.0, latencies  # a blocked one would wait ~3 s
    await wait_message(client, lambda m: "did not answer within 3 s" in m)
    # edits during the outage: built-in diagnostics each time, no further warning
    for version in range(2, 6):
        replace_all(client, TEXT + "\n" * version, version)
    await wait_diagnostics(client, lambda d: len(d) == 3)
    fake_node.mode = "ok"
    fake_node.release.set()
    diags = await wait_diagnostics(client, lambda d: bool(from_node(d)))
    assert len(from_node(diags)) == 2
    assert len(warnings_about_node(client)) == 1, client.messages
    assert any("answers again" in m.message for m in client.log_messages)


async def test_node_dies_and_comes_back(fake_node: FakeNode, clients: list[LanguageClient]) -> None:
    client = await start_client(fake_node)
    clients.append(client)
    open_doc(client)
    await wait_diagnostics(client, lambda d: bool(from_node(d)))
    fake_node.stop()
    for version in range(2, 8):  # keystrokes while the node is gone
        replace_all(client, TEXT + " " * version, version)
    await wait_message(client, lambda m: "unreachable" in m)
    await wait_diagnostics(client, lambda d: not from_node(d) and len(d) == 3)
    seen = len(fake_node.validated)
    fake_node.start()  # same port
    diags = await wait_diagnostics(client, lambda d: bool(from_node(d)), timeout=30)
    assert len(from_node(diags)) == 2
    assert fake_node.validated[seen:] == [TEXT + " " * 7]  # only the latest version is retried
    assert len(warnings_about_node(client)) == 1, client.messages


async def test_error_answer_warns_once_and_keeps_builtin(
    fake_node: FakeNode, clients: list[LanguageClient]
) -> None:
    fake_node.mode = "error"
    client = await start_client(fake_node)
    clients.append(client)
    open_doc(client)
    await wait_message(client, lambda m: "could not validate" in m)
    for version in range(2, 5):  # each version answered `error` (logged), one warning in all
        replace_all(client, TEXT + "\n" * version, version)
        await wait_log(client, f"refused a.rho v{version}")
    diags = client.diagnostics[URI]
    assert len(diags) == 3 and not from_node(diags)
    assert len([m for m in client.messages if "could not validate" in m.message]) == 1


async def test_evaluate_command_and_code_lens(
    fake_node: FakeNode, clients: list[LanguageClient]
) -> None:
    client = await start_client(fake_node)
    clients.append(client)
    caps = INIT_RESULTS[id(client)].capabilities
    assert caps.execute_command_provider is not None
    assert list(caps.execute_command_provider.commands) == ["rholang.evaluate"]
    program = 'new stdout(`rho:io:stdout`) in { stdout!("héllo \N{GRINNING FACE}") }'
    open_doc(client, program)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert len(lenses) == 1 and lenses[0].command is not None
    assert lenses[0].command.command == "rholang.evaluate"
    assert list(lenses[0].command.arguments or []) == [URI]
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="rholang.evaluate", arguments=[URI])
    )
    assert result["output"] == "héllo \N{GRINNING FACE}\n"
    assert fake_node.evaluated == [program]
    await wait_message(client, lambda m: m.endswith(": héllo \N{GRINNING FACE}"))
    # long output goes whole to the log, with a pointer in a message
    many = " | ".join(f'stdout!("line {i}")' for i in range(30))
    replace_all(client, f"new stdout(`rho:io:stdout`) in {{ {many} }}", 2)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="rholang.evaluate", arguments=[URI])
    )
    assert result["output"].count("\n") == 30
    await wait_message(client, lambda m: "30 line(s) of output" in m)
    assert any("line 29" in m.message for m in client.log_messages)
    with pytest.raises(Exception, match="arguments"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="rholang.evaluate", arguments=[1, 2])
        )


async def test_no_node_no_lens_and_a_clear_error(clients: list[LanguageClient]) -> None:
    client = await start_client(None)
    clients.append(client)
    open_doc(client)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert lenses is not None and len(lenses) == 0
    with pytest.raises(Exception, match="no node configured"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="rholang.evaluate", arguments=[URI])
        )


async def test_evaluate_a_closed_workspace_file_only_inside_the_folders(
    fake_node: FakeNode, clients: list[LanguageClient], tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    inside = root / "main.rho"
    inside.write_text('new stdout(`rho:io:stdout`) in { stdout!("from disk") }\n')
    outside = tmp_path / "secret.rho"
    outside.write_text('stdout!("never sent")\n')
    client = await start_client(fake_node, "--index-workers", "0", root=root)
    clients.append(client)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="rholang.evaluate", arguments=[inside.as_uri()])
    )
    assert result["output"] == "from disk\n"
    with pytest.raises(Exception, match="arguments"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="rholang.evaluate", arguments=[outside.as_uri()])
        )
    assert fake_node.evaluated == [inside.read_text()]
