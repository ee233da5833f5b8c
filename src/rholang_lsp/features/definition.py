"""textDocument/definition and textDocument/declaration.

Conventions (RHOLANG_SYNTAX.md 4.3): for a channel bound by `new` and
implemented by a `contract`, the declaration is the `new` binder and the
definition is the contract's name; a contract on a quoted name is its own
declaration. Overloads are chosen by arity and literal patterns; when none
matches, every candidate is returned.
"""

from __future__ import annotations

from rholang_lsp.features.completion.items import formals_from_signature
from rholang_lsp.features.registry_document import registry_document
from rholang_lsp.features.target import (
    FreeTarget,
    GlobalTarget,
    LocalTarget,
    Location,
    select_global_overloads,
    select_local_overloads,
    send_at,
    target_at,
)
from rholang_lsp.semantics.registry_contracts import RegistryContract, registry_contract
from rholang_lsp.semantics.registry_values import registry_value
from rholang_lsp.semantics.summary import SK_FUNCTION
from rholang_lsp.syntax import Node, SyntaxKind, Token, ast
from rholang_lsp.workspace.snapshot import Snapshot


def definition(
    snap: Snapshot, uri: str, offset: int, *, registry_documents: bool = False
) -> list[Location]:
    """``registry_documents``: the client can open the read-only description of a registry
    contract (``features.registry_document``), the answer when the workspace does not hold
    the contract's source."""
    reg = _registry_definition(snap, uri, offset, registry_documents)
    if reg is not None:
        return reg
    chan = _channel_of_method_string(snap, uri, offset)
    if chan is not None:
        offset = chan  # `"findOrCreate"` of `RevVault!("findOrCreate", …)`: its overload
    t = target_at(snap, uri, offset)
    if t is None:
        return []
    m = t.analysis.model
    if isinstance(t, LocalTarget):
        contracts = m.contracts_on(t.symbol.id)
        if contracts:
            send = send_at(m, t.ref.start, t.ref.end)
            chosen = select_local_overloads(contracts, send)
            return [Location(uri, c.name_start, c.name_end) for c in chosen]
        return [Location(uri, t.symbol.start, t.symbol.end)]
    if isinstance(t, GlobalTarget):
        return _global_definitions(snap, t)
    return _free_definitions(snap, t)


def _channel_of_method_string(snap: Snapshot, uri: str, offset: int) -> int | None:
    """The offset of the channel identifier of the send whose first argument is the
    string literal at ``offset`` (None elsewhere). The overload is then chosen by the
    send's literal arguments, as for the channel itself."""
    parsed = snap.parse(uri)
    if parsed is None:
        return None
    tok = parsed.tree.token_at(offset)
    if tok is None or tok.kind != SyntaxKind.STRING:
        return None
    send = ast.send_of_first_arg(tok)
    name = send.channel if send is not None else None
    if name is None:
        return None
    ident = next(
        (
            el
            for el in name.walk_elements()
            if isinstance(el, Token) and el.kind in (SyntaxKind.IDENT, SyntaxKind.STRING)
        ),
        None,
    )
    return ident.start if ident is not None else None


def declaration(snap: Snapshot, uri: str, offset: int) -> list[Location]:
    t = target_at(snap, uri, offset)
    if t is None:
        return []
    if isinstance(t, LocalTarget):
        return [Location(uri, t.symbol.start, t.symbol.end)]
    if isinstance(t, GlobalTarget):
        return _global_definitions(snap, t)
    return _free_definitions(snap, t)


def _global_definitions(snap: Snapshot, t: GlobalTarget) -> list[Location]:
    uri = t.analysis.uri
    cands = snap.global_definitions(t.key)
    if t.is_def:
        return [Location(uri, t.start, t.end)]
    if not cands:
        return []
    send = send_at(t.analysis.model, t.start, t.end)
    chosen = select_global_overloads(cands, send)
    return sorted(Location(u, c.name_start, c.name_end) for u, c in chosen)


def _free_definitions(snap: Snapshot, t: FreeTarget) -> list[Location]:
    """An unbound identifier: not a real binding, but point at contracts of that spelling
    (same file first, then other files) so the user can find what they meant."""
    uri = t.analysis.uri
    m = t.analysis.model
    local = [c for c in m.contracts if c.free_name and c.name == t.name]
    if local:
        send = send_at(m, t.ref.start, t.ref.end)
        return [
            Location(uri, c.name_start, c.name_end) for c in select_local_overloads(local, send)
        ]
    return sorted(
        Location(u, c.name_start, c.name_end) for u, c in snap.contracts_named(t.name) if u != uri
    )


