"""Call hierarchy through a real client (pytest-lsp over stdio): prepare on an open file,
incoming calls from a file that is not open (found through the index), outgoing calls,
UTF-16 columns after non-ASCII text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

LIB_TEXT = (
    "// bibliothèque 😀\n"
    'contract @"lookup"(@key, ret) = { ret!(key) }\n'  # line 1
)
CALLER_TEXT = (
    "// appelant 😀😀\n"
    'contract @"report"(ret) = { ret!("😀é") | @"lookup"!("k", *ret) } |\n'  # line 1
    'new x in { x!("𝄞") | @"lookup"!("top", *x) }\n'  # line 2: outside every contract
)
APP_TEXT = 'new r in {\n  contract @"main"(ret) = { ret!("é😀") | @"lookup"!("é", *ret) | @"report"!(*ret) }\n}\n'


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "lib.rho").write_text(LIB_TEXT, encoding="utf-8")
    (tmp_path / "caller.rho").write_text(CALLER_TEXT, encoding="utf-8")
    (tmp_path / "app.rho").write_text(APP_TEXT, encoding="utf-8")
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    result = await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            workspace_folders=[t.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        )
    )
    assert result.capabilities.call_hierarchy_provider
    for name, text in (("lib.rho", LIB_TEXT), ("app.rho", APP_TEXT)):
        lsp_client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(
                    uri=(tmp_path / name).as_uri(), language_id="rholang", version=1, text=text
                )
            )
        )
    while not any("indexed" in m.message and "files" in m.message for m in lsp_client.log_messages):
        await lsp_client.wait_for_notification("window/logMessage")
    yield
    await lsp_client.shutdown_session()


def _utf16(text: str) -> int:
    n = len(text.encode("utf-16-le")) // 2
    assert n != len(text)  # the line has non-ASCII before the call: the columns differ
    return n


async def test_call_hierarchy(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    lib, caller, app = ((root / n).as_uri() for n in ("lib.rho", "caller.rho", "app.rho"))
    items = await client.text_document_prepare_call_hierarchy_async(
        t.CallHierarchyPrepareParams(
            text_document=t.TextDocumentIdentifier(uri=lib),
            position=t.Position(line=1, character=12),  # inside `lookup`
        )
    )
    assert items is not None and len(items) == 1
    lookup = items[0]
    assert (lookup.name, lookup.uri) == ("lookup", lib)
    assert lookup.selection_range.start == t.Position(line=1, character=11)
    assert lookup.range.start == t.Position(line=1, character=0)

    calls = await client.call_hierarchy_incoming_calls_async(
        t.CallHierarchyIncomingCallsParams(item=lookup)
    )
    assert calls is not None
    got = sorted(
        (c.from_.uri, c.from_.name, [(r.start.line, r.start.character) for r in c.from_ranges])
        for c in calls
    )
    report_line = CALLER_TEXT.splitlines()[1]
    top_line = CALLER_TEXT.splitlines()[2]
    main_line = APP_TEXT.splitlines()[1]
    assert got == sorted(
        [
            (app, "main", [(1, _utf16(main_line[: main_line.index('@"lookup"')]))]),
            # caller.rho is not open: read from the index, columns in UTF-16
            (caller, "caller.rho", [(2, _utf16(top_line[: top_line.index('@"lookup"')]))]),
            (caller, "report", [(1, _utf16(report_line[: report_line.index('@"lookup"')]))]),
        ]
    )
    report = next(c.from_ for c in calls if c.from_.name == "report")
    assert report.selection_range.start.line == 1

    # outgoing calls of `main` (open) and of `report` (not open)
    (main,) = await client.text_document_prepare_call_hierarchy_async(
        t.CallHierarchyPrepareParams(
            text_document=t.TextDocumentIdentifier(uri=app),
            position=t.Position(line=1, character=14),
        )
    ) or [None]
    assert main is not None and main.name == "main"
    out = await client.call_hierarchy_outgoing_calls_async(
        t.CallHierarchyOutgoingCallsParams(item=main)
    )
    assert out is not None
    assert sorted((c.to.name, c.to.uri, c.from_ranges[0].start.line) for c in out) == [
        ("lookup", lib, 1),
        ("report", caller, 1),
    ]
    out = await client.call_hierarchy_outgoing_calls_async(
        t.CallHierarchyOutgoingCallsParams(item=report)
    )
    assert out is not None and [(c.to.name, c.to.uri) for c in out] == [("lookup", lib)]
    assert out[0].from_ranges[0].start == t.Position(
        line=1, character=_utf16(report_line[: report_line.index('@"lookup"')])
    )
