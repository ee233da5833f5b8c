"""Request policy lives on the handler: params types, index needs, notification order."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from rholang_lsp.protocol.lsp import TextDocumentParams, TextDocumentPositionParams
from rholang_lsp.server.registry import HandlerRegistry, IndexNeed, notification, request


def test_params_must_be_a_struct() -> None:
    with pytest.raises(TypeError, match="msgspec Struct"):
        request("x/any", params=Any)
    with pytest.raises(TypeError, match="msgspec Struct"):
        notification("x/dict", params=dict[str, Any])
    request("x/optional", params=TextDocumentParams | None)  # accepted
    request("x/echo", params=msgspec.Raw)  # accepted: an echo


def test_if_global_needs_a_position_request() -> None:
    with pytest.raises(TypeError, match="textDocument and position"):
        request("x/global", params=TextDocumentParams, needs_index=IndexNeed.IF_GLOBAL)
    request("x/global", params=TextDocumentPositionParams, needs_index=IndexNeed.IF_GLOBAL)


def test_notification_handlers_run_in_declared_order() -> None:
    reg = HandlerRegistry()

    @notification("x/n", params=TextDocumentParams, order=2)
    def second(session: Any, params: Any) -> None: ...

    @notification("x/n", params=TextDocumentParams, order=1)
    def first(session: Any, params: Any) -> None: ...

    reg.add(second)
    reg.add(first)
    assert [s.fn for s in reg.notifications["x/n"]] == [first, second]

    @notification("x/n", params=TextDocumentParams, order=1)
    def clash(session: Any, params: Any) -> None: ...

    with pytest.raises(ValueError, match="distinct orders"):
        reg.add(clash)


def test_the_servers_policies() -> None:
    reg = HandlerRegistry.discover()
    needs = {m: s.needs_index for m, s in reg.requests.items() if s.needs_index != IndexNeed.NONE}
    assert needs == {
        "workspace/symbol": IndexNeed.ALWAYS,
        "textDocument/definition": IndexNeed.IF_GLOBAL,
        "textDocument/declaration": IndexNeed.IF_GLOBAL,
        "textDocument/references": IndexNeed.IF_GLOBAL,
        "textDocument/rename": IndexNeed.IF_GLOBAL,
        "textDocument/prepareCallHierarchy": IndexNeed.IF_GLOBAL,
        "callHierarchy/incomingCalls": IndexNeed.ALWAYS,
        "callHierarchy/outgoingCalls": IndexNeed.ALWAYS,
    }
    # several handlers of one notification: the document first, then the index
    assert [s.fn.__module__ for s in reg.notifications["textDocument/didSave"]] == [
        "rholang_lsp.server.handlers.text_sync",
        "rholang_lsp.server.handlers.workspace_index",
    ]
    assert [s.fn.__module__ for s in reg.notifications["workspace/didChangeWorkspaceFolders"]] == [
        "rholang_lsp.server.handlers.workspace_folders",
        "rholang_lsp.server.handlers.workspace_index",
    ]
