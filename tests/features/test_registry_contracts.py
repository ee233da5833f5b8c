"""Registry contracts (issue 14): the facts, following a looked-up value, and signature
help on `@revVault!(` in code written the way RChain's genesis and tests write it."""

from __future__ import annotations

from rholang_lsp.features.completion import complete
from rholang_lsp.features.definition import definition
from rholang_lsp.features.hover import hover
from rholang_lsp.features.signature_help import signature_help
from rholang_lsp.semantics.registry_contracts import REGISTRY_CONTRACTS, registry_contract
from rholang_lsp.semantics.registry_values import looked_up_uri
from rholang_lsp.semantics.system_channels import Kind, lookup
from rholang_lsp.syntax import parse
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/transfer.rho"
TRANSFER = """new rl(`rho:registry:lookup`), RevVaultCh, vaultCh, stdout(`rho:io:stdout`) in {
  rl!(`rho:rchain:revVault`, *RevVaultCh) |
  for (@(_, RevVault) <- RevVaultCh) {
    @RevVault!("findOrCreate", CURSOR
  }
}
"""


def test_every_contract_uri_is_a_registry_shorthand() -> None:
    for uri, rc in REGISTRY_CONTRACTS.items():
        ch = lookup(uri)
        assert ch is not None and ch.kind is Kind.SHORTHAND, uri
        assert rc.overloads
    assert "findOrCreate" in registry_contract("rho:rchain:revVault").methods()  # type: ignore[union-attr]
    assert registry_contract("rho:lang:either").methods()[0] == "fromNillable"  # type: ignore[union-attr]


def _ident(src: str, needle: str, nth: int = -1):  # type: ignore[no-untyped-def]
    p = parse(src)
    starts = [i for i in range(len(src)) if src.startswith(needle, i)]
    tok = p.tree.token_at(starts[nth])
    assert tok is not None and tok.text == needle
    return p, tok


def test_follow_the_value_tuple_and_plain_patterns() -> None:
    src = TRANSFER.replace("CURSOR", ")")
    p, tok = _ident(src, "RevVault")
    assert looked_up_uri(p, tok) == "rho:rchain:revVault"
    plain = (
        "new lookup(`rho:registry:lookup`), ch in {\n"
        "  lookup!(`rho:lang:listOps`, *ch) |\n"
        '  for (ListOps <- ch) { ListOps!("reverse", [1, 2], *ch) }\n'
        "}\n"
    )
    p, tok = _ident(plain, "ListOps")
    assert looked_up_uri(p, tok) == "rho:lang:listOps"
    # a channel that is not the registry's: nothing is known
    other = plain.replace("lookup(`rho:registry:lookup`)", "lookup")
    p, tok = _ident(other, "ListOps")
    assert looked_up_uri(p, tok) is None


def test_signature_help_on_a_looked_up_contract() -> None:
    offset = TRANSFER.index("CURSOR")
    text = TRANSFER.replace("CURSOR", "")
    res = signature_help(Snapshot({URI: SimpleDocument(URI, text)}), URI, offset)
    assert res is not None
    active = res.signatures[res.active_signature]
    assert active.label == '@RevVault!(@"findOrCreate", @revAddress, retCh)'
    assert res.active_parameter == 1
    assert active.documentation is not None and "rho:rchain:revVault" in active.documentation
    assert len(res.signatures) == len(REGISTRY_CONTRACTS["rho:rchain:revVault"].overloads)


HOVER = """new rl(`rho:registry:lookup`), RevVaultCh, api in {
  rl!(`rho:rchain:revVault`, *RevVaultCh) |
  for (@(_, RevVault) <- RevVaultCh) {
    @RevVault!("findOrCreate", "1111", *RevVaultCh)
  } |
  /// Stores a value.
  contract api(@"set", @key, @value, ack) = { Nil } |
  /// Reads a value.
  contract api(@"get", @key, ret) = { Nil } |
  api!("set", 1, 2, *RevVaultCh)
}
"""


