"""Follow a value out of the registry: which system contract (or object it returned) a
received name holds.

``rl!(`rho:rchain:revVault`, *revVaultCh) | for (@(_, revVault) <- revVaultCh) { … }``:
``revVault`` is whatever the registry sends on ``revVaultCh`` for that URI (the
``(_, x)`` or plain ``x`` pattern of the receive). One level further,
``@revVault!("findOrCreate", addr, *vaultCh) | for (@(true, vault) <- vaultCh)``: ``vault``
is the vault object `findOrCreate` returns (``registry_contracts.Returned``), with its own
methods. Read from the parse tree with the local scope query, without binding the file:
the binder's receive, its channel's declaration, and the sends that pass that channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from rholang_lsp.semantics.patterns import ground_text
from rholang_lsp.semantics.registry_contracts import (
    EITHER,
    RegistryContract,
    registry_contract,
)
from rholang_lsp.semantics.scope_at import resolve_name_at
from rholang_lsp.syntax import Node, ParseResult, Token, ast
from rholang_lsp.syntax.kinds import K

LOOKUP_URI = "rho:registry:lookup"
_MAX_DEPTH = 4  # lookup -> contract -> returned object -> its returned object


@dataclass(frozen=True, slots=True)
class RegistryValue:
    uri: str  # the lookup URI the chain starts from
    contract: RegistryContract  # what the name holds
    path: tuple[str, ...] = ()  # the methods whose results led here (`("findOrCreate",)`)

    @property
    def origin(self) -> str:
        """How the value was obtained, for hover: `rho:rchain:revVault` / its `findOrCreate`."""
        if not self.path:
            return f"`{self.uri}`"
        calls = " then ".join(f'`"{m}"`' if m else "its call" for m in self.path)
        return f"`{self.uri}` then {calls}"


def _ident_in(node: Node) -> Token | None:
    for el in node.walk_elements():
        if isinstance(el, Token) and el.kind == K.IDENT:
            return el
    return None


def _bind_of(parsed: ParseResult, start: int) -> Node | None:
    tok = parsed.tree.token_at(start)
    node = tok.parent if tok is not None else None
    while node is not None and node.kind != K.BIND:
        if node.kind in (K.CONTRACT, K.NEW):
            return None
        node = node.parent
    return node


Shape = tuple[str, str | None, int | None]


def _pair_first(tup: Node, second: Node) -> str | None | bool:
    """The ground text of the first element of the pair ``tup`` whose second element is
    ``second`` (`_` for a wildcard); False when ``tup`` is no such pair."""
    elems = ast.nodes(tup)
    if len(elems) != 2 or elems[1] is not second:
        return False
    first = elems[0]
    return "_" if first.kind == K.WILDCARD else ground_text(first)


def _shapes(parsed: ParseResult, binder_start: int) -> list[Shape]:
    """How the binder sits in its receive pattern: ("whole", None, None) for `x` / `@x`;
    ("pair", first, None) for `@(first, x)` (first: the ground text of the first element);
    ("pair", first, i) for element i of the tuple in `@(first, (a, b, x))`; ("tuple", None, i)
    for element i of a tuple pattern `@(a, x)`. A pattern may have several readings."""
    tok = parsed.tree.token_at(binder_start)
    var = tok.parent if tok is not None else None
    up = var.parent if var is not None else None
    if var is None or up is None:
        return []
    if up.kind == K.NAME or (up.kind == K.QUOTE and up.parent is not None):
        return [("whole", None, None)]
    if up.kind != K.TUPLE:
        return []
    out: list[Shape] = []
    if up.parent is not None and up.parent.kind == K.QUOTE:
        out.append(("tuple", None, ast.nodes(up).index(var)))
    first = _pair_first(up, var)
    if first is not False:
        out.append(("pair", first if isinstance(first, str) else None, None))
    outer = up.parent
    if outer is not None and outer.kind == K.TUPLE:
        first = _pair_first(outer, up)
        if first is not False:
            index = ast.nodes(up).index(var)
            out.append(("pair", first if isinstance(first, str) else None, index))
    return out


def _passed_ident(arg: Node) -> Token | None:
    """The channel a send passes as its reply argument: `*ch` or `ch`."""
    return _ident_in(arg)


def registry_value(parsed: ParseResult, ident: Token, _depth: int = 0) -> RegistryValue | None:
    """What the name ``ident`` holds when it was received from the registry, or from a
    method of such a contract that returns an object (None when not known)."""
    if _depth >= _MAX_DEPTH:
        return None
    binder = resolve_name_at(parsed, ident)
    if binder is None:
        return None
    bind = _bind_of(parsed, binder.start)
    if bind is None:
        return None
    shapes = _shapes(parsed, binder.start)
    sources = ast.Bind(bind).sources
    if not shapes or not sources:
        return None
    ch_ident = _ident_in(ast.source_channel(sources[0]))
    ch = resolve_name_at(parsed, ch_ident) if ch_ident is not None else None
    if ch is None:
        return None
    for node in parsed.tree.walk():
        send = ast.Send.cast(node)
        if send is None:
            continue
        chan = send.channel
        args = send.written_args
        if chan is None or not args:
            continue
        passed = _passed_ident(args[-1])
        if passed is None or passed.text != ch.name:
            continue
        target = resolve_name_at(parsed, passed)
        if target is None or target.start != ch.start:
            continue
        chan_ident = _ident_in(chan)
        if chan_ident is None:
            continue
        first = args[0].first_token()
        if len(args) == 2 and first is not None and first.kind == K.URI:
            rl = resolve_name_at(parsed, chan_ident)
            if rl is None or rl.uri != LOOKUP_URI:
                continue
            # the registry sends `(nonce, contract)`: `(_, x)`, or a plain `x`
            uri = first.text.strip("`")
            rc = registry_contract(uri)
            return RegistryValue(uri, rc) if rc is not None else None
        owner = registry_value(parsed, chan_ident, _depth + 1)
        if owner is None:
            continue
        method = ""
        lit = ground_text(args[0]) if len(args) > 1 else None
        if lit is not None and lit.startswith('"'):
            method = lit[1:-1]
        for ret in owner.contract.returned(method):
            if ret.shape == EITHER:
                # `@(true, vault)`; `@eitherVault` holds the Either, not the vault
                wanted: Shape = ("pair", "true", ret.index)
            else:
                wanted = ("whole", None, None) if ret.index is None else ("tuple", None, ret.index)
            if wanted in shapes:
                return RegistryValue(owner.uri, ret.object, (*owner.path, method))
    return None


def looked_up_uri(parsed: ParseResult, ident: Token) -> str | None:
    """The registry URI whose contract the name ``ident`` was received as, if any."""
    v = registry_value(parsed, ident)
    return v.uri if v is not None and not v.path else None
