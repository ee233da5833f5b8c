"""The idioms of the system contracts end to end (issue 14): the real server over stdio,
driven by pytest-lsp, on a workspace folder on disk in the style of RChain's genesis.

- the outline of a system contract lists declarations, not statements;
- method-string completion writes the rest of the send as a snippet;
- definition on `@RevVault!("findOrCreate", …)` goes to the workspace's `RevVault.rho`, and
  on a contract the workspace lacks (`rho:rchain:makeMint`) to the read-only
  `rholang-registry:` document the client fetches with `workspace/textDocumentContent`;
- method completion after `.` puts the receiver's methods first;
- the vault `findOrCreate` returns is known: completion, signature help and hover on it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from rholang_lsp.syntax import parse

GENESIS = """// The REV vault, as the node's genesis defines it.
new RevVault, rl(`rho:registry:lookup`), EitherCh, _newVault in {
  rl!(`rho:lang:either`, *EitherCh) |
  for (@(_, Either) <- EitherCh) {
    new vaultMapStore in {
      vaultMapStore!({}) |
      contract RevVault(@"init", ret) = { ret!(Nil) } |
      contract RevVault(@"findOrCreate", @revAddress, retCh) = {
        new revAddressValidCh, vaultCh in {
          for (@valid <- revAddressValidCh) {
            match valid {
              true => {
                for (@(true, vault) <- vaultCh) { retCh!((true, vault)) }
              }
              _ => retCh!((false, "invalid address"))
            }
          }
        }
      } |
      for (@"createWithBalance", @amount, retCh <- RevVault) { retCh!((true, amount)) } |
      contract _newVault(@ownRevAddress, purse, ret) = {
        new revVault in {
          contract revVault(@"balance", ret) = { for (@b <- purse) { ret!(b) } } |
          contract revVault(@"transfer", @targetAddress, @amount, authKey, ret) = {
            new ret2 in { for (@r <- ret2) { ret!(r) } }
          } |
          ret!(*revVault)
        }
      }
    }
  }
}
"""

TRANSFER = """new rl(`rho:registry:lookup`), RevVaultCh, MakeMintCh, vaultCh, mintCh,
    deployerId(`rho:rchain:deployerId`), stdout(`rho:io:stdout`) in {
  rl!(`rho:rchain:revVault`, *RevVaultCh) |
  rl!(`rho:rchain:makeMint`, *MakeMintCh) |
  for (@(_, RevVault) <- RevVaultCh & @(_, MakeMint) <- MakeMintCh) {
    @RevVault!("findOrCreate", "1111from", *vaultCh) |
    @MakeMint!(*mintCh) |
    for (@(true, vault) <- vaultCh) {
      new resultCh in {
        @vault!("transfer", "1111to", 100, *deployerId, *resultCh) |
        stdout!({"sent": 100}.get("sent"))
      }
    }
  }
}
"""


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    (tmp_path / "genesis").mkdir()
    (tmp_path / "genesis" / "RevVault.rho").write_text(GENESIS, encoding="utf-8")
    (tmp_path / "transfer.rho").write_text(TRANSFER, encoding="utf-8")
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(
                workspace=t.WorkspaceClientCapabilities(
                    text_document_content=t.TextDocumentContentClientCapabilities()
                ),
                text_document=t.TextDocumentClientCapabilities(
                    completion=t.CompletionClientCapabilities(
                        completion_item=t.ClientCompletionItemOptions(
                            snippet_support=True,
                            documentation_format=[t.MarkupKind.Markdown, t.MarkupKind.PlainText],
                            tag_support=t.CompletionItemTagOptions(
                                value_set=[t.CompletionItemTag.Deprecated]
                            ),
                        )
                    ),
                    hover=t.HoverClientCapabilities(
                        content_format=[t.MarkupKind.Markdown, t.MarkupKind.PlainText]
                    ),
                    document_symbol=t.DocumentSymbolClientCapabilities(
                        hierarchical_document_symbol_support=True
                    ),
                ),
            ),
            workspace_folders=[t.WorkspaceFolder(uri=tmp_path.as_uri(), name="idioms")],
        )
    )
    await _indexed(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def _indexed(client: LanguageClient) -> None:
    """Wait (event-driven) for the server's "indexed N files" log message."""
    while not any("indexed" in m.message and "files" in m.message for m in client.log_messages):
        await client.wait_for_notification("window/logMessage")


