"""textDocument/references: scope-correct for local variables, workspace-wide for
quoted global names. ``include_declaration=False`` omits exactly the declaration
(the `new`/pattern binder; for a quoted name, the contract names on it)."""

from __future__ import annotations

from rholang_lsp.features.target import (
    FreeTarget,
    GlobalTarget,
    LocalTarget,
    Location,
    target_at,
)
from rholang_lsp.semantics.model import Role
from rholang_lsp.workspace.snapshot import Snapshot


def references(
    snap: Snapshot, uri: str, offset: int, *, include_declaration: bool = True
) -> list[Location]:
    t = target_at(snap, uri, offset)
    if t is None:
        return []
    m = t.analysis.model
    if isinstance(t, LocalTarget):
        out = []
        for r in m.occurrences(t.symbol.id):
            if r.role == Role.WRITE and not include_declaration:
                continue
            out.append(Location(uri, r.start, r.end))
        return sorted(set(out))
    if isinstance(t, GlobalTarget):
        return global_references(snap, t.key, include_declaration=include_declaration)
    return free_references(t, include_declaration=include_declaration)


def global_references(
    snap: Snapshot, key: str, *, include_declaration: bool = True
) -> list[Location]:
    out = {
        Location(u, r.start, r.end)
        for u, r in snap.global_references(key)
        if include_declaration or not r.is_def
    }
    return sorted(out)


def free_references(t: FreeTarget, *, include_declaration: bool = True) -> list[Location]:
    """Every unbound occurrence of the same spelling in the file (they all mean the same
    missing declaration)."""
    uri = t.analysis.uri
    m = t.analysis.model
    return sorted(
        Location(uri, r.start, r.end) for r in m.references if r.symbol is None and r.name == t.name
    )
