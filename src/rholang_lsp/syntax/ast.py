"""Typed views of the syntax tree (in the spirit of rust-analyzer's ``syntax::ast``).

A view wraps one ``Node`` of a known kind and names its parts, so that code above the
syntax layer asks ``Contract(node).formals`` instead of searching the children by kind.
The views encode ``TREE.md`` (the shape contract between the parser and everything
above it) once; ``tests/syntax/test_ast.py`` checks each view against TREE.md and the
corpus. Every accessor tolerates error recovery: a missing part is ``None`` or empty.

Views are cheap (one slot) and created on demand: ``Contract.cast(node)`` returns None
for a node of another kind.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from rholang_lsp.syntax.kinds import RECEIVE_ARROWS, K, SyntaxKind
from rholang_lsp.syntax.tree import Node, Token

_V = TypeVar("_V", bound="AstNode")


def child_node(node: Node, kind: SyntaxKind) -> Node | None:
    """The first child node of ``kind``."""
    for c in node.children:
        if c.kind == kind and isinstance(c, Node):
            return c
    return None


def child_nodes(node: Node, kind: SyntaxKind) -> list[Node]:
    return [c for c in node.children if c.kind == kind and isinstance(c, Node)]


def child_token(node: Node, *kinds: SyntaxKind) -> Token | None:
    """The first child token of one of ``kinds``."""
    for c in node.children:
        if c.kind in kinds and isinstance(c, Token):
            return c
    return None


def has_token(node: Node, *kinds: SyntaxKind) -> bool:
    return child_token(node, *kinds) is not None


def nodes(node: Node) -> list[Node]:
    """All child nodes (no tokens)."""
    return [c for c in node.children if isinstance(c, Node)]


def ident_of(el: Node | Token) -> Token | None:
    """The IDENT token of a VAR / NAME / NAME_DECL / REMAINDER / VAR_REF-like node (through
    one VAR child), or ``el`` itself when it is an IDENT token."""
    if isinstance(el, Token):
        return el if el.kind == K.IDENT else None
    for c in el.children:
        if isinstance(c, Token) and c.kind == K.IDENT:
            return c
        if isinstance(c, Node) and c.kind == K.VAR:
            return ident_of(c)
    return None


class AstNode:
    """Base of the typed views: ``KIND`` is the node kind, ``READS`` the child kinds the
    accessors look up (checked against TREE.md)."""

    __slots__ = ("syntax",)
    KIND: ClassVar[SyntaxKind]
    READS: ClassVar[frozenset[SyntaxKind]] = frozenset()

    def __init__(self, syntax: Node) -> None:
        self.syntax = syntax

    @classmethod
    def cast(cls: type[_V], node: Node | Token | None) -> _V | None:
        if isinstance(node, Node) and node.kind == cls.KIND:
            return cls(node)
        return None

    @property
    def start(self) -> int:
        return self.syntax.start

    @property
    def end(self) -> int:
        return self.syntax.end

    @property
    def keyword(self) -> Token | None:
        """The first token (the keyword of the keyword-led forms)."""
        first = self.syntax.children[0] if self.syntax.children else None
        return first if isinstance(first, Token) else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.syntax!r})"


# ---------------------------------------------------------------------- file
class SourceFile(AstNode):
    """SOURCE_FILE: the top-level process (absent in an empty file), EOF."""

    KIND = K.SOURCE_FILE

    @property
    def process(self) -> Node | None:
        found = nodes(self.syntax)
        return found[0] if found else None


# ---------------------------------------------------------------------- names
class Name(AstNode):
    """NAME: exactly one of VAR, WILDCARD, QUOTE, ERROR (or `@` P written flat)."""

    KIND = K.NAME
    READS = frozenset({K.VAR, K.WILDCARD, K.QUOTE})

    @property
    def ident(self) -> Token | None:
        """The identifier of a name variable."""
        return ident_of(self.syntax)

    @property
    def is_wildcard(self) -> bool:
        first = self.syntax.children[0] if self.syntax.children else None
        return first is not None and first.kind in (K.UNDERSCORE, K.WILDCARD)

    @property
    def is_quote(self) -> bool:
        first = self.syntax.children[0] if self.syntax.children else None
        return first is not None and first.kind in (K.AT, K.QUOTE)

    @property
    def inner(self) -> Node | None:
        """The one child node: VAR, WILDCARD, QUOTE or ERROR (None for `@` P written flat
        without a QUOTE node, see ``quoted``)."""
        inner = nodes(self.syntax)
        return inner[0] if inner else None

    @property
    def quoted(self) -> Node | None:
        """The process of `@P` (seen through its QUOTE)."""
        inner = nodes(self.syntax)
        if inner and inner[0].kind == K.QUOTE:
            inner = nodes(inner[0])
        return inner[0] if inner else None


class NamePatterns(AstNode):
    """NAME_PATTERNS: NAME*, REMAINDER? (formals of contracts, receive patterns)."""

    KIND = K.NAME_PATTERNS
    READS = frozenset({K.NAME, K.REMAINDER})

    @property
    def names(self) -> list[Node]:
        return [c for c in nodes(self.syntax) if c.kind != K.REMAINDER]

    @property
    def remainder(self) -> Node | None:
        return child_node(self.syntax, K.REMAINDER)

    @property
    def arity(self) -> tuple[int, bool]:
        """(number of names, has a remainder)."""
        return len(self.names), self.remainder is not None


class Remainder(AstNode):
    """REMAINDER: `...`, `@`?, VAR or WILDCARD."""

    KIND = K.REMAINDER
    READS = frozenset({K.VAR, K.WILDCARD})

    @property
    def ident(self) -> Token | None:
        return ident_of(self.syntax)

    @property
    def wildcard(self) -> Node | None:
        return child_node(self.syntax, K.WILDCARD)


class VarRef(AstNode):
    """VAR_REF: `=` `*`? IDENT or `=*` IDENT."""

    KIND = K.VAR_REF
    READS = frozenset({K.IDENT, K.EQ_STAR, K.STAR})

    @property
    def ident(self) -> Token | None:
        return ident_of(self.syntax)

    @property
    def star(self) -> bool:
        """`=*x`: refers to a name variable."""
        return has_token(self.syntax, K.EQ_STAR, K.STAR)


# ---------------------------------------------------------------------- new
class NameDecl(AstNode):
    """NAME_DECL: IDENT, then optionally `(` URI `)`."""

    KIND = K.NAME_DECL
    READS = frozenset({K.IDENT, K.URI})

    @property
    def ident(self) -> Token | None:
        return ident_of(self.syntax)

    @property
    def uri_token(self) -> Token | None:
        return child_token(self.syntax, K.URI)

    @property
    def uri(self) -> str | None:
        """The system URI without its backticks."""
        t = self.uri_token
        return t.text[1:-1] if t is not None and len(t.text) >= 2 else None


class New(AstNode):
    """NEW: `new`, NAME_DECL*, `in`, body."""

    KIND = K.NEW
    READS = frozenset({K.NAME_DECL, K.KW_IN})

    @property
    def decls(self) -> list[Node]:
        return child_nodes(self.syntax, K.NAME_DECL)

    @property
    def body(self) -> list[Node]:
        """The body process (more than one node only after error recovery)."""
        return [c for c in nodes(self.syntax) if c.kind != K.NAME_DECL]

    @property
    def kw_in(self) -> Token | None:
        return child_token(self.syntax, K.KW_IN)


# ---------------------------------------------------------------------- contract
class Contract(AstNode):
    """CONTRACT: `contract`, NAME, `(`, NAME_PATTERNS, `)`, `=`, body."""

    KIND = K.CONTRACT
    READS = frozenset({K.NAME, K.NAME_PATTERNS})

    @property
    def name(self) -> Node | None:
        return child_node(self.syntax, K.NAME)

    @property
    def formals(self) -> Node | None:
        return child_node(self.syntax, K.NAME_PATTERNS)

    @property
    def body(self) -> list[Node]:
        name, formals = self.name, self.formals
        return [c for c in nodes(self.syntax) if c is not name and c is not formals]


# ---------------------------------------------------------------------- receive
class Bind(AstNode):
    """BIND: NAME_PATTERNS, arrow, SOURCE."""

    KIND = K.BIND
    READS = frozenset({K.NAME_PATTERNS, K.SOURCE, K.LARROW, K.LE, K.PEEK_ARROW})

    @property
    def patterns(self) -> Node | None:
        return child_node(self.syntax, K.NAME_PATTERNS)

    @property
    def sources(self) -> list[Node]:
        """The source (a SOURCE node; other nodes only after error recovery)."""
        return [c for c in nodes(self.syntax) if c.kind != K.NAME_PATTERNS]

    @property
    def arrow(self) -> Token | None:
        return child_token(self.syntax, *RECEIVE_ARROWS)


class Source(AstNode):
    """SOURCE: NAME, then `?!` / `!?` ARGS / `!` IDENT ARGS."""

    KIND = K.SOURCE
    READS = frozenset({K.NAME})

    @property
    def channel(self) -> Node | None:
        return child_node(self.syntax, K.NAME)


def source_channel(src: Node) -> Node:
    """The channel NAME of a bind's source node (the node itself when it is no SOURCE)."""
    if src.kind == K.SOURCE:
        return child_node(src, K.NAME) or src
    return src


