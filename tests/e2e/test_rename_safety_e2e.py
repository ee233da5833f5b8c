"""Rename through a real client (pytest-lsp over stdio): a rename that would capture or
duplicate a name is refused with a message saying what would change; a safe one is applied."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = "file:///tmp/e2e-rename-safety"
BANK = ROOT + "/bank.rho"
OTHER = ROOT + "/other.rho"
BANK_TEXT = (
    "new out(`rho:io:stdout`) in {\n"
    "  contract f(@amount, ret) = {\n"
    "    for (@balance <- ret) { out!(amount + balance) }\n"
    "  }\n"
    "}\n"
)
OTHER_TEXT = 'contract @"deposit"(@x) = { Nil } | @"withdraw"!(1) | @"deposit"!(2)\n'


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            workspace_folders=[t.WorkspaceFolder(uri=ROOT, name="rename")],
        )
    )
    for uri, text in ((BANK, BANK_TEXT), (OTHER, OTHER_TEXT)):
        lsp_client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(
                    uri=uri, language_id="rholang", version=1, text=text
                )
            )
        )
    yield
    await lsp_client.shutdown_session()


def at(text: str, needle: str) -> t.Position:
    off = text.index(needle)
    line = text.count("\n", 0, off)
    return t.Position(line=line, character=off - (text.rfind("\n", 0, off) + 1))


async def rename(
    client: LanguageClient, uri: str, pos: t.Position, new: str
) -> t.WorkspaceEdit | None:
    return await client.text_document_rename_async(
        t.RenameParams(text_document=t.TextDocumentIdentifier(uri=uri), position=pos, new_name=new)
    )


@pytest.mark.parametrize(
    ("needle", "new", "says"),
    [
        ("ret)", "out", "`out` at 3:29"),  # the body's `out!` would send on the parameter
        ("ret)", "amount", "contract-formal binder `amount`"),  # a duplicate formal
        ("amount,", "balance", "receive binder `balance`"),  # captured by the inner `@balance`
    ],
)
async def test_capturing_rename_is_refused(
    client: LanguageClient, needle: str, new: str, says: str
) -> None:
    with pytest.raises(Exception) as err:
        await rename(client, BANK, at(BANK_TEXT, needle), new)
    assert "would change the meaning" in str(err.value)
    assert says in str(err.value)


async def test_safe_rename_is_applied(client: LanguageClient) -> None:
    prep = await client.text_document_prepare_rename_async(
        t.PrepareRenameParams(
            text_document=t.TextDocumentIdentifier(uri=BANK), position=at(BANK_TEXT, "ret)")
        )
    )
    assert prep is not None
    edit = await rename(client, BANK, at(BANK_TEXT, "ret)"), "reply")
    assert edit is not None and edit.changes is not None
    assert sorted((e.range.start.line, e.new_text) for e in edit.changes[BANK]) == [
        (1, "reply"),
        (2, "reply"),
    ]


async def test_quoted_name_onto_a_used_name_is_refused(client: LanguageClient) -> None:
    with pytest.raises(Exception) as err:
        await rename(client, OTHER, at(OTHER_TEXT, "deposit"), "withdraw")
    assert "make the two channels one" in str(err.value)
    ok = await rename(client, OTHER, at(OTHER_TEXT, "deposit"), "credit")
    assert ok is not None and ok.changes is not None and len(ok.changes[OTHER]) == 2
