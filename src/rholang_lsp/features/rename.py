"""textDocument/prepareRename and textDocument/rename.

Local variables are renamed scope-correctly (a shadowed binder of the same
spelling is untouched); quoted string names (``@"name"``) are renamed across
the workspace, the new text going between the quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rholang_lsp.features.formatting import TextEdit as FmtEdit
from rholang_lsp.features.references import free_references, global_references
from rholang_lsp.features.rename_safety import (
    UnsafeRename,
    check_global_rename,
    check_local_rename,
)
from rholang_lsp.features.target import FreeTarget, GlobalTarget, LocalTarget, target_at
from rholang_lsp.syntax.kinds import KEYWORDS
from rholang_lsp.workspace.snapshot import Snapshot

# RNode identifier rule (RHOLANG_SYNTAX.md 1.3)
_IDENT = re.compile(r"(?:[A-Za-z'][A-Za-z0-9_']*|_[A-Za-z0-9_']+)\Z")
_CONTEXTUAL = frozenset({"agent", "constructor", "method", "default", "private"})


class RenameError(Exception):
    """The rename cannot be done (message for the user)."""


def _checked(
    snap: Snapshot, t: LocalTarget | FreeTarget, old: str, new: str, edits: list[TextEdit]
) -> None:
    try:
        check_local_rename(
            snap, t.analysis, [FmtEdit(e.start, e.end, e.new_text) for e in edits], old, new
        )
    except UnsafeRename as e:
        raise RenameError(str(e)) from None


@dataclass(frozen=True, slots=True)
class PrepareResult:
    start: int
    end: int
    placeholder: str


@dataclass(frozen=True, slots=True, order=True)
class TextEdit:
    start: int
    end: int
    new_text: str


def prepare_rename(snap: Snapshot, uri: str, offset: int) -> PrepareResult | None:
    t = target_at(snap, uri, offset)
    if t is None:
        return None
    text = t.analysis.text
    if isinstance(t, LocalTarget):
        return PrepareResult(t.ref.start, t.ref.end, t.ref.name)
    if isinstance(t, GlobalTarget):
        if not _is_string_key(t.key):
            return None
        return PrepareResult(t.start, t.end, text[t.start : t.end])
    return PrepareResult(t.ref.start, t.ref.end, t.name)


def validate_identifier(new_name: str) -> None:
    if new_name in KEYWORDS or new_name in _CONTEXTUAL:
        raise RenameError(f"`{new_name}` is a keyword and cannot be used as a name.")
    if new_name == "_":
        raise RenameError("`_` is the wildcard, not a name.")
    if not _IDENT.match(new_name):
        raise RenameError(
            f"`{new_name}` is not a valid Rholang identifier (a letter or `'` followed by letters, "
            "digits, `_` or `'`; or `_` followed by at least one of those)."
        )


def validate_string_content(new_name: str) -> None:
    if any(ch in new_name for ch in '"\\\n\r'):
        raise RenameError('A quoted name cannot contain `"`, `\\` or a line break.')


def rename(
    snap: Snapshot, uri: str, offset: int, new_name: str
) -> dict[str, list[TextEdit]] | None:
    """Edits per uri, or None when there is nothing to rename at ``offset``.

    Raises RenameError for an invalid new name."""
    t = target_at(snap, uri, offset)
    if t is None:
        return None
    if isinstance(t, LocalTarget):
        validate_identifier(new_name)
        edits = sorted(
            {TextEdit(r.start, r.end, new_name) for r in t.analysis.model.occurrences(t.symbol.id)}
        )
        _checked(snap, t, t.symbol.name, new_name, edits)
        return {uri: edits}
    if isinstance(t, GlobalTarget):
        if not _is_string_key(t.key):
            raise RenameError('Only quoted string names (`@"..."`) can be renamed.')
        validate_string_content(new_name)
        try:
            check_global_rename(snap, t.key, new_name)
        except UnsafeRename as e:
            raise RenameError(str(e)) from None
        out: dict[str, list[TextEdit]] = {}
        for loc in global_references(snap, t.key):
            out.setdefault(loc.uri, []).append(TextEdit(loc.start, loc.end, new_name))
        return {u: sorted(set(es)) for u, es in out.items()}
    assert isinstance(t, FreeTarget)
    validate_identifier(new_name)
    edits = sorted({TextEdit(loc.start, loc.end, new_name) for loc in free_references(t)})
    _checked(snap, t, t.name, new_name, edits)
    return {uri: edits}


def _is_string_key(key: str) -> bool:
    return key.startswith('@"') and key.endswith('"') and len(key) >= 3
