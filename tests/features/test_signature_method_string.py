"""Signature help on the string-method idiom (issue 14): the method literal picks the
overload, whatever the number of arguments typed so far."""

from __future__ import annotations

from rholang_lsp.features.signature_help import signature_help
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/RevVault.rho"
LIB = "file:///w/Api.rho"

VAULT = """new RevVault, ack in {
  contract RevVault(@"findOrCreate", @addr, ret) = { ret!(addr) } |
  contract RevVault(@"deposit", @addr, @amount, ret) = { ret!(amount) } |
  contract RevVault(@"transfer", @from, @to, @amount, @key, ret) = { ret!(true) } |
  RevVault!("deposit", CURSOR
}
"""


def _help(text: str, extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    offset = text.index("CURSOR")
    text = text.replace("CURSOR", "")
    docs = {URI: SimpleDocument(URI, text)}
    for u, t in (extra or {}).items():
        docs[u] = SimpleDocument(u, t)
    res = signature_help(Snapshot(docs), URI, offset)
    assert res is not None
    return res


def test_method_literal_picks_the_overload() -> None:
    res = _help(VAULT)
    active = res.signatures[res.active_signature]
    assert active.label == 'RevVault!(@"deposit", @addr, @amount, ret)'
    assert res.active_parameter == 1
    # by count alone the 3-formal `findOrCreate` would have been chosen
    res = _help(VAULT.replace('"deposit", CURSOR', '"transfer", CURSOR'))
    assert res.signatures[res.active_signature].label.startswith('RevVault!(@"transfer"')


def test_without_a_literal_the_count_decides() -> None:
    res = _help(VAULT.replace('"deposit", CURSOR', "x, y, z, CURSOR"))
    assert res.signatures[res.active_signature].label.startswith('RevVault!(@"deposit"')


def test_method_literal_on_a_contract_of_another_file() -> None:
    lib = (
        'contract @"api"(@"get", @key, ret) = { Nil } |\n'
        'contract @"api"(@"set", @key, @value, ack) = { Nil }\n'
    )
    res = _help('@"api"!("set", CURSOR', {LIB: lib})
    assert res.signatures[res.active_signature].label == '@"api"!(@"set", @key, @value, ack)'
    res = _help('@"api"!("get", CURSOR', {LIB: lib})
    assert res.signatures[res.active_signature].label == '@"api"!(@"get", @key, ret)'
