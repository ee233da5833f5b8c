"""Formatting end to end (issue 14): the real server over stdio, driven by pytest-lsp.

A document in the style of the RChain rhoSpec tests (RevVaultTest.rho) is formatted
with the line width configured the ways a client does it (``initializationOptions``,
``workspace/didChangeConfiguration`` nested and dotted); the client applies the edits
it receives and checks the text it ends with: the argument after a hugged multi-line
list, the continuation binds of a join and names of a ``new`` line up, long lines are
wrapped at the width, and formatting the result again gives no edit."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from rholang_lsp.syntax.line_index import LineIndex

ROOT = "file:///tmp/e2e-formatting"
SPEC = ROOT + "/RevVaultTransferTest.rho"
SPEC_TEXT = """\
// RevVault test in the rhoSpec style
new rl(`rho:registry:lookup`), RhoSpecCh, RevVaultCh,
  setup, testTransfer in {
  rl!(`rho:id:zphjgsfy13h1k85isc8rtwtgt3t9zzt5pjd5ihykfmyapfc4wt3x5h`, *RhoSpecCh) |
  contract testTransfer(rhoSpec, RevVault, ackCh) = {
    new aliceVaultCh, bobVaultCh, ret in {
      for (@(true, aliceVault) <- aliceVaultCh &
        @(true, bobVault) <- bobVaultCh) {
        @aliceVault!("transfer", "1111pdZDG4MZ3eBfaipaD22VXmbFY6PW9", 1000, *ret) |
        rhoSpec!("assertMany", [
          ((true, "== <-", *ret), "transfer successful")
        ],
            *ackCh)
      }
    }
  }
}
"""
#: at the default width (100): only the alignment and the over-indented `*ackCh` change
AT_100 = """\
// RevVault test in the rhoSpec style
new rl(`rho:registry:lookup`), RhoSpecCh, RevVaultCh,
    setup, testTransfer in {
  rl!(`rho:id:zphjgsfy13h1k85isc8rtwtgt3t9zzt5pjd5ihykfmyapfc4wt3x5h`, *RhoSpecCh) |
  contract testTransfer(rhoSpec, RevVault, ackCh) = {
    new aliceVaultCh, bobVaultCh, ret in {
      for (@(true, aliceVault) <- aliceVaultCh &
           @(true, bobVault) <- bobVaultCh) {
        @aliceVault!("transfer", "1111pdZDG4MZ3eBfaipaD22VXmbFY6PW9", 1000, *ret) |
        rhoSpec!("assertMany", [
          ((true, "== <-", *ret), "transfer successful")
        ],
        *ackCh)
      }
    }
  }
}
"""
#: at 60 the transfer wraps after its method string (the last comma that fits); the
#: registry lookup has no break point within 60 columns: it wraps at its first one
AT_60 = AT_100.replace(
    '        @aliceVault!("transfer", "1111pdZDG4MZ3eBfaipaD22VXmbFY6PW9", 1000, *ret) |\n',
    '        @aliceVault!("transfer",\n'
    '          "1111pdZDG4MZ3eBfaipaD22VXmbFY6PW9", 1000, *ret) |\n',
).replace("c4wt3x5h`, *RhoSpecCh) |\n", "c4wt3x5h`,\n    *RhoSpecCh) |\n")
OPTIONS = t.FormattingOptions(tab_size=2, insert_spaces=True)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    )
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            workspace_folders=[t.WorkspaceFolder(uri=ROOT, name="formatting")],
            initialization_options={"rholang": {"format": {"maxLineLength": 60}}},
        )
    )
    lsp_client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=SPEC, language_id="rholang", version=1, text=SPEC_TEXT
            )
        )
    )
    yield
    await lsp_client.shutdown_session()


def apply(text: str, edits: list[t.TextEdit]) -> str:
    """Apply the server's edits as an editor does (UTF-16 positions, end first)."""
    index = LineIndex(text)

    def offset(p: t.Position) -> int:
        return index.offset(p.line, p.character)

    spans = sorted(
        ((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True
    )
    for start, end, new in spans:
        assert text[start:end].strip() == "" and new.strip() == "", "not whitespace only"
        text = text[:start] + new + text[end:]
    return text


async def format_doc(client: LanguageClient, uri: str = SPEC) -> list[t.TextEdit]:
    edits = await client.text_document_formatting_async(
        t.DocumentFormattingParams(text_document=t.TextDocumentIdentifier(uri=uri), options=OPTIONS)
    )
    assert edits is not None
    return edits


async def change(client: LanguageClient, text: str, version: int) -> None:
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=SPEC, version=version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def test_width_from_initialization_options_then_idempotent(client: LanguageClient) -> None:
    edits = await format_doc(client)
    out = apply(SPEC_TEXT, edits)
    assert out == AT_60
    # the editor applies them; formatting the new version proposes nothing
    await change(client, out, 2)
    assert list(await format_doc(client)) == []


async def test_width_from_did_change_configuration(client: LanguageClient) -> None:
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(settings={"rholang": {"format": {"maxLineLength": 0}}})
    )
    edits = await format_doc(client)  # answered after the notification (one connection)
    no_wrap = apply(SPEC_TEXT, edits)
    assert no_wrap == AT_100  # nothing here is wrapped at 100 either
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(settings={"rholang.format.maxLineLength": 40})
    )
    out = apply(SPEC_TEXT, await format_doc(client))
    assert out != AT_60
    # every line that has a break point within 40 columns fits
    for line in out.splitlines():
        assert len(line) <= 40 or "`rho:" in line or '"1111' in line, line
    # a setting out of range is ignored like a missing one: the default width (100)
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(settings={"rholang": {"format": {"maxLineLength": -5}}})
    )
    assert apply(SPEC_TEXT, await format_doc(client)) == AT_100


async def test_range_formatting_wraps_only_the_range(client: LanguageClient) -> None:
    line = SPEC_TEXT.splitlines().index(
        '        @aliceVault!("transfer", "1111pdZDG4MZ3eBfaipaD22VXmbFY6PW9", 1000, *ret) |'
    )
    edits = await client.text_document_range_formatting_async(
        t.DocumentRangeFormattingParams(
            text_document=t.TextDocumentIdentifier(uri=SPEC),
            range=t.Range(start=t.Position(line=line, character=0), end=t.Position(line, 80)),
            options=OPTIONS,
        )
    )
    assert edits is not None
    out = apply(SPEC_TEXT, edits)
    assert '        @aliceVault!("transfer",\n          "1111pdZDG4MZ' in out
    # outside the range nothing changed: the join and `*ackCh` keep their input indent
    assert "\n        @(true, bobVault) <- bobVaultCh) {\n" in out
    assert "\n            *ackCh)\n" in out