class Receipt(AstNode):
    """RECEIPT: BIND (`&` BIND)*, GUARD?."""

    KIND = K.RECEIPT
    READS = frozenset({K.BIND, K.GUARD})

    @property
    def binds(self) -> list[Node]:
        return child_nodes(self.syntax, K.BIND)

    @property
    def guards(self) -> list[Node]:
        return child_nodes(self.syntax, K.GUARD)


class For(AstNode):
    """FOR: `for`, `(`, RECEIPT (`;` RECEIPT)*, `)`, body."""

    KIND = K.FOR
    READS = frozenset({K.RECEIPT})

    @property
    def receipts(self) -> list[Node]:
        return child_nodes(self.syntax, K.RECEIPT)

    @property
    def body(self) -> list[Node]:
        return [c for c in nodes(self.syntax) if c.kind != K.RECEIPT]


class Branch(AstNode):
    """BRANCH (of `select`): BIND*, GUARD?, `=>`, body."""

    KIND = K.BRANCH
    READS = frozenset({K.BIND, K.GUARD})

    @property
    def binds(self) -> list[Node]:
        return child_nodes(self.syntax, K.BIND)

    @property
    def rest(self) -> list[Node]:
        """Guard and body (everything but the binds)."""
        return [c for c in nodes(self.syntax) if c.kind != K.BIND]