def _uri(client: LanguageClient, rel: str) -> str:
    return (client.root / rel).as_uri()  # type: ignore[attr-defined]


def _open(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=uri, language_id="rholang", version=version, text=text
            )
        )
    )


def _pos(text: str, offset: int) -> t.Position:
    line = text.count("\n", 0, offset)
    return t.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


def _offset(text: str, pos: t.Position) -> int:
    lines = text.split("\n")
    return sum(len(ln) + 1 for ln in lines[: pos.line]) + pos.character


async def test_outline_of_a_system_contract(client: LanguageClient) -> None:
    uri = _uri(client, "genesis/RevVault.rho")
    _open(client, uri, GENESIS)
    res = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri))
    )
    assert res is not None
    tree: list[tuple[int, str]] = []

    def walk(items: list[t.DocumentSymbol], depth: int) -> None:
        for s in items:
            tree.append((depth, s.name))
            walk(s.children or [], depth + 1)

    walk(res, 0)  # type: ignore[arg-type]
    names = [n for _, n in tree]
    assert not {"new", "for", "match"} & set(names)
    assert not {"Either", "valid", "vault", "b", "r"} & set(names)  # receive/match binders
    top = [n for d, n in tree if d == 0]
    assert top == [
        "RevVault",
        "rl",
        "EitherCh",
        "_newVault",
        "vaultMapStore",
        'RevVault("init")',
        'RevVault("findOrCreate")',
        'RevVault("createWithBalance")',  # a receive answering a method string
        "_newVault",
    ]
    assert (1, 'revVault("transfer")') in tree and max(d for d, _ in tree) == 2


async def test_method_string_completion_inserts_the_rest_of_the_send(
    client: LanguageClient,
) -> None:
    uri = _uri(client, "complete.rho")
    # the editor auto-closed the quote and the parenthesis: `@RevVault!("|")`
    text = TRANSFER.replace('@RevVault!("findOrCreate", "1111from", *vaultCh)', '@RevVault!("")')
    _open(client, uri, text)
    at = text.index('@RevVault!("') + len('@RevVault!("')
    res = await client.text_document_completion_async(
        t.CompletionParams(text_document=t.TextDocumentIdentifier(uri=uri), position=_pos(text, at))
    )
    assert res is not None
    items = res.items if isinstance(res, t.CompletionList) else res
    item = next(i for i in items if i.label == "findOrCreate")
    assert item.insert_text_format == t.InsertTextFormat.Snippet
    edit = item.text_edit
    assert isinstance(edit, t.TextEdit)
    assert edit.new_text == 'findOrCreate", ${1:revAddress}, ${2:retCh})'
    start, end = _offset(text, edit.range.start), _offset(text, edit.range.end)
    body = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", edit.new_text)
    done = text[:start] + body + text[end:]
    assert '@RevVault!("findOrCreate", revAddress, retCh) |' in done
    assert not parse(done).diagnostics  # no doubled quote or parenthesis


async def test_definition_into_the_workspace_source(client: LanguageClient) -> None:
    uri = _uri(client, "transfer.rho")
    _open(client, uri, TRANSFER)
    genesis = _uri(client, "genesis/RevVault.rho")
    want = _pos(GENESIS, GENESIS.index('RevVault(@"findOrCreate"'))
    for needle, delta in (('"findOrCreate"', 2), ("RevVault!(", 1)):
        res = await client.text_document_definition_async(
            t.DefinitionParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                position=_pos(TRANSFER, TRANSFER.index(needle) + delta),
            )
        )
        assert isinstance(res, list) and len(res) == 1, needle
        loc = res[0]
        assert isinstance(loc, t.Location)
        assert (loc.uri, loc.range.start) == (genesis, want), needle
    # the vault `findOrCreate` returned: its method in the genesis file
    res = await client.text_document_definition_async(
        t.DefinitionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=_pos(TRANSFER, TRANSFER.index('"transfer"') + 2),
        )
    )
    assert isinstance(res, list) and isinstance(res[0], t.Location)
    assert res[0].range.start == _pos(GENESIS, GENESIS.index('revVault(@"transfer"'))