# ---------------------------------------------------------------------- registry contracts
def _registry_definition(
    snap: Snapshot, uri: str, offset: int, documents: bool
) -> list[Location] | None:
    """The lookup URI `rho:rchain:revVault`, or a send on a value received from the
    registry (`@revVault!("findOrCreate", …)`, on its channel or its method string): the
    contract's overload in the workspace when a file there defines it (by contract name
    and method), else its place in the registry document. None: not such a position."""
    parsed = snap.parse(uri)
    if parsed is None:
        return None
    tok = parsed.tree.token_at(offset)
    if tok is None:
        return None
    if tok.kind == SyntaxKind.URI:
        key = tok.text.strip("`")
        rc = registry_contract(key)
        if rc is None:
            return None
        return _registry_locations(snap, key, rc, None, documents)
    send: ast.Send | None = None
    if tok.kind == SyntaxKind.STRING:
        send = ast.send_of_first_arg(tok)
    elif tok.kind == SyntaxKind.IDENT:
        node = tok.parent
        while node is not None and node.kind in (SyntaxKind.VAR, SyntaxKind.QUOTE):
            node = node.parent
        if node is not None and node.kind == SyntaxKind.NAME:
            send = ast.Send.cast(node.parent)
            if send is not None and send.channel is not node:
                send = None
    chan = send.channel if send is not None else None
    ident = _channel_ident(chan) if chan is not None else None
    if send is None or ident is None:
        return None
    value = registry_value(parsed, ident)
    if value is None:
        return None
    args = send.written_args
    first = args[0].first_token() if args else None
    method: str | None = None
    if first is not None and first.kind == SyntaxKind.STRING and len(first.text) >= 2:
        method = first.text[1:-1]
    elif value.contract.overload("") is not None:
        method = ""  # a contract without method strings (`MakeMint!(*ret)`)
    if method is not None and value.contract.overload(method) is None:
        method = None  # not one of its methods: the contract itself
    return _registry_locations(snap, value.uri, value.contract, method, documents)


def _channel_ident(chan: Node) -> Token | None:
    """The identifier of a channel `x` or `@x`."""
    inner = ast.Name(chan).inner
    if inner is not None and inner.kind == SyntaxKind.QUOTE:
        inner = ast.Quote(inner).process
    if inner is None or inner.kind != SyntaxKind.VAR:
        return None
    tok = inner.first_token()
    return tok if tok is not None and tok.kind == SyntaxKind.IDENT else None


def _registry_locations(
    snap: Snapshot, key: str, rc: RegistryContract, method: str | None, documents: bool
) -> list[Location]:
    found = workspace_registry_sources(snap, rc, method)
    if found:
        return found
    doc = registry_document(key) if documents else None
    span = doc.span(rc.name, method) if doc is not None else None
    if doc is None or span is None:
        return []
    return [Location(doc.uri, span.start, span.end)]


def workspace_registry_sources(
    snap: Snapshot, rc: RegistryContract, method: str | None
) -> list[Location]:
    """The overloads of a registry contract defined in the workspace (`contract
    RevVault(@"findOrCreate", …)` in a `RevVault.rho`): found through the symbol index by
    the contract's name, checked by their first formal. Files named like the genesis file
    first; ``method`` None: every overload."""
    want = f'@"{method}"' if method else None
    best: list[Location] = []
    other: list[Location] = []
    for hit in snap.search_symbols(rc.name, limit=64):
        sym = hit.symbol
        if sym.name != rc.name or sym.kind != SK_FUNCTION:
            continue
        summary = snap.summary(hit.uri)
        span = (
            next((c for c in summary.callers if c.name_start == sym.start), None)
            if summary is not None
            else None
        )
        if span is None:
            continue
        formals = formals_from_signature(span.signature)
        lead = formals[0] if formals else ""
        if want is not None and lead != want:
            continue
        if method == "" and lead.startswith('@"'):
            continue
        loc = Location(hit.uri, span.name_start, span.name_end)
        (best if hit.uri.rsplit("/", 1)[-1] == rc.source else other).append(loc)
    return sorted(best) or sorted(other)
