"""Definition, references, highlights and rename for MeTTa functions and variables.

A function's definitions are the head names of all its ``(= (name ...) ...)`` clauses
in the group; at a call, those whose arity matches the call are preferred (all of
them when none does). A ``$variable`` is local to its top-level atom (its clause).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rholang_lsp.semantics.metta import FnOccurrence, MettaModel, VarOccurrence

HL_READ = 2
HL_WRITE = 3

_WORD = re.compile(r"[^\s();\"$\ue000#][^\s();\"\ue000]*\Z")
_VAR = re.compile(r"\$[^\s()#\ue000]+\Z")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\Z")


class MettaRenameError(Exception):
    """The rename cannot be done (message for the user)."""


@dataclass(frozen=True, slots=True, order=True)
class VLoc:
    doc: int
    start: int
    end: int


def _defined(docs: Sequence[MettaModel], name: str) -> bool:
    return any(name in d.functions for d in docs)


def target_at(
    docs: Sequence[MettaModel], cur: int, offset: int
) -> FnOccurrence | VarOccurrence | None:
    m = docs[cur]
    v = m.var_at(offset)
    if v is not None:
        return v
    o = m.symbol_at(offset)
    if o is not None and _defined(docs, o.name):
        return o
    return None


def metta_definition(docs: Sequence[MettaModel], cur: int, offset: int) -> list[VLoc]:
    t = target_at(docs, cur, offset)
    if t is None:
        return []
    if isinstance(t, VarOccurrence):
        occ = docs[cur].var_occurrences_of(t)
        first = next((o for o in occ if o.in_head), occ[0])
        return [VLoc(cur, first.start, first.end)]
    clauses = [(i, c) for i, d in enumerate(docs) for c in d.functions.get(t.name, [])]
    if t.role == "call" and t.arity is not None:
        matching = [(i, c) for i, c in clauses if c.arity == t.arity]
        clauses = matching or clauses
    return sorted(VLoc(i, c.name_start, c.name_end) for i, c in clauses)


def metta_references(
    docs: Sequence[MettaModel], cur: int, offset: int, *, include_declaration: bool = True
) -> list[VLoc]:
    t = target_at(docs, cur, offset)
    if t is None:
        return []
    if isinstance(t, VarOccurrence):
        return sorted(
            VLoc(cur, o.start, o.end)
            for o in docs[cur].var_occurrences_of(t)
            if include_declaration or not o.in_head
        )
    return sorted(
        VLoc(i, o.start, o.end)
        for i, d in enumerate(docs)
        for o in d.occurrences_of(t.name)
        if include_declaration or o.role not in ("def", "decl")
    )


def metta_highlights(docs: Sequence[MettaModel], cur: int, offset: int) -> list[tuple[VLoc, int]]:
    t = target_at(docs, cur, offset)
    if t is None:
        return []
    if isinstance(t, VarOccurrence):
        return sorted(
            (VLoc(cur, o.start, o.end), HL_WRITE if o.in_head else HL_READ)
            for o in docs[cur].var_occurrences_of(t)
        )
    return sorted(
        (VLoc(i, o.start, o.end), HL_WRITE if o.role == "def" else HL_READ)
        for i, d in enumerate(docs)
        for o in d.occurrences_of(t.name)
    )


def metta_prepare_rename(
    docs: Sequence[MettaModel], cur: int, offset: int
) -> tuple[int, int, str] | None:
    t = target_at(docs, cur, offset)
    if t is None:
        return None
    return t.start, t.end, t.name


def metta_rename(
    docs: Sequence[MettaModel], cur: int, offset: int, new_name: str
) -> list[tuple[VLoc, str]]:
    """Edits renaming the function or variable at ``offset``. Refuses a new name that is
    not a MeTTa word or that is already used where it would merge two meanings."""
    t = target_at(docs, cur, offset)
    if t is None:
        return []
    if isinstance(t, VarOccurrence):
        new = new_name if new_name.startswith("$") else "$" + new_name
        if not _VAR.match(new):
            raise MettaRenameError(f"`{new_name}` is not a MeTTa variable name.")
        occ = docs[cur].var_occurrences_of(t)
        if new != t.name and any(
            o.item == t.item and o.name == new for o in docs[cur].var_occurrences
        ):
            raise MettaRenameError(f"`{new}` is already a variable of this clause.")
        return [(VLoc(cur, o.start, o.end), new) for o in occ]
    if not _WORD.match(new_name) or _NUMBER.match(new_name):
        raise MettaRenameError(f"`{new_name}` is not a MeTTa symbol.")
    if new_name != t.name and any(d.occurrences_of(new_name) for d in docs):
        raise MettaRenameError(
            f"`{new_name}` is already used here: renaming would merge it with `{t.name}`."
        )
    return [
        (VLoc(i, o.start, o.end), new_name)
        for i, d in enumerate(docs)
        for o in d.occurrences_of(t.name)
    ]
