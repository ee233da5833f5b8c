"""Numeric params are bounded (issue 20, finding 5): ``tabSize`` of 10^7 made the server
build gigabytes of indentation. Out of range it is -32602 naming the field; a too large
``rholang.format.indentWidth`` setting is ignored like a missing one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from rholang_lsp.features.formatting import MAX_INDENT_WIDTH, FormatOptions, format_text
from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.protocol.lsp import MAX_TAB_SIZE
from rholang_lsp.protocol.messages import ResponseError
from rholang_lsp.server.registry import HandlerRegistry
from rholang_lsp.server.server import Server, ServerOptions

URI = "file:///w/a.rho"
TEXT = "new x in {\nx!(1)\n}\n"


@pytest.fixture
async def client(memory_pair: Callable[[], Any]) -> AsyncIterator[JsonRpcClient]:
    server = Server(ServerOptions(diagnostics_debounce=0.05), HandlerRegistry.discover())
    client_t, server_t = memory_pair()
    task = asyncio.create_task(server.serve(server_t))
    c = JsonRpcClient(client_t)
    await c.request("initialize", {"capabilities": {}})
    c.notify("initialized", {})
    c.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": URI, "languageId": "rholang", "version": 1, "text": TEXT}},
    )
    yield c
    await c.close()
    server.stop()
    await asyncio.wait_for(task, 5)


def _format(c: JsonRpcClient, tab: Any) -> Any:
    return c.request(
        "textDocument/formatting",
        {"textDocument": {"uri": URI}, "options": {"tabSize": tab, "insertSpaces": True}},
    )


async def test_tab_size_out_of_range_is_invalid_params(client: JsonRpcClient) -> None:
    for bad in (10**7, MAX_TAB_SIZE + 1, -1):
        with pytest.raises(ResponseError) as e:
            await _format(client, bad)
        assert e.value.code == -32602 and "tabSize" in e.value.message
    edits = await _format(client, MAX_TAB_SIZE)
    assert edits and edits[0]["newText"].endswith(" " * MAX_TAB_SIZE)
    edits = await _format(client, 4)
    assert edits[0]["newText"] == "\n    "


async def test_huge_indent_width_setting_is_ignored(client: JsonRpcClient) -> None:
    client.notify(
        "workspace/didChangeConfiguration",
        {"settings": {"rholang": {"format": {"indentWidth": 10**7}}}},
    )
    edits = await _format(client, 3)  # answered after the notification: same connection
    assert edits[0]["newText"] == "\n   "
    client.notify(
        "workspace/didChangeConfiguration",
        {"settings": {"rholang": {"format": {"indentWidth": 5}}}},
    )
    edits = await _format(client, 3)
    assert edits[0]["newText"] == "\n     "


def test_format_options_clamp_the_unit() -> None:
    assert FormatOptions(tab_size=10**9).unit == " " * MAX_INDENT_WIDTH
    out = format_text(TEXT, FormatOptions(tab_size=10**9))
    assert out is not None and len(out) < 100
