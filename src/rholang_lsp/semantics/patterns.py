"""The pattern rules of RHOLANG_SYNTAX.md section 4, shared by both scope walks.

``semantics/binder.py`` (the forward walk over a whole file) and
``semantics/scope_at.py`` (the upward walk from one offset) decide the same things
the same way through this module:

* ``Env`` / ``PatState``: the variable tables and the state of one pattern being
  collected (which construct declares it, whether `\\/` and `~` are forbidden, whether a
  plain identifier compares (`match`) or binds);
* ``receipt_binds``, ``agent_implicit_names``: what a binding form binds besides its
  patterns;
* ``ground_text`` / ``literal_text`` / ``name_process`` / ``ground_name_range``: when a
  quoted process is a ground (global) name and how it is keyed.

Which identifiers of a pattern bind is decided by the binder's pattern walk, which
``binder.PatternCollector`` exposes to other walks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from rholang_lsp.semantics.model import SymbolKind
from rholang_lsp.syntax import ast
from rholang_lsp.syntax.kinds import K
from rholang_lsp.syntax.tree import Node

MAX_PATTERN_DEPTH: Final = 200

LITERAL_TOKENS: Final = frozenset(
    {K.INT, K.STRING, K.URI, K.KW_TRUE, K.KW_FALSE, K.TYPED_NUMBER, K.KW_NIL}
)
GROUND_PUNCT: Final = frozenset(
    {
        K.LPAREN,
        K.RPAREN,
        K.LBRACKET,
        K.RBRACKET,
        K.LBRACE,
        K.RBRACE,
        K.COMMA,
        K.COMMA_RPAREN,
        K.COLON,
        K.KW_SET,
        K.MINUS,
        K.BIGINT_OPEN,
    }
)


class Env:
    """A chain of variable tables (one per binding construct)."""

    __slots__ = ("vars", "parent", "depth")

    def __init__(self, vars: dict[str, int], parent: Env | None) -> None:
        self.vars = vars
        self.parent = parent
        self.depth: int = 0 if parent is None else parent.depth + 1

    def lookup(self, name: str, stop: Env | None = None) -> int | None:
        e: Env | None = self
        while e is not None and e is not stop:
            sid = e.vars.get(name)
            if sid is not None:
                return sid
            e = e.parent
        return None


@dataclass(frozen=True, slots=True)
class MatchCase:
    """One `match` case pattern, with what tells a binder meant as a comparison."""

    pattern: Node
    target_names: frozenset[str]  # identifiers of the match target
    # element positions of top-level tuple/list patterns where some case has a literal
    literal_positions: frozenset[int]


def new_binding_key(entry: tuple[int, int, str | None]) -> tuple[bool, str, int]:
    """Sort key of a `new` declaration ``(index, _, uri)`` in the order the nodes bind
    them: plain names first (in source order), then URI names by URI (RNode's
    PNewNormalizer ``sortBy(_._1)``; F1R3FLY's p_new_normalizer.rs sorts the same way)."""
    index, _sid, uri = entry
    return (uri is not None, uri or "", index)


@dataclass(slots=True, eq=False, init=False)
class PatState:
    """Binders being collected from one pattern (or one join / formals list)."""

    base: Env  # the environment outside the pattern
    scope: int
    kind: SymbolKind
    names: dict[str, int] = field(default_factory=dict)
    receive: bool = False  # a receive/contract pattern (\/ and ~ forbidden)
    match_case: bool = False
    depth: int = 0
    decl_start: int = 0
    decl_end: int = 0
    # free variables and wildcards of this pattern, logged only while a `bundle` inside
    # the pattern needs them (sec. 4.5): (start, end, text)
    free_log: list[tuple[int, int, str]] | None = None
    # a `match` case: what the comparison-intent facts need (see ``MatchCase``)
    case: MatchCase | None = None

    # written out (init=False): the dataclass-made one is interpreted, even compiled
    def __init__(
        self,
        base: Env,
        scope: int,
        kind: SymbolKind,
        names: dict[str, int] | None = None,
        receive: bool = False,
        match_case: bool = False,
        depth: int = 0,
        decl_start: int = 0,
        decl_end: int = 0,
        free_log: list[tuple[int, int, str]] | None = None,
        case: MatchCase | None = None,
    ) -> None:
        self.base = base
        self.scope = scope
        self.kind = kind
        self.names = {} if names is None else names
        self.receive = receive
        self.match_case = match_case
        self.depth = depth
        self.decl_start = decl_start
        self.decl_end = decl_end
        self.free_log = free_log
        self.case = case

    @classmethod
    def nested(
        cls,
        outer: PatState | None,
        base: Env,
        scope: int,
        kind: SymbolKind,
        decl_start: int = 0,
        decl_end: int = 0,
        *,
        receive: bool = False,
        match_case: bool = False,
    ) -> PatState:
        """A pattern one level inside ``outer`` (depth 0 when not inside a pattern)."""
        return PatState(
            base=base,
            scope=scope,
            kind=kind,
            receive=receive,
            match_case=match_case,
            depth=outer.depth + 1 if outer is not None else 0,
            decl_start=decl_start,
            decl_end=decl_end,
        )


def ground_text(node: Node) -> str | None:
    """Canonical text of a ground process (no variables), or None."""
    while node.kind in (K.BLOCK, K.PAREN) and len(ast.nodes(node)) == 1:
        node = ast.nodes(node)[0]
    parts: list[str] = []
    for el in node.walk_elements():
        if isinstance(el, Node):
            if el.kind in (
                K.VAR,
                K.VAR_REF,
                K.WILDCARD,
                K.EVAL,
                K.REMAINDER,
                K.NAME,
                K.ERROR,
                K.QUOTE,
            ):
                return None
            continue
        if el.kind in LITERAL_TOKENS:
            parts.append(el.text)
        elif el.kind in GROUND_PUNCT:
            parts.append(el.text + (" " if el.kind in (K.COMMA, K.COLON) else ""))
        else:
            return None
    text = "".join(parts).strip()
    return text or None


def literal_text(node: Node) -> str | None:
    """Canonical text of a literal argument/pattern (``42``, ``"hello"``), or None."""
    while node.kind in (K.BLOCK, K.PAREN) and len(ast.nodes(node)) == 1:
        node = ast.nodes(node)[0]
    if node.kind in (K.LITERAL, K.BIGINT_LITERAL, K.UNARY_EXPR, K.LIST, K.TUPLE, K.SET, K.MAP):
        return ground_text(node)
    return None


def name_process(name: Node) -> Node | None:
    """The first node of a NAME, seen through its QUOTE (the ``P`` of ``@P``)."""
    return ast.Name(name).quoted


def ground_name_range(process: Node) -> tuple[int, int]:
    """The range naming a quoted ground process: a string's text without its quotes."""
    tokens = list(process.tokens())
    if len(tokens) == 1 and tokens[0].kind == K.STRING and len(tokens[0].text) >= 2:
        return tokens[0].start + 1, tokens[0].end - 1
    return process.start, process.end


def receipt_binds(receipt: Node) -> list[Node]:
    """The binds of a RECEIPT (a receipt without BIND wrappers after recovery: itself)."""
    return ast.Receipt(receipt).binds or [receipt]


def agent_implicit_names(decl: Node) -> tuple[str, ...]:
    """The names an agent declaration binds implicitly: `this` and `private`, and `return`
    except in the constructor."""
    if ast.AgentDecl(decl).is_constructor:
        return ("this", "private")
    return ("this", "private", "return")
