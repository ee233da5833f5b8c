"""The semantic model of one MeTTa document (a ``.metta`` file or an embedded region).

* A *function* is a name defined by top-level clauses ``(= (name args...) body)``; all
  clauses of a name are its definitions, each with its arity.
* ``(: name type)`` at the top level declares a name's type.
* A ``$variable`` lives in its top-level atom: every occurrence of the same spelling in
  one clause is the same variable.

Offsets are into the MeTTa text (for an embedded region: the decoded virtual text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity
from rholang_lsp.syntax.metta import MettaExpr, MettaKind, MettaParse, MettaToken, parse_metta

SOURCE: Final = "metta-semantic"

FnRole = Literal["def", "call", "ref", "decl"]


@dataclass(slots=True, eq=False)
class Clause:
    name: str
    arity: int
    name_start: int
    name_end: int
    start: int  # the whole `(= ...)`
    end: int
    item: int  # top-level item index
    head: MettaExpr
    text: str


@dataclass(slots=True, eq=False)
class TypeDecl:
    name: str
    name_start: int
    name_end: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class FnOccurrence:
    start: int
    end: int
    name: str
    role: FnRole
    arity: int | None  # number of arguments of a call
    item: int


@dataclass(frozen=True, slots=True)
class VarOccurrence:
    start: int
    end: int
    name: str  # with the `$`
    item: int
    in_head: bool


#: binding forms of the standard library: head -> the argument positions that are
#: patterns (their variables are bound); `let*` and `case` are handled apart (a list of
#: `(pattern value)` / `(pattern body)` pairs)
_BINDERS: Final[dict[str, tuple[int, ...]]] = {
    "let": (1,),
    "match": (2,),
    "chain": (2,),
    "unify": (1, 2),
    "map-atom": (2,),
    "filter-atom": (2,),
    "foldl-atom": (3, 4),
}
KEYWORD_HEADS: Final = frozenset(
    {
        "=",
        ":",
        "->",
        "if",
        "let",
        "let*",
        "match",
        "case",
        "superpose",
        "collapse",
        "chain",
        "unify",
        "sealed",
        "quote",
        "function",
        "return",
        "eval",
        "import!",
        "bind!",
    }
)


@dataclass(slots=True, eq=False)
class MettaModel:
    parse: MettaParse
    clauses: list[Clause] = field(default_factory=list)
    decls: list[TypeDecl] = field(default_factory=list)
    functions: dict[str, list[Clause]] = field(default_factory=dict)
    #: every symbol token (defined here or not): cross-document lookups and highlighting
    symbol_occurrences: list[FnOccurrence] = field(default_factory=list)
    #: the occurrences of the functions defined in this document
    fn_occurrences: list[FnOccurrence] = field(default_factory=list)
    var_occurrences: list[VarOccurrence] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    hole_items: frozenset[int] = frozenset()  # top-level items that contain a hole

    @property
    def text(self) -> str:
        return self.parse.text

    def symbol_at(self, offset: int) -> FnOccurrence | None:
        for o in self.symbol_occurrences:
            if o.start <= offset <= o.end:
                return o
        return None

    def var_at(self, offset: int) -> VarOccurrence | None:
        for o in self.var_occurrences:
            if o.start <= offset <= o.end:
                return o
        return None

    def var_occurrences_of(self, v: VarOccurrence) -> list[VarOccurrence]:
        return [o for o in self.var_occurrences if o.item == v.item and o.name == v.name]

    def occurrences_of(self, name: str) -> list[FnOccurrence]:
        return [o for o in self.symbol_occurrences if o.name == name]

    def decl_of(self, name: str) -> TypeDecl | None:
        for d in self.decls:
            if d.name == name:
                return d
        return None


def analyze_metta(source: str | MettaParse, *, holes: bool = False) -> MettaModel:
    """Parse (unless given a parse) and analyse one MeTTa document. Never raises."""
    parse = source if isinstance(source, MettaParse) else parse_metta(source, holes=holes)
    m = MettaModel(parse)
    text = parse.text
    hole_items: set[int] = set()
    # 1. definitions and declarations (top level only)
    for item in parse.items:
        atom = item.atom
        if not isinstance(atom, MettaExpr) or item.bang is not None:
            continue
        head = atom.head()
        if head is None or len(atom.items) < 2:
            continue
        target = atom.items[1]
        if head.text == "=" and isinstance(target, MettaExpr):
            name_tok = target.head()
            if name_tok is not None and name_tok.kind is MettaKind.SYMBOL:
                c = Clause(
                    name_tok.text,
                    len(target.items) - 1,
                    name_tok.start,
                    name_tok.end,
                    atom.start,
                    atom.end,
                    item.index,
                    target,
                    text[atom.start : atom.end],
                )
                m.clauses.append(c)
                m.functions.setdefault(c.name, []).append(c)
        elif (
            head.text == ":" and isinstance(target, MettaToken) and target.kind is MettaKind.SYMBOL
        ):
            m.decls.append(
                TypeDecl(
                    target.text,
                    target.start,
                    target.end,
                    atom.start,
                    atom.end,
                    text[atom.start : atom.end],
                )
            )
    clause_of_item = {c.item: c for c in m.clauses}
    decl_starts = {d.name_start for d in m.decls}
    # 2. occurrences of functions and variables (each token with the expression holding it)
    for item in parse.items:
        clause = clause_of_item.get(item.index)
        head_range = (clause.head.start, clause.head.end) if clause is not None else (-1, -1)
        for tok, parent in _tokens_with_parent(item.atom):
            if tok.kind is MettaKind.HOLE:
                hole_items.add(item.index)
            elif tok.kind is MettaKind.VARIABLE:
                m.var_occurrences.append(
                    VarOccurrence(
                        tok.start,
                        tok.end,
                        tok.text,
                        item.index,
                        head_range[0] <= tok.start < head_range[1],
                    )
                )
            elif tok.kind is MettaKind.SYMBOL:
                occ = _fn_occurrence(tok, parent, item.index, clause, decl_starts)
                m.symbol_occurrences.append(occ)
                if tok.text in m.functions:
                    m.fn_occurrences.append(occ)
    m.hole_items = frozenset(hole_items)
    m.diagnostics = _check(m)
    return m


def _walk(atom: MettaToken | MettaExpr) -> list[MettaToken | MettaExpr]:
    return list(atom.walk()) if isinstance(atom, MettaExpr) else [atom]


def _tokens_with_parent(
    atom: MettaToken | MettaExpr,
) -> list[tuple[MettaToken, MettaExpr | None]]:
    """The tokens of ``atom`` in source order, each with the expression directly holding it."""
    if isinstance(atom, MettaToken):
        return [(atom, None)]
    out: list[tuple[MettaToken, MettaExpr | None]] = []
    for el in atom.walk():
        if isinstance(el, MettaExpr):
            out.extend((c, el) for c in el.items if isinstance(c, MettaToken))
    out.sort(key=lambda p: p[0].start)
    return out


def _fn_occurrence(
    tok: MettaToken,
    parent: MettaExpr | None,
    item: int,
    clause: Clause | None,
    decl_starts: set[int],
) -> FnOccurrence:
    if clause is not None and tok.start == clause.name_start:
        return FnOccurrence(tok.start, tok.end, tok.text, "def", clause.arity, item)
    if tok.start in decl_starts:
        return FnOccurrence(tok.start, tok.end, tok.text, "decl", None, item)
    if parent is not None and parent.items and parent.items[0] is tok:
        return FnOccurrence(tok.start, tok.end, tok.text, "call", len(parent.items) - 1, item)
    return FnOccurrence(tok.start, tok.end, tok.text, "ref", None, item)


def _check(m: MettaModel) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    out.extend(_unbound_variables(m))
    out.extend(_arity(m))
    return out


def _unbound_variables(m: MettaModel) -> list[Diagnostic]:
    """A variable in a clause body that the head does not bind and no binding form in the
    body binds: its value can never be known, which is surely a mistake."""
    out: list[Diagnostic] = []
    for c in m.clauses:
        if c.item in m.hole_items:
            continue  # a spliced Rholang value may bind it
        item = m.parse.items[c.item]
        assert isinstance(item.atom, MettaExpr)
        head_vars = {
            t.text
            for t in c.head.walk()
            if isinstance(t, MettaToken) and t.kind is MettaKind.VARIABLE
        }
        bound = set(head_vars)
        body = item.atom.items[2:]
        for b in body:
            bound |= _pattern_vars(b)
        reported: set[str] = set()
        for b in body:
            for t in _walk(b):
                if (
                    isinstance(t, MettaToken)
                    and t.kind is MettaKind.VARIABLE
                    and t.text not in bound
                    and t.text not in reported
                    and t.text != "$_"
                ):
                    reported.add(t.text)
                    head_text = m.text[c.head.start : c.head.end]
                    out.append(
                        Diagnostic(
                            t.start,
                            t.end,
                            Severity.WARNING,
                            f"`{t.text}` is not bound by the head `{head_text}` nor by a "
                            "`let`/`match`/`case` in the body: it can have no value.",
                            "metta-unbound-variable",
                            SOURCE,
                        )
                    )
    return out


def _pattern_vars(atom: MettaToken | MettaExpr) -> set[str]:
    """Variables bound by binding forms (`let`, `let*`, `match`, `case`, ...) in ``atom``."""
    out: set[str] = set()
    if not isinstance(atom, MettaExpr):
        return out
    for el in atom.walk():
        if not isinstance(el, MettaExpr):
            continue
        head = el.head()
        if head is None:
            continue
        patterns: list[MettaToken | MettaExpr] = []
        if head.text in _BINDERS:
            idx = _BINDERS[head.text]
            patterns = [el.items[i] for i in idx if i < len(el.items)]
        elif head.text == "let*" and len(el.items) > 1 and isinstance(el.items[1], MettaExpr):
            patterns = [
                p.items[0] for p in el.items[1].items if isinstance(p, MettaExpr) and p.items
            ]
        elif head.text == "case" and len(el.items) > 2 and isinstance(el.items[2], MettaExpr):
            patterns = [
                p.items[0] for p in el.items[2].items if isinstance(p, MettaExpr) and p.items
            ]
        for p in patterns:
            for t in _walk(p):
                if isinstance(t, MettaToken) and t.kind is MettaKind.VARIABLE:
                    out.add(t.text)
    return out


def _arity(m: MettaModel) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    clause_items = {c.item: c for c in m.clauses}
    decl_items = {i for i, it in enumerate(m.parse.items) if _is_decl(it.atom)}
    for o in m.fn_occurrences:
        if o.role != "call" or o.arity is None or o.item in m.hole_items:
            continue
        if o.item in decl_items:
            continue
        c = clause_items.get(o.item)
        if c is not None and c.head.start <= o.start < c.head.end:
            continue  # a pattern in a head is data, not a call
        arities = sorted({d.arity for d in m.functions[o.name]})
        if o.arity in arities:
            continue
        want = " or ".join(str(a) for a in arities)
        noun = "argument" if arities == [1] else "arguments"
        out.append(
            Diagnostic(
                o.start,
                o.end,
                Severity.WARNING,
                f"`{o.name}` is defined with {want} {noun}; this call passes {o.arity}.",
                "metta-arity",
                SOURCE,
                related=tuple(
                    Related(d.name_start, d.name_end, f"`{d.name}` with {d.arity}")
                    for d in m.functions[o.name][:8]
                ),
            )
        )
    return out


def _is_decl(atom: MettaToken | MettaExpr) -> bool:
    if not isinstance(atom, MettaExpr):
        return False
    head = atom.head()
    return head is not None and head.text == ":"