class Select(AstNode):
    KIND = K.SELECT
    READS = frozenset({K.BRANCH})

    @property
    def branches(self) -> list[Node]:
        return child_nodes(self.syntax, K.BRANCH)


# ---------------------------------------------------------------------- match
class Case(AstNode):
    """CASE: pattern process, GUARD?, `=>`, body."""

    KIND = K.CASE
    READS = frozenset({K.GUARD, K.FAT_ARROW})

    @property
    def pattern(self) -> Node | None:
        """The pattern: the first node before `=>` that is not a guard."""
        for el in self.syntax.children:
            if isinstance(el, Token) and el.kind == K.FAT_ARROW:
                return None
            if isinstance(el, Node) and el.kind != K.GUARD:
                return el
        return None

    @property
    def rest(self) -> list[Node]:
        """Guard and body (every node but the pattern)."""
        pattern = self.pattern
        return [c for c in nodes(self.syntax) if c is not pattern]


class Match(AstNode):
    """MATCH: `match`, target, `{`, CASE*, `}`."""

    KIND = K.MATCH
    READS = frozenset({K.CASE})

    @property
    def cases(self) -> list[Node]:
        return child_nodes(self.syntax, K.CASE)

    @property
    def target(self) -> Node | None:
        return next((c for c in nodes(self.syntax) if c.kind != K.CASE), None)


