"""The string-method idiom end to end (issue 14): the real server over stdio, pytest-lsp.

A contract in the style of RChain's RevVault is a family of overloads keyed by a
method string; signature help while typing `RevVault!("deposit", |` shows the
`"deposit"` overload, chosen by the literal, not the first one with a fitting count.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from rholang_lsp.syntax import parse

ROOT = "file:///tmp/e2e-method-strings"
VAULT = ROOT + "/RevVault.rho"
VAULT_TEXT = (
    "new RevVault, ret in {\n"
    "  /// Finds or creates the vault of an address.\n"
    '  contract RevVault(@"findOrCreate", @addr, ret) = { ret!(addr) } |\n'
    "  /// Deposits an amount.\n"
    '  contract RevVault(@"deposit", @addr, @amount, ret) = { ret!(amount) } |\n'
    '  RevVault!("deposit", \n'
    "}\n"
)
API = ROOT + "/api.rho"
API_TEXT = (
    'contract @"api"(@"get", @key, ret) = { Nil } |\n'
    'contract @"api"(@"set", @key, @value, ack) = { Nil } |\n'
    'new ack in { @"api"!("set", "k", ) }\n'
)
EITHER = ROOT + "/Either.rho"
EITHER_TEXT = (
    "new Either, ret in {\n"
    '  contract Either(@"fromNillable", @value, ret) = { ret!((true, value)) } |\n'
    "  Eith\n"
    "}\n"
)

TRANSFER = ROOT + "/transfer.rho"
TRANSFER_TEXT = (
    "new rl(`rho:registry:lookup`), RevVaultCh in {\n"
    "  rl!(`rho:rchain:revVault`, *RevVaultCh) |\n"
    "  for (@(_, RevVault) <- RevVaultCh) {\n"
    '    @RevVault!("findOrCreate", \n'
    "  }\n"
    "}\n"
)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(
                text_document=t.TextDocumentClientCapabilities(
                    completion=t.CompletionClientCapabilities(
                        completion_item=t.ClientCompletionItemOptions(
                            snippet_support=True,
                            documentation_format=[t.MarkupKind.Markdown, t.MarkupKind.PlainText],
                        )
                    )
                )
            ),
            workspace_folders=[t.WorkspaceFolder(uri=ROOT, name="methods")],
        )
    )
    for uri, text in (
        (VAULT, VAULT_TEXT),
        (API, API_TEXT),
        (EITHER, EITHER_TEXT),
        (TRANSFER, TRANSFER_TEXT),
    ):
        lsp_client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(
                    uri=uri, language_id="rholang", version=1, text=text
                )
            )
        )
    yield
    await lsp_client.shutdown_session()


async def _help(client: LanguageClient, uri: str, line: int, ch: int) -> t.SignatureHelp:
    res = await client.text_document_signature_help_async(
        t.SignatureHelpParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=t.Position(line=line, character=ch),
        )
    )
    assert res is not None
    return res


async def test_method_string_selects_the_overload(client: LanguageClient) -> None:
    line = VAULT_TEXT.split("\n")[5]
    res = await _help(client, VAULT, 5, len(line))
    assert res.active_signature is not None
    active = res.signatures[res.active_signature]
    assert active.label == 'RevVault!(@"deposit", @addr, @amount, ret)'
    assert res.active_parameter == 1
    doc = active.documentation
    text = doc.value if isinstance(doc, t.MarkupContent) else doc
    assert text is not None and "Deposits an amount." in text
    assert {s.label for s in res.signatures} >= {'RevVault!(@"findOrCreate", @addr, ret)'}


async def test_set_overload_at_its_second_argument(client: LanguageClient) -> None:
    line = API_TEXT.split("\n")[2]
    res = await _help(client, API, 2, line.index(", )") + 2)
    assert res.active_signature is not None
    assert res.signatures[res.active_signature].label == '@"api"!(@"set", @key, @value, ack)'
    assert res.active_parameter == 2


async def test_contract_snippet_is_a_valid_send(client: LanguageClient) -> None:
    res = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=EITHER),
            position=t.Position(line=2, character=len("  Eith")),
        )
    )
    assert res is not None
    items = res.items if isinstance(res, t.CompletionList) else res
    item = next(i for i in items if i.label == "Either")
    text = item.text_edit.new_text if item.text_edit is not None else item.insert_text
    assert item.insert_text_format == t.InsertTextFormat.Snippet
    assert text == 'Either!(${1:"fromNillable"}, ${2:value}, ${3:ret})'
    # with the placeholders' defaults the line is a well-formed send
    expanded = re.sub(r"\$\{\d+:([^}]*)\}", lambda m: m.group(1), text)
    assert not parse(EITHER_TEXT.replace("Eith\n", expanded + "\n")).has_errors


async def test_signature_help_on_a_contract_from_the_registry(client: LanguageClient) -> None:
    line = TRANSFER_TEXT.split("\n")[3]
    res = await _help(client, TRANSFER, 3, len(line))
    assert res.active_signature is not None
    active = res.signatures[res.active_signature]
    assert active.label == '@RevVault!(@"findOrCreate", @revAddress, retCh)'
    assert res.active_parameter == 1
    labels = {s.label for s in res.signatures}
    assert '@RevVault!(@"deployerAuthKey", deployerId, ret)' in labels


async def _hover(client: LanguageClient, uri: str, line: int, ch: int) -> str:
    res = await client.text_document_hover_async(
        t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=t.Position(line=line, character=ch),
        )
    )
    assert res is not None and isinstance(res.contents, t.MarkupContent)
    return res.contents.value


async def test_hover_on_method_string_and_registry_value(client: LanguageClient) -> None:
    line = VAULT_TEXT.split("\n")[5]
    md = await _hover(client, VAULT, 5, line.index('"deposit"') + 2)
    assert 'RevVault!(@"deposit", @addr, @amount, ret)' in md
    assert "Deposits an amount." in md and "Finds or creates" not in md
    line = TRANSFER_TEXT.split("\n")[3]
    md = await _hover(client, TRANSFER, 3, line.index("RevVault") + 1)
    assert "Received from the registry as `rho:rchain:revVault`" in md
    assert '`RevVault!(@"findOrCreate", @revAddress, retCh)`' in md


async def test_outline_names_overloads_by_method(client: LanguageClient) -> None:
    res = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=VAULT))
    )
    assert res is not None
    names: list[str] = []
    stack = list(res)
    while stack:
        s = stack.pop()
        names.append(s.name)
        if isinstance(s, t.DocumentSymbol) and s.children:
            stack.extend(s.children)
    assert 'RevVault("findOrCreate")' in names and 'RevVault("deposit")' in names


async def test_method_string_completion_after_send(client: LanguageClient) -> None:
    uri = ROOT + "/methods.rho"
    text = (
        "new rl(`rho:registry:lookup`), RevVaultCh in {\n"
        "  rl!(`rho:rchain:revVault`, *RevVaultCh) |\n"
        "  for (@(_, RevVault) <- RevVaultCh) {\n"
        '    @RevVault!("")\n'
        "  }\n"
        "}\n"
    )
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="rholang", version=1, text=text)
        )
    )
    line = text.split("\n")[3]
    res = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=t.Position(line=3, character=line.index('("') + 2),
        )
    )
    assert res is not None
    items = res.items if isinstance(res, t.CompletionList) else res
    labels = [i.label for i in items]
    assert "findOrCreate" in labels and "deployerAuthKey" in labels
    item = next(i for i in items if i.label == "findOrCreate")
    assert item.kind == t.CompletionItemKind.Method
    assert item.detail == '@RevVault!(@"findOrCreate", @revAddress, retCh)'


async def test_definition_on_method_string(client: LanguageClient) -> None:
    uri = ROOT + "/api_def.rho"
    text = (
        "new api, ack in {\n"
        '  contract api(@"set", @key, @value, ack) = { Nil } |\n'
        '  contract api(@"get", @key, ret) = { Nil } |\n'
        '  api!("set", "k", 1, *ack)\n'
        "}\n"
    )
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="rholang", version=1, text=text)
        )
    )
    line = text.split("\n")[3]
    res = await client.text_document_definition_async(
        t.DefinitionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=t.Position(line=3, character=line.index('"set"') + 2),
        )
    )
    assert isinstance(res, list) and len(res) == 1
    loc = res[0]
    assert isinstance(loc, t.Location) and loc.uri == uri
    assert loc.range.start == t.Position(line=1, character=text.split("\n")[1].index("api"))


async def test_lookup_uri_completion_offers_shorthands_first(client: LanguageClient) -> None:
    uri = ROOT + "/lookup_uri.rho"
    text = "new rl(`rho:registry:lookup`), ch in {\n  rl!(`rho:`, *ch)\n}\n"
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="rholang", version=1, text=text)
        )
    )
    res = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=t.Position(line=1, character=len("  rl!(`rho:")),
        )
    )
    assert res is not None
    items = res.items if isinstance(res, t.CompletionList) else res
    ranked = sorted(items, key=lambda i: i.sort_text or "")
    assert ranked[0].label.startswith("rho:lang:")
    assert "rho:io:stdout" not in [i.label for i in ranked[:5]]
