"""Completion in MeTTa: the group's functions, the clause's variables, built-in heads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rholang_lsp.semantics.metta import MettaModel
from rholang_lsp.semantics.metta.model import KEYWORD_HEADS

CK_FUNCTION = 3
CK_VARIABLE = 6
CK_KEYWORD = 14
_STOP = frozenset(' \t\r\n();"\ue000')


@dataclass(frozen=True, slots=True)
class MettaCompletion:
    label: str
    kind: int  # LSP CompletionItemKind
    detail: str | None = None


def metta_completions(
    docs: Sequence[MettaModel], cur: int, offset: int
) -> tuple[int, list[MettaCompletion]]:
    """(start of the word being typed, candidates whose label starts with it)."""
    m = docs[cur]
    text = m.text
    start = offset
    while start > 0 and text[start - 1] not in _STOP:
        start -= 1
    prefix = text[start:offset]
    out: list[MettaCompletion] = []
    if prefix.startswith("$"):
        item = m.parse.item_at(offset)
        occ = [v for v in m.var_occurrences if item is not None and v.item == item.index]
        # a name seen only where the cursor is is the word being typed, not a candidate
        names = sorted({v.name for v in occ if not v.start <= offset <= v.end})
        out = [MettaCompletion(n, CK_VARIABLE) for n in names if n != prefix]
    else:
        arities: dict[str, set[int]] = {}
        for d in docs:
            for name, clauses in d.functions.items():
                arities.setdefault(name, set()).update(c.arity for c in clauses)
        out = [
            MettaCompletion(n, CK_FUNCTION, f"arity {'/'.join(map(str, sorted(a)))}")
            for n, a in sorted(arities.items())
        ]
        out += [MettaCompletion(k, CK_KEYWORD) for k in sorted(KEYWORD_HEADS)]
    return start, [c for c in out if c.label.startswith(prefix)]
