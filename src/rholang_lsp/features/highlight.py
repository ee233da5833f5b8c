"""textDocument/documentHighlight: Write for binders (and contract names on quoted
names), Read for uses; scope-correct (shadowed names are separate)."""

from __future__ import annotations

from dataclasses import dataclass

from rholang_lsp.features.target import FreeTarget, GlobalTarget, LocalTarget, target_at
from rholang_lsp.semantics.model import Role
from rholang_lsp.workspace.snapshot import Snapshot

HL_TEXT = 1
HL_READ = 2
HL_WRITE = 3


@dataclass(frozen=True, slots=True, order=True)
class Highlight:
    start: int
    end: int
    kind: int  # LSP DocumentHighlightKind


def document_highlights(snap: Snapshot, uri: str, offset: int) -> list[Highlight]:
    t = target_at(snap, uri, offset)
    if t is None:
        return []
    m = t.analysis.model
    if isinstance(t, LocalTarget):
        return sorted(
            {
                Highlight(r.start, r.end, HL_WRITE if r.role == Role.WRITE else HL_READ)
                for r in m.occurrences(t.symbol.id)
            }
        )
    if isinstance(t, GlobalTarget):
        return sorted(
            {
                Highlight(s, e, HL_WRITE if d else HL_READ)
                for k, s, e, d in m.global_refs
                if k == t.key
            }
        )
    assert isinstance(t, FreeTarget)
    return sorted(
        {
            Highlight(r.start, r.end, HL_READ)
            for r in m.references
            if r.symbol is None and r.name == t.name
        }
    )