class Matches(AstNode):
    """MATCHES: left process, `matches`, pattern process."""

    KIND = K.MATCHES

    @property
    def left(self) -> Node | None:
        ns = nodes(self.syntax)
        return ns[0] if ns else None

    @property
    def patterns(self) -> list[Node]:
        return nodes(self.syntax)[1:]


# ---------------------------------------------------------------------- let
class LetDecl(AstNode):
    """LET_DECL: NAME_PATTERNS, `<-`, values — or [RS] VAR, `=`, value."""

    KIND = K.LET_DECL
    READS = frozenset({K.NAME_PATTERNS, K.EQ, K.VAR})

    @property
    def is_assign(self) -> bool:
        """`let x = P` (x is a process variable)."""
        return has_token(self.syntax, K.EQ)

    def _assign_var(self) -> Node | None:
        ns = nodes(self.syntax)
        return ns[0] if ns and ns[0].kind in (K.VAR, K.NAME) else None

    @property
    def assign_ident(self) -> Token | None:
        """The variable of `let x = P`."""
        var = self._assign_var()
        return ident_of(var) if var is not None else None

    @property
    def assign_values(self) -> list[Node]:
        """The value of `let x = P` (the VAR holding x excluded)."""
        var = self._assign_var()
        return [c for c in nodes(self.syntax) if c is not var]

    @property
    def patterns(self) -> list[Node]:
        return child_nodes(self.syntax, K.NAME_PATTERNS)

    @property
    def values(self) -> list[Node]:
        return [c for c in nodes(self.syntax) if c.kind != K.NAME_PATTERNS]


class Let(AstNode):
    """LET: `let`, LET_DECL ((`;` | `&`) LET_DECL)*, `in`, body."""

    KIND = K.LET
    READS = frozenset({K.LET_DECL, K.AMP})

    @property
    def decls(self) -> list[Node]:
        return child_nodes(self.syntax, K.LET_DECL)

    @property
    def concurrent(self) -> bool:
        """`&` between the declarations: all values see the outer scope."""
        return has_token(self.syntax, K.AMP)

    @property
    def body(self) -> list[Node]:
        return [c for c in nodes(self.syntax) if c.kind != K.LET_DECL]


# ---------------------------------------------------------------------- quote, calls
class Quote(AstNode):
    """QUOTE: `@`, process (only inside NAME)."""

    KIND = K.QUOTE
    READS = frozenset({K.AT})

    @property
    def process(self) -> Node | None:
        """The quoted process (`revVault` of `@revVault`)."""
        inner = nodes(self.syntax)
        return inner[0] if inner else None


class MethodCall(AstNode):
    """METHOD_CALL: receiver process, `.`, IDENT (method name), ARGS (missing after an error)."""

    KIND = K.METHOD_CALL
    READS = frozenset({K.IDENT, K.ARGS})

    @property
    def receiver(self) -> Node | None:
        inner = nodes(self.syntax)
        return inner[0] if inner and inner[0].kind != K.ARGS else None

    @property
    def method(self) -> Token | None:
        return child_token(self.syntax, K.IDENT)

    @property
    def args_node(self) -> Node | None:
        return child_node(self.syntax, K.ARGS)


class Args(AstNode):
    """ARGS: `(`, processes separated by `,`, `)` (or the `,)` token, COMMA_RPAREN)."""

    KIND = K.ARGS
    READS = frozenset({K.LPAREN, K.RPAREN, K.COMMA_RPAREN})

    @property
    def open(self) -> Token | None:
        return child_token(self.syntax, K.LPAREN)

    @property
    def close(self) -> Token | None:
        """The closing `)` or `,)` (None while the list is still open)."""
        for c in reversed(self.syntax.children):
            if isinstance(c, Token) and c.kind in (K.RPAREN, K.COMMA_RPAREN):
                return c
        return None