async def test_definition_into_the_registry_document(client: LanguageClient) -> None:
    uri = _uri(client, "transfer.rho")
    _open(client, uri, TRANSFER)
    res = await client.text_document_definition_async(
        t.DefinitionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=_pos(TRANSFER, TRANSFER.index("rho:rchain:makeMint") + 4),
        )
    )
    assert isinstance(res, list) and len(res) == 1 and isinstance(res[0], t.Location)
    loc = res[0]
    assert loc.uri == "rholang-registry:///rho/rchain/makeMint.rho"
    # what the client does with a scheme the server declared: fetch the text (LSP 3.18)
    content = await client.workspace_text_document_content_async(
        t.TextDocumentContentParams(uri=loc.uri)
    )
    text = content.text
    assert not parse(text).diagnostics
    line = text.split("\n")[loc.range.start.line]
    assert line[loc.range.start.character :].startswith("MakeMint(return)")
    assert 'contract thisMint(@"makePurse", @init, return)' in text
    assert 'contract thisPurse(@"split", @amount, return)' in text
    # the same text through the custom request (clients without LSP 3.18)
    custom = await client.protocol.send_request_async(
        "rholang/registryContract", {"uri": "rho:rchain:makeMint"}
    )
    assert custom.text == text and custom.name == "MakeMint"
    # an unknown document is refused, naming the field
    try:
        await client.workspace_text_document_content_async(
            t.TextDocumentContentParams(uri="rholang-registry:///rho/rchain/nothing.rho")
        )
    except Exception as err:  # noqa: BLE001 - pygls raises its own JsonRpc error type
        assert "$.uri" in str(err)
    else:  # pragma: no cover - the server must refuse
        raise AssertionError("an unknown registry document was served")


async def test_method_completion_by_receiver(client: LanguageClient) -> None:
    uri = _uri(client, "methods.rho")
    text = 'new out in { out!({"sent": 100}.) }'
    _open(client, uri, text)
    res = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=_pos(text, text.index("}.") + 2),
        )
    )
    assert res is not None
    items = sorted(
        res.items if isinstance(res, t.CompletionList) else res, key=lambda i: i.sort_text or ""
    )
    labels = [i.label for i in items]
    assert labels[:3] == ["get", "getOrElse", "set"]
    assert labels.index("nth") > labels.index("toMap")
    assert labels.index("toByteArray") > labels.index("keys")
    first = items[0]
    assert first.label_details is not None and first.label_details.description == "Map"
    # the other dialect's methods (the default target is F1R3FLY): last, struck through
    to_int = next(i for i in items if i.label == "toInt")
    assert list(to_int.tags or []) == [t.CompletionItemTag.Deprecated]
    assert to_int.label_details is not None and to_int.label_details.description == "RChain only"


async def test_the_vault_returned_by_find_or_create(client: LanguageClient) -> None:
    uri = _uri(client, "vault.rho")
    text = TRANSFER.replace('"transfer", "1111to", 100, *deployerId, *resultCh', '"transfer", ')
    _open(client, uri, text)
    at = text.index('"transfer", ') + len('"transfer", ')
    help_ = await client.text_document_signature_help_async(
        t.SignatureHelpParams(
            text_document=t.TextDocumentIdentifier(uri=uri), position=_pos(text, at)
        )
    )
    assert help_ is not None and help_.active_signature is not None
    active = help_.signatures[help_.active_signature]
    assert active.label == '@vault!(@"transfer", @targetAddress, @amount, authKey, ret)'
    assert help_.active_parameter == 1
    hover = await client.text_document_hover_async(
        t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=_pos(text, text.index("vault!(") + 1),
        )
    )
    assert hover is not None and isinstance(hover.contents, t.MarkupContent)
    assert 'then `"findOrCreate"`' in hover.contents.value
    assert 'revVault!(@"balance", ret)' in hover.contents.value
    # completion of its methods inside the method string
    text2 = text.replace('@vault!("transfer", ', '@vault!("")')
    _open(client, _uri(client, "vault2.rho"), text2)
    res = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=_uri(client, "vault2.rho")),
            position=_pos(text2, text2.index('@vault!("') + len('@vault!("')),
        )
    )
    assert res is not None
    items = res.items if isinstance(res, t.CompletionList) else res
    assert {i.label for i in items} == {"balance", "transfer", "setLog"}
