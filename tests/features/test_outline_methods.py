"""documentSymbol names the overloads of the string-method idiom by their method
(issue 14), and a contract on a computed name gets a readable name."""

from __future__ import annotations

from rholang_lsp.features.symbols import DocSymbol, outline
from rholang_lsp.workspace.analysis import analyze

VAULT = """new RevVault, ownRevAddress, _revVault in {
  contract RevVault(@"init", ret) = { ret!(Nil) } |
  contract RevVault(@"findOrCreate", @revAddress, retCh) = { retCh!(revAddress) } |
  contract @{*ownRevAddress | bundle0{*_revVault}}(@"_deposit", depositPurse, retCh) = {
    retCh!(*depositPurse)
  } |
  contract plain(x) = { x!(1) }
}
"""


def _names(items: list[DocSymbol]) -> list[str]:
    out: list[str] = []
    for s in items:
        out.append(s.name)
        out.extend(_names(s.children))
    return out


def test_overloads_named_by_method() -> None:
    names = _names(outline(analyze("file:///w/RevVault.rho", VAULT).model))
    assert 'RevVault("init")' in names
    assert 'RevVault("findOrCreate")' in names
    assert "plain" in names  # no method string: the plain name
    computed = [n for n in names if n.endswith('("_deposit")')]
    assert computed and computed[0].startswith("@{*ownRevAddress | bundle0")
    assert "contract" not in names


SYSTEM = """new RevVault, rl(`rho:registry:lookup`), EitherCh, _newVault in {
  rl!(`rho:lang:either`, *EitherCh) |
  for (@(_, Either) <- EitherCh) {
    new vaultMapStore in {
      vaultMapStore!({}) |
      contract RevVault(@"findOrCreate", @revAddress, retCh) = {
        new revAddressValidCh, vaultCh in {
          for (@valid <- revAddressValidCh) {
            match valid {
              true => {
                new createVault in {
                  for (@(true, vault) <- vaultCh) { retCh!((true, vault)) }
                }
              }
              _ => retCh!((false, "bad address"))
            }
          }
        }
      } |
      for (@"createWithBalance", @amount, retCh <- RevVault) {
        new vaultCh in { for (@v <- vaultCh) { retCh!(v) } }
      } |
      contract _newVault(@(addr, purse), ret) = {
        new revVault in {
          contract revVault(@"balance", ret) = { for (@b <- purse) { ret!(b) } } |
          contract revVault(@"transfer", @target, @amount, authKey, ret) = {
            new ret2 in { for (@r <- ret2) { ret!(r) } }
          } |
          ret!(*revVault)
        }
      }
    }
  }
}
"""


def _walk(items: list[DocSymbol], depth: int = 0) -> list[tuple[int, DocSymbol]]:
    out: list[tuple[int, DocSymbol]] = []
    for s in items:
        out.append((depth, s))
        out.extend(_walk(s.children, depth + 1))
    return out


def test_outline_lists_declarations_not_statements() -> None:
    a = analyze("file:///w/RevVault.rho", SYSTEM)
    tree = outline(a.model, a.parse.tree)
    flat = _walk(tree)
    names = [s.name for _, s in flat]
    # no statement nodes, no binders of receive or match patterns
    assert not {"new", "for", "let", "match", "select"} & set(names)
    assert not {"Either", "valid", "vault", "b", "r", "addr", "purse"} & set(names)
    # top level: the file's `new` names and its state (declared before any contract)
    assert [s.name for s in tree] == [
        "RevVault",
        "rl",
        "EitherCh",
        "_newVault",
        "vaultMapStore",
        'RevVault("findOrCreate")',
        'RevVault("createWithBalance")',
        "_newVault",
    ]
    # a receive answering one method string is listed as the overload it is
    handler = next(s for s in tree if s.name == 'RevVault("createWithBalance")')
    assert handler.detail == 'for (@"createWithBalance", @amount, retCh <- RevVault)'
    assert [c.name for c in handler.children] == ["amount", "retCh", "vaultCh"]
    find = next(s for s in tree if s.name == 'RevVault("findOrCreate")')
    # plain formals, then the names its body declares before any receive
    assert [c.name for c in find.children] == [
        "revAddress",
        "retCh",
        "revAddressValidCh",
        "vaultCh",
    ]
    # the vault object's methods nest under the contract that makes them; the structured
    # formal `@(addr, purse)` is not split into binders
    newv = tree[-1]
    assert [c.name for c in newv.children] == [
        "ret",
        "revVault",
        'revVault("balance")',
        'revVault("transfer")',
    ]
    assert max(d for d, _ in flat) == 2


def test_outline_of_the_genesis_rev_vault_is_readable() -> None:
    from pathlib import Path

    import pytest

    path = (
        Path(__file__).resolve().parents[3]
        / "shared/corpus/rchain/casper/src/main/resources/RevVault.rho"
    )
    if not path.is_file():
        pytest.skip("corpus absent")
    a = analyze("file:///w/RevVault.rho", path.read_text())
    flat = _walk(outline(a.model, a.parse.tree))
    names = [s.name for _, s in flat]
    assert "for" not in names and "new" not in names
    assert max(d for d, _ in flat) <= 2
    contracts = [s.name for _, s in flat if s.kind == 12]
    for want in (
        'RevVault("findOrCreate")',
        'revVault("transfer")',
        '@(*RevVault, "securityCheck")',
        '@(*RevVault, "extractState")',  # a receive on an object's method channel
    ):
        assert want in contracts
    assert len(flat) <= 120  # 306 lines: 111 nodes; one per statement and binder was 203