# ---------------------------------------------------------------------- send
class Send(AstNode):
    """SEND / SYNC_SEND: NAME (channel), send token, (IDENT method,) ARGS, (SYNC_CONT)."""

    KIND = K.SEND
    READS = frozenset({K.NAME, K.ARGS})

    @classmethod
    def cast(cls, node: Node | Token | None) -> Send | None:
        if isinstance(node, Node) and node.kind in (K.SEND, K.SYNC_SEND):
            return cls(node)
        return None

    @property
    def channel(self) -> Node | None:
        return child_node(self.syntax, K.NAME)

    @property
    def args_node(self) -> Node | None:
        return child_node(self.syntax, K.ARGS)

    @property
    def args(self) -> list[Node]:
        a = self.args_node
        return nodes(a) if a is not None else []

    @property
    def written_args(self) -> list[Node]:
        """The arguments actually written (an empty placeholder for a missing argument,
        as in `f!(a, )`, is left out)."""
        return [a for a in self.args if a.end > a.start]

    @property
    def op(self) -> Token | None:
        """The send token: `!`, `!!` or `!?`."""
        return child_token(self.syntax, K.BANG, K.BANG_BANG, K.BANG_QUESTION)

    @property
    def is_sync(self) -> bool:
        return self.syntax.kind == K.SYNC_SEND

    @property
    def method(self) -> Token | None:
        """The method of the sugar `ch!m(a).` [RS]."""
        return child_token(self.syntax, K.IDENT) if self.is_sync else None


def send_of_first_arg(el: Node | Token) -> Send | None:
    """The send whose first written argument contains ``el`` (the method string of
    `api!("get", …)`, the URI of `rl!(`rho:…`, …)`), or None."""
    args = el.parent
    while args is not None and args.kind != K.ARGS:
        args = args.parent
    send = Send.cast(args.parent if args is not None else None)
    if send is None:
        return None
    written = send.written_args
    if not written or not (written[0].start <= el.start and el.end <= written[0].end):
        return None
    return send


# ---------------------------------------------------------------------- agents
class AgentDecl(AstNode):
    """AGENT_DECL: `private`?, `constructor` | `method` IDENT | `default`, `(`, NAME_PATTERNS,
    `)`, body."""

    KIND = K.AGENT_DECL
    READS = frozenset(
        {K.KW_PRIVATE, K.KW_CONSTRUCTOR, K.KW_METHOD, K.KW_DEFAULT, K.IDENT, K.NAME_PATTERNS}
    )

    @property
    def is_private(self) -> bool:
        return has_token(self.syntax, K.KW_PRIVATE)

    @property
    def private_token(self) -> Token | None:
        return child_token(self.syntax, K.KW_PRIVATE)

    @property
    def decl_keyword(self) -> Token | None:
        """`constructor`, `method` or `default`."""
        return child_token(self.syntax, K.KW_CONSTRUCTOR, K.KW_METHOD, K.KW_DEFAULT)

    @property
    def is_constructor(self) -> bool:
        return has_token(self.syntax, K.KW_CONSTRUCTOR)

    @property
    def method_name(self) -> Token | None:
        return child_token(self.syntax, K.IDENT)

    @property
    def formals(self) -> list[Node]:
        return child_nodes(self.syntax, K.NAME_PATTERNS)

    @property
    def body(self) -> list[Node]:
        return [c for c in nodes(self.syntax) if c.kind != K.NAME_PATTERNS]


class Agent(AstNode):
    """AGENT: `agent`, NAME, `{`, AGENT_DECL (`|` AGENT_DECL)*, `}` [RS]."""

    KIND = K.AGENT
    READS = frozenset({K.NAME, K.AGENT_DECL})

    @property
    def name(self) -> Node | None:
        return child_node(self.syntax, K.NAME)

    @property
    def decls(self) -> list[Node]:
        return child_nodes(self.syntax, K.AGENT_DECL)


VIEWS: tuple[type[AstNode], ...] = (
    SourceFile,
    Name,
    NamePatterns,
    Remainder,
    VarRef,
    NameDecl,
    New,
    Contract,
    Bind,
    Source,
    Receipt,
    For,
    Branch,
    Select,
    Case,
    Match,
    Matches,
    LetDecl,
    Let,
    Quote,
    MethodCall,
    Args,
    Send,
    AgentDecl,
    Agent,
)
