"""textDocument/definition and textDocument/declaration.

Conventions (RHOLANG_SYNTAX.md 4.3): for a channel bound by `new` and
implemented by a `contract`, the declaration is the `new` binder and the
definition is the contract's name; a contract on a quoted name is its own
declaration. Overloads are chosen by arity and literal patterns; when none
matches, every candidate is returned.
"""

from __future__ import annotations

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
from rholang_lsp.syntax import SyntaxKind, Token, ast
from rholang_lsp.workspace.snapshot import Snapshot


def definition(snap: Snapshot, uri: str, offset: int) -> list[Location]:
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
