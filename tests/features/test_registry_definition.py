"""Definition on a registry contract (issue 14): on `@revVault!("findOrCreate", …)` (its
channel or its method string) and on the lookup URI, the contract's overload in the
workspace when a file there defines it, else its place in the read-only registry
document (when the client can open it)."""

from __future__ import annotations

from rholang_lsp.features.definition import declaration, definition
from rholang_lsp.features.registry_document import (
    document_uri,
    lookup_uri_of,
    registry_document,
)
from rholang_lsp.semantics.registry_contracts import REGISTRY_CONTRACTS
from rholang_lsp.syntax import parse
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/transfer.rho"
TRANSFER = """new rl(`rho:registry:lookup`), RevVaultCh, vaultCh in {
  rl!(`rho:rchain:revVault`, *RevVaultCh) |
  for (@(_, RevVault) <- RevVaultCh) {
    @RevVault!("findOrCreate", "1111addr", *vaultCh) |
    for (@(true, vault) <- vaultCh) {
      @vault!("balance", *vaultCh)
    }
  }
}
"""
VAULT_URI = "file:///w/genesis/RevVault.rho"
VAULT = """new RevVault, _newVault in {
  contract RevVault(@"init", ret) = { ret!(Nil) } |
  contract RevVault(@"findOrCreate", @revAddress, retCh) = { retCh!((true, Nil)) } |
  contract _newVault(ret) = {
    new revVault in {
      contract revVault(@"balance", ret) = { ret!(0) } |
      ret!(*revVault)
    }
  }
}
"""


def _snap(with_source: bool) -> Snapshot:
    docs = {URI: SimpleDocument(URI, TRANSFER)}
    if with_source:
        docs[VAULT_URI] = SimpleDocument(VAULT_URI, VAULT)
    return Snapshot(docs)


def test_registry_documents_are_valid_rholang_and_name_their_lookup_uri() -> None:
    for key in REGISTRY_CONTRACTS:
        doc = registry_document(key)
        assert doc is not None and doc.uri == document_uri(key)
        assert lookup_uri_of(doc.uri) == key and registry_document(doc.uri) == doc
        assert not parse(doc.text).diagnostics, key
        for m in doc.methods:
            assert doc.text[m.start : m.end] == m.contract
    assert lookup_uri_of("rholang-registry:///rho/rchain/nothing.rho") is None
    doc = registry_document("rho:rchain:revVault")
    assert doc is not None and doc.uri == "rholang-registry:///rho/rchain/revVault.rho"
    assert 'contract revVault(@"transfer", @targetAddress, @amount, authKey, ret)' in doc.text


def test_definition_goes_to_the_workspace_source() -> None:
    snap = _snap(with_source=True)
    want = VAULT.index('RevVault(@"findOrCreate"')
    for needle in ('"findOrCreate"', "RevVault!("):
        locs = definition(snap, URI, TRANSFER.index(needle) + 1)
        assert [(loc.uri, loc.start) for loc in locs] == [(VAULT_URI, want)], needle
    # the lookup URI: every overload of the contract
    locs = definition(snap, URI, TRANSFER.index("rho:rchain:revVault"))
    assert [loc.start for loc in locs] == [
        VAULT.index('RevVault(@"init"'),
        VAULT.index('RevVault(@"findOrCreate"'),
    ]
    # the vault `findOrCreate` returned: the object's method in the genesis source
    locs = definition(snap, URI, TRANSFER.index('"balance"') + 1)
    assert [(loc.uri, loc.start) for loc in locs] == [
        (VAULT_URI, VAULT.index('revVault(@"balance"'))
    ]
    # declaration stays the receive's binder
    (decl,) = declaration(snap, URI, TRANSFER.index("RevVault!("))
    assert decl.uri == URI and decl.start == TRANSFER.index("RevVault)")


def test_definition_without_the_source_opens_the_registry_document() -> None:
    snap = _snap(with_source=False)
    at = TRANSFER.index('"findOrCreate"') + 1
    assert definition(snap, URI, at) == []  # the client cannot open the description
    (loc,) = definition(snap, URI, at, registry_documents=True)
    doc = registry_document("rho:rchain:revVault")
    assert doc is not None and loc.uri == doc.uri
    assert doc.text[loc.start :].startswith('RevVault(@"findOrCreate", @revAddress, retCh)')
    (loc,) = definition(snap, URI, TRANSFER.index('"balance"') + 1, registry_documents=True)
    assert doc.text[loc.start :].startswith('revVault(@"balance", ret)')
    (loc,) = definition(snap, URI, TRANSFER.index("rho:rchain:revVault"), registry_documents=True)
    assert doc.text[loc.start :].startswith('RevVault(@"findOrCreate"')
