"""Hover: a function's type declaration and clauses; a variable's role; built-in heads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from rholang_lsp.features.metta.navigation import target_at
from rholang_lsp.semantics.metta import MettaModel, VarOccurrence
from rholang_lsp.syntax.metta import MettaKind

_MAX_CLAUSES = 12
_BUILTINS: Final[dict[str, str]] = {
    "=": "`(= pattern body)`: an equality; `(= (f args...) body)` defines a clause of `f`.",
    ":": "`(: atom type)`: declares the type of `atom`.",
    "->": "`(-> arg-types... result-type)`: a function type.",
    "if": "`(if condition then else)`.",
    "let": "`(let pattern value body)`: unifies `pattern` with `value`, then evaluates `body`.",
    "let*": "`(let* ((pattern value) ...) body)`: sequential `let`.",
    "match": "`(match space pattern template)`: the `template` for every atom of `space` "
    "matching `pattern`.",
    "case": "`(case value ((pattern body) ...))`: the body of the first matching pattern.",
    "superpose": "`(superpose (a b ...))`: the non-deterministic choice of its elements.",
    "collapse": "`(collapse atom)`: all results of evaluating `atom`, as one expression.",
    "chain": "`(chain atom $var template)`: evaluates `atom`, binds it to `$var`, then `template`.",
    "unify": "`(unify a b then else)`.",
    "&self": "The current atomspace.",
}


def _code(lines: list[str]) -> str:
    return "```metta\n" + "\n".join(lines) + "\n```"


def metta_hover(docs: Sequence[MettaModel], cur: int, offset: int) -> tuple[str, int, int] | None:
    m = docs[cur]
    t = target_at(docs, cur, offset)
    if isinstance(t, VarOccurrence):
        occ = m.var_occurrences_of(t)
        clause = next((c for c in m.clauses if c.item == t.item), None)
        if clause is not None and any(o.in_head for o in occ):
            where = f"bound by the head `{m.text[clause.head.start : clause.head.end]}`"
        elif clause is not None:
            where = f"of the clause of `{clause.name}`, not bound by its head"
        else:
            where = "local to its top-level expression"
        return f"**{t.name}** — variable, {where} ({len(occ)} occurrences)", t.start, t.end
    if t is not None:
        clauses = [c for d in docs for c in d.functions.get(t.name, [])]
        decls = [dc for d in docs if (dc := d.decl_of(t.name)) is not None]
        lines = [dc.text for dc in decls[:1]]
        lines += [c.text for c in clauses[:_MAX_CLAUSES]]
        arities = sorted({c.arity for c in clauses})
        n = len(clauses)
        head = f"**{t.name}** — MeTTa function, {n} clause{'s' if n != 1 else ''}, arity " + (
            " or ".join(map(str, arities))
        )
        parts = [head, _code(lines)]
        if n > _MAX_CLAUSES:
            parts.append(f"… and {n - _MAX_CLAUSES} more clauses")
        return "\n\n".join(parts), t.start, t.end
    tok = m.parse.token_at(offset)
    if tok is not None and tok.kind is MettaKind.SYMBOL and tok.text in _BUILTINS:
        return _BUILTINS[tok.text], tok.start, tok.end
    return None
