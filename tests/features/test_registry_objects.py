"""Values returned by registry contracts are followed one level further (issue 14): the
vault `findOrCreate` returns as `(true, vault)` answers `balance` / `transfer` / `setLog`;
MakeMint's mint makes purses. Code written the way RChain's genesis tests write it."""

from __future__ import annotations

from rholang_lsp.features.completion import complete
from rholang_lsp.features.hover import hover
from rholang_lsp.features.signature_help import signature_help
from rholang_lsp.semantics.registry_values import registry_value
from rholang_lsp.syntax import parse
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/transfer.rho"
TRANSFER = """new rl(`rho:registry:lookup`), RevVaultCh, vaultCh, deployerId(`rho:rchain:deployerId`), stdout(`rho:io:stdout`) in {
  rl!(`rho:rchain:revVault`, *RevVaultCh) |
  for (@(_, RevVault) <- RevVaultCh) {
    @RevVault!("findOrCreate", "1111fromAddr", *vaultCh) |
    for (@(true, vault) <- vaultCh; @eitherVault <- vaultCh) {
      new resultCh, authKeyCh in {
        @RevVault!("deployerAuthKey", *deployerId, *authKeyCh) |
        for (authKey <- authKeyCh) {
          @vault!(CURSOR) |
          for (@result <- resultCh) { stdout!(result) } |
          @eitherVault!("balance", *resultCh)
        }
      }
    }
  }
}
"""
MINT = """new rl(`rho:registry:lookup`), MakeMintCh, mintCh, purseCh in {
  rl!(`rho:rchain:makeMint`, *MakeMintCh) |
  for (@(_, MakeMint) <- MakeMintCh) {
    @MakeMint!(*mintCh) |
    for (@mint <- mintCh) {
      @mint!("makePurse", 100, *purseCh) |
      for (@purse <- purseCh) { @purse!(CURSOR) }
    }
  }
}
"""


def _at(src: str) -> tuple[str, int, Snapshot]:
    offset = src.index("CURSOR")
    text = src.replace("CURSOR", "")
    return text, offset, Snapshot({URI: SimpleDocument(URI, text)})


def test_the_vault_returned_by_find_or_create() -> None:
    text, _, _ = _at(TRANSFER)
    p = parse(text)
    v = registry_value(p, p.tree.token_at(text.index("vault!(")))  # type: ignore[arg-type]
    assert v is not None and v.contract.methods() == ["balance", "transfer", "setLog"]
    assert v.uri == "rho:rchain:revVault" and v.path == ("findOrCreate",)
    # the Either itself (`@eitherVault`) is not the vault
    assert registry_value(p, p.tree.token_at(text.index("eitherVault!("))) is None  # type: ignore[arg-type]


def test_signature_help_on_the_vault() -> None:
    src = TRANSFER.replace("CURSOR", '"transfer", "1111toAddr", CURSOR')
    text, offset, snap = _at(src)
    res = signature_help(snap, URI, offset)
    assert res is not None
    active = res.signatures[res.active_signature]
    assert active.label == '@vault!(@"transfer", @targetAddress, @amount, authKey, ret)'
    assert res.active_parameter == 2
    assert "Returned by `rho:rchain:revVault`" in (active.documentation or "")


def test_completion_of_the_vault_methods() -> None:
    text, offset, snap = _at(TRANSFER.replace("CURSOR", '"CURSOR"'))
    res = complete(snap, URI, offset)
    assert {i.label for i in res.items} == {"balance", "transfer", "setLog"}
    item = next(i for i in res.items if i.label == "transfer")
    assert item.insert_text == 'transfer", ${1:targetAddress}, ${2:amount}, ${3:authKey}, ${4:ret})'


def test_hover_on_the_vault() -> None:
    text, _, snap = _at(TRANSFER)
    h = hover(snap, URI, text.index("vault!(") + 1)
    assert h is not None
    assert 'Returned by `rho:rchain:revVault` then `"findOrCreate"`' in h.markdown
    assert '`revVault!(@"transfer", @targetAddress, @amount, authKey, ret)`' in h.markdown


def test_mint_and_purse() -> None:
    text, offset, snap = _at(MINT.replace("CURSOR", '"CURSOR"'))
    res = complete(snap, URI, offset)
    assert {i.label for i in res.items} == {"getBalance", "sprout", "split", "deposit"}
    text, offset, snap = _at(MINT.replace("CURSOR", '"split", CURSOR'))
    res = signature_help(snap, URI, offset)
    assert res is not None
    assert res.signatures[res.active_signature].label == '@purse!(@"split", @amount, return)'


MULTI_SIG = """new rl(`rho:registry:lookup`), MultiSigCh, createCh, nnCh, numberCh in {
  rl!(`rho:rchain:multiSigRevVault`, *MultiSigCh) |
  for (@(_, MultiSigRevVault) <- MultiSigCh) {
    @MultiSigRevVault!("create", ["04ab"], [], 1, *createCh) |
    for (@(true, (multiSig, revAddress, revVault)) <- createCh) {
      @multiSig!(CURSOR) | @revVault!("balance", *createCh)
    }
  } |
  rl!(`rho:lang:nonNegativeNumber`, *nnCh) |
  for (@(_, NonNegativeNumber) <- nnCh) {
    @NonNegativeNumber!(100, *numberCh) |
    for (@number <- numberCh) { @number!("sub", 5, *numberCh) }
  }
}
"""


def test_multi_sig_create_returns_a_tuple_of_objects() -> None:
    text, offset, snap = _at(MULTI_SIG.replace("CURSOR", '"CURSOR"'))
    res = complete(snap, URI, offset)
    assert {i.label for i in res.items} == {"balance", "transfer", "confirm"}
    p = parse(text)
    vault = registry_value(p, p.tree.token_at(text.index("revVault!(")))  # type: ignore[arg-type]
    assert vault is not None and vault.contract.methods() == ["balance", "transfer", "setLog"]
    # the address in the middle of the tuple is no object
    assert registry_value(p, p.tree.token_at(text.index("revAddress,"))) is None  # type: ignore[arg-type]
    text, offset, snap = _at(MULTI_SIG.replace("CURSOR", '"confirm", "1111to", 5, CURSOR'))
    res_h = signature_help(snap, URI, offset)
    assert res_h is not None
    active = res_h.signatures[res_h.active_signature]
    assert active.label == '@multiSig!(@"confirm", @targetRevAddress, @amount, @auth, @nonce, ret)'


def test_non_negative_number_object() -> None:
    text, _, snap = _at(MULTI_SIG.replace("CURSOR", '"balance", *createCh') + "CURSOR")
    h = hover(snap, URI, text.index("number!(") + 1)
    assert h is not None and '`this!(@"sub", @x, success)`' in h.markdown


def test_f1r3fly_pos_initial_vault_in_a_plain_tuple() -> None:
    src = """new rl(`rho:registry:lookup`), posCh, vaultCh in {
  rl!(`rho:system:pos`, *posCh) |
  for (@(_, PoS) <- posCh) {
    @PoS!("getInitialPosVault", *vaultCh) |
    for (@(posVaultAddr, posVault) <- vaultCh) { @posVault!("CURSOR") }
  }
}
"""
    text, offset, snap = _at(src)
    assert {i.label for i in complete(snap, URI, offset).items} == {"balance", "transfer", "setLog"}
    p = parse(text)
    addr = p.tree.token_at(text.index("posVaultAddr"))
    assert registry_value(p, addr) is None  # type: ignore[arg-type]
