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