def _hover(needle: str, k: int = 1) -> str:
    snap = Snapshot({URI: SimpleDocument(URI, HOVER)})
    h = hover(snap, URI, HOVER.index(needle) + k)
    assert h is not None
    return h.markdown


def test_hover_on_a_method_string_shows_its_overload() -> None:
    md = _hover('"set", 1')
    assert 'api!(@"set", @key, @value, ack)' in md and "Stores a value." in md
    assert "Reads a value." not in md
    md = _hover('"findOrCreate"')
    assert '@RevVault!(@"findOrCreate", @revAddress, retCh)' in md


def test_hover_on_a_looked_up_name_and_on_the_uri() -> None:
    md = _hover("RevVault!(")
    assert "Received from the registry as `rho:rchain:revVault`" in md
    assert '`RevVault!(@"findOrCreate", @revAddress, retCh)`' in md
    md = _hover("rho:rchain:revVault")
    assert "look it up with `rho:registry:lookup`" in md
    assert '`RevVault!(@"deployerAuthKey", deployerId, ret)`' in md


def _complete(src: str):  # type: ignore[no-untyped-def]
    offset = src.index("CURSOR")
    text = src.replace("CURSOR", "")
    return complete(Snapshot({URI: SimpleDocument(URI, text)}), URI, offset)


def test_method_string_completion() -> None:
    api = (
        "new api in {\n"
        '  contract api(@"set", @key, @value, ack) = { Nil } |\n'
        '  contract api(@"get", @key, ret) = { Nil } |\n'
        '  api!("CURSOR")\n'
        "}\n"
    )
    res = _complete(api)
    assert [i.label for i in res.items] == ["get", "set"]
    set_item = res.items[1]
    assert set_item.detail == 'api!(@"set", @key, @value, ack)'
    assert set_item.label_detail == "(@key, @value, ack)"
    # inside a looked-up contract's method string: its methods, filtered by the typed prefix
    res = _complete(TRANSFER.replace('"findOrCreate", CURSOR', '"fiCURSOR"'))
    assert [i.label for i in res.items] == ["findOrCreate"]
    text = TRANSFER.replace('"findOrCreate", CURSOR', '"fi"')
    # with snippets the item writes the closing quote itself: the range takes the old one
    assert text[res.replace_start : res.replace_end] == 'fi"'
    # a string that is not the first argument: no method list
    assert not _complete(api.replace('api!("CURSOR")', 'api!("set", "CURSOR")')).items


def test_definition_on_a_method_string_goes_to_its_overload() -> None:
    lib_uri = "file:///w/Vault.rho"
    lib = 'contract @"Vault"(@"find", @x) = { Nil } | contract @"Vault"(@"make", @x) = { Nil }'
    src = (
        "new api in {\n"
        '  contract api(@"set", @key, @value, ack) = { Nil } |\n'
        '  contract api(@"get", @key, ret) = { Nil } |\n'
        '  api!("get", 1, *api) |\n'
        '  @"Vault"!("make", 1)\n'
        "}\n"
    )
    snap = Snapshot({URI: SimpleDocument(URI, src), lib_uri: SimpleDocument(lib_uri, lib)})
    locs = definition(snap, URI, src.index('"get", 1') + 1)
    assert [(loc.uri, loc.start) for loc in locs] == [(URI, src.index('api(@"get"'))]
    locs = definition(snap, URI, src.index('"make"') + 1)
    assert [(loc.uri, loc.start) for loc in locs] == [(lib_uri, lib.index('Vault"(@"make"'))]


def test_lookup_uris_first_inside_a_lookup() -> None:
    res = _complete("new rl(`rho:registry:lookup`), ch in { rl!(`rho:CURSOR`, *ch) }")
    top = [i.label for i in res.items[:6]]
    assert all(lookup(u) is not None and lookup(u).kind is Kind.SHORTHAND for u in top), top  # type: ignore[union-attr]
    # elsewhere the system channels lead
    res = _complete("new x in { x!(`rho:CURSOR`) }")
    assert res.items[0].label == "rho:io:stdout"
