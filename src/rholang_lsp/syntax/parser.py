"""Resilient recursive-descent parser for the union of the RNode and rholang-rs dialects.

The parser never raises. Syntax errors become ``ERROR`` nodes plus one diagnostic
per cause; dialect-specific constructs become diagnostics whose severity depends on
the target (see ``Parser.rn_only`` / ``rs_ext`` / ``rc_only``). The tree shape is
documented in ``TREE.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from rholang_lsp.syntax import checkpoint
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.kinds import (
    BUNDLE_KEYWORDS,
    CLOSERS,
    RECEIVE_ARROWS,
    SEND_OPS,
    SIMPLE_TYPES,
    K,
    SyntaxKind,
)
from rholang_lsp.syntax.lexer import SOURCE, line_col
from rholang_lsp.syntax.pauses import MAX_DEPTH as MAX_DEPTH  # re-exported: callers import
from rholang_lsp.syntax.pauses import SETTLE_AFTER as SETTLE_AFTER  # these from the parser
from rholang_lsp.syntax.pauses import full_gc_paused as full_gc_paused
from rholang_lsp.syntax.pauses import gc_paused as gc_paused
from rholang_lsp.syntax.pauses import recursion_headroom as recursion_headroom
from rholang_lsp.syntax.pauses import settle_young as settle_young
from rholang_lsp.syntax.tree import Node, Token

#: Tokens between two calls of ``syntax.checkpoint`` (compiled builds: GIL hand-over and
#: cancellation; about 0.3 ms of compiled parsing)
CHECK_EVERY: Final = 512
#: Tokens ``pair_brackets`` pairs between two calls of ``checkpoint``.
PAIR_BLOCK: Final = 8 * CHECK_EVERY
E: Final = Severity.ERROR
W: Final = Severity.WARNING

# ---- token classes -----------------------------------------------------------
IDENT: Final = K.IDENT
EOF: Final = K.EOF
PIPE: Final = K.PIPE
COMMA: Final = K.COMMA
COMMA_RPAREN: Final = K.COMMA_RPAREN
RPAREN: Final = K.RPAREN
RBRACE: Final = K.RBRACE
RBRACKET: Final = K.RBRACKET
LPAREN: Final = K.LPAREN
LBRACE: Final = K.LBRACE
PIPE_RBRACE: Final = K.PIPE_RBRACE
ELLIPSIS: Final = K.ELLIPSIS
SEMI: Final = K.SEMI
AMP: Final = K.AMP
DOT: Final = K.DOT
AT: Final = K.AT
UNDERSCORE: Final = K.UNDERSCORE
BANG: Final = K.BANG
BANG_BANG: Final = K.BANG_BANG
BANG_QUESTION: Final = K.BANG_QUESTION
ERROR_TOKEN: Final = K.ERROR_TOKEN

_OPEN_CLASS: Final = {K.LPAREN: 0, K.BIGINT_OPEN: 0, K.LBRACKET: 1, K.LBRACE: 2, K.LBRACE_PIPE: 3}
_CLOSE_CLASS: Final = {K.RPAREN: 0, K.COMMA_RPAREN: 0, K.RBRACKET: 1, K.RBRACE: 2, K.PIPE_RBRACE: 3}

LITERALS: Final = frozenset(
    {K.INT, K.STRING, K.URI, K.TYPED_NUMBER, K.FLOAT, K.KW_TRUE, K.KW_FALSE, K.KW_NIL}
)
BUNDLES: Final = BUNDLE_KEYWORDS
PROC_KEYWORDS: Final = frozenset(
    {K.KW_NEW, K.KW_IF, K.KW_CONTRACT, K.KW_FOR, K.KW_SELECT, K.KW_MATCH, K.KW_LET} | BUNDLES
)
#: Tokens that can begin a process.
START: Final = frozenset(
    LITERALS
    | SIMPLE_TYPES
    | PROC_KEYWORDS
    | {
        K.IDENT,
        K.UNDERSCORE,
        K.AT,
        K.BIGINT_OPEN,
        K.LBRACE,
        K.LBRACE_PIPE,
        K.LPAREN,
        K.LBRACKET,
        K.KW_SET,
        K.STAR,
        K.MINUS,
        K.KW_NOT,
        K.TILDE,
        K.EQ,
        K.EQ_STAR,
        K.ERROR_TOKEN,
    }
)
NAME_START: Final = frozenset({K.IDENT, K.UNDERSCORE, K.AT})
ARROWS: Final = RECEIVE_ARROWS
PREFIX_OPS: Final = frozenset({K.MINUS, K.KW_NOT, K.TILDE, K.STAR, K.AT, K.EQ, K.EQ_STAR})
SOFT_KEYWORDS: Final = frozenset(SIMPLE_TYPES | {K.KW_IN, K.KW_NIL, K.KW_SET})

BINOP_BP: Final[dict[SyntaxKind, int]] = {
    K.KW_OR: 4,
    K.PIPE_PIPE: 4,
    K.KW_AND: 5,
    K.AMP_AMP: 5,
    K.EQ_EQ: 6,
    K.NOT_EQ: 6,
    K.KW_MATCHES: 6,
    K.LT: 7,
    K.LE: 7,
    K.GT: 7,
    K.GE: 7,
    K.PLUS: 8,
    K.MINUS: 8,
    K.PLUS_PLUS: 8,
    K.MINUS_MINUS: 8,
    K.STAR: 9,
    K.SLASH: 9,
    K.PERCENT: 9,
    K.PERCENT_PERCENT: 9,
}

#: Node kinds that are processes but not expressions (RNode levels 0-3).
PROCESS_KINDS: Final = frozenset(
    {
        K.PAR,
        K.NEW,
        K.IF,
        K.SYNC_SEND,
        K.CONTRACT,
        K.FOR,
        K.SELECT,
        K.MATCH,
        K.BUNDLE,
        K.LET,
        K.SEND,
        K.AGENT,
    }
)
LEVEL2_OR_LOWER: Final = PROCESS_KINDS - {K.SEND}
#: Node kinds allowed as an RNode case pattern (level 13 and tighter).
PATTERN_OK: Final = frozenset(
    {
        K.VAR_REF,
        K.VAR,
        K.WILDCARD,
        K.LITERAL,
        K.BIGINT_LITERAL,
        K.SIMPLE_TYPE,
        K.LIST,
        K.TUPLE,
        K.SET,
        K.MAP,
        K.PATHMAP,
        K.BLOCK,
        K.ERROR,
        K.QUOTE,
    }
)

#: What ``Parser.close`` accepts as the closer of each kind of bracket.
CLOSE_PAREN: Final = frozenset({RPAREN})
CLOSE_PAREN_OR_COMMA: Final = frozenset({RPAREN, COMMA_RPAREN})
CLOSE_BRACKET: Final = frozenset({RBRACKET})
CLOSE_BRACE: Final = frozenset({RBRACE})
CLOSE_BLOCK: Final = frozenset({RBRACE, PIPE_RBRACE})
CLOSE_PATHMAP: Final = frozenset({PIPE_RBRACE})

DANGLING_BAR: Final = "Dangling `|`: remove it or add a process after it."

_CLOSER_TEXT: Final = {K.RPAREN: ")", K.RBRACKET: "]", K.RBRACE: "}", K.PIPE_RBRACE: "|}"}
_OPENER_WHAT: Final = {
    K.LPAREN: "the `(`",
    K.BIGINT_OPEN: "the `BigInt(`",
    K.LBRACKET: "the `[`",
    K.LBRACE: "the block",
    K.LBRACE_PIPE: "the `{|`",
}


def pair_brackets(
    kinds: Sequence[SyntaxKind], indent: Callable[[int], tuple[int, bool]] | None = None
) -> list[int]:
    """Index of the matching bracket for every bracket token (-1: unmatched).

    ``indent`` (token index -> the indentation of its line, whether it begins the line) makes a
    closer that begins its line pair with the innermost open bracket of its class on a line of
    the same indentation, when there is one (``syntax.recovery``)."""
    match = [-1] * len(kinds)
    stack: list[int] = []
    classes: list[int] = []
    open_class = _OPEN_CLASS
    close_class = _CLOSE_CLASS
    n = len(kinds)
    for block in range(0, n, PAIR_BLOCK):
        if block:
            checkpoint()  # see ``CHECK_EVERY``
        for i in range(block, min(n, block + PAIR_BLOCK)):
            k = kinds[i]
            c = open_class.get(k)
            if c is not None:
                stack.append(i)
                classes.append(c)
                continue
            c = close_class.get(k)
            if c is None or not stack:
                continue
            if k is PIPE_RBRACE and classes[-1] == 2:
                c = 2  # `P |}`: a dangling bar before the `}` of a block
            j = len(stack) - 1
            lowest = max(-1, j - 4)
            if indent is not None:
                width, first = indent(i)
                if first and indent(stack[j])[0] != width:
                    same = j
                    while same >= 0 and not (
                        classes[same] == c and indent(stack[same])[0] == width
                    ):
                        same -= 1
                    if same >= 0:
                        j, lowest = same, -1
            while j > lowest and classes[j] != c:
                j -= 1
            if j > lowest:
                o = stack[j]
                match[o] = i
                match[i] = o
                del stack[j:]
                del classes[j:]
    return match


def describe(tok: Token) -> str:
    if tok.kind is EOF:
        return "end of file"
    text = tok.text if len(tok.text) <= 20 else tok.text[:17] + "..."
    return f"`{text}`"


class Parser:
    def __init__(
        self,
        text: str,
        tokens: list[Token],
        target: str = "f1r3fly",
        match: list[int] | None = None,
    ) -> None:
        self.text = text
        self.toks = tokens
        self.kinds = [t.kind for t in tokens]
        self.match = match if match is not None else pair_brackets(self.kinds)
        self.pos = 0
        self.next_check = CHECK_EVERY  # token position of the next checkpoint()
        self.rnode = target == "rnode"
        self.diags: list[Diagnostic] = []
        self.last_err = -1
        self.depth = 0
        self.max_depth = 0
        self.too_deep_reported = False
        #: start of a token/comment left unterminated at EOF (errors after it are noise)
        self.mute_from = len(text) + 1

    # ---- diagnostics ------------------------------------------------------------
    def error(self, start: int, end: int, msg: str, code: str = "syntax") -> None:
        if start == self.last_err or start >= self.mute_from:
            return  # one cause, one diagnostic
        self.last_err = start
        self.diags.append(Diagnostic(start, end, E, msg, code, SOURCE))

    def report(self, start: int, end: int, sev: Severity, msg: str, code: str) -> None:
        self.diags.append(Diagnostic(start, end, sev, msg, code, SOURCE))

    def rn_only(self, start: int, end: int, msg: str, code: str) -> None:
        """A restriction only RNode enforces: error for rnode, warning for f1r3fly."""
        self.report(start, end, E if self.rnode else W, msg, code)

    def rs_ext(self, start: int, end: int, msg: str, code: str) -> None:
        """An F1R3FLY (rholang-rs) extension: error for rnode, nothing for f1r3fly."""
        if self.rnode:
            self.report(start, end, E, msg, code)

    def rc_only(self, start: int, end: int, msg: str, code: str) -> None:
        """Only in rchain's BNFC grammar: error for f1r3fly, nothing for rnode."""
        if not self.rnode:
            self.report(start, end, E, msg, code)

    def lc(self, offset: int) -> str:
        return line_col(self.text, offset)

    # ---- token helpers ----------------------------------------------------------
    def peek(self) -> SyntaxKind:
        return self.kinds[self.pos]

    def nth(self, n: int) -> SyntaxKind:
        i = self.pos + n
        kinds = self.kinds
        return kinds[i] if i < len(kinds) else EOF

    def bump(self) -> Token:
        tok = self.toks[self.pos]
        if tok.kind is not EOF:
            self.pos += 1
            if self.pos >= self.next_check:
                self.next_check = self.pos + CHECK_EVERY
                checkpoint()
        return tok

    def cur(self) -> Token:
        return self.toks[self.pos]

    def prev_end(self) -> int:
        if self.pos == 0:
            return self.toks[0].full_start
        return self.toks[self.pos - 1].end

    def missing_node(self) -> Node:
        return Node(K.ERROR, (), self.cur().start)

    def expect(self, kind: SyntaxKind, text: str, context: str = "") -> Token | None:
        if self.kinds[self.pos] is kind:
            return self.bump()
        tok = self.cur()
        hint = self._hint(tok)
        where = f" {context}" if context else ""
        self.error(
            tok.start,
            max(tok.end, tok.start),
            f"Expected `{text}`{where}, found {describe(tok)}.{hint}",
            "expected-token",
        )
        return None

    def expect_into(
        self, items: list[Node | Token], kind: SyntaxKind, text: str, context: str = ""
    ) -> bool:
        """``expect``, appending the token to ``items``; False when it is missing."""
        if self.kinds[self.pos] is kind:
            items.append(self.bump())
            return True
        self.expect(kind, text, context)
        return False

    def expected(self, what: str, code: str, hint: bool = False) -> None:
        """Report "Expected <what>, found <the current token>." at the current token."""
        tok = self.cur()
        extra = self._hint(tok) if hint else ""
        self.error(tok.start, tok.end, f"Expected {what}, found {describe(tok)}.{extra}", code)

    def eat(self, kind: SyntaxKind, items: list[Node | Token], what: str, code: str) -> None:
        """Append the next token to ``items`` if it is ``kind``; else report it (``expected``)."""
        if self.kinds[self.pos] is kind:
            items.append(self.bump())
        else:
            self.expected(what, code)

    def _hint(self, tok: Token) -> str:
        k = tok.kind
        if k is K.EQ:
            return " Did you mean `==`?"
        if k is K.LARROW:
            return " `<-` is the receive arrow; write `x < -1`."
        return ""

    def close(
        self, open_idx: int, accept: frozenset[SyntaxKind], items: list[Node | Token]
    ) -> None:
        """Consume the closer of the bracket at ``open_idx`` (skipping garbage before it)."""
        k = self.kinds[self.pos]
        # an unpaired opener does not take a closer that pairs with another (outer) opener:
        # the brace the user left open is reported where its block ends, not at end of file
        if k in accept and not (self.match[open_idx] < 0 and self.match[self.pos] >= 0):
            items.append(self.bump())
            return
        opener = self.toks[open_idx]
        m = self.match[open_idx]
        want = (
            "}"
            if RBRACE in accept
            else ("]" if RBRACKET in accept else ("|}" if PIPE_RBRACE in accept else ")"))
        )
        if m > self.pos:
            tok = self.cur()
            skipped = self.toks[self.pos : m]
            self.pos = m
            err = Node(K.ERROR, list(skipped))
            self.error(
                tok.start,
                err.end,
                f"Expected `{want}` to close {_OPENER_WHAT.get(opener.kind, 'the bracket')} "
                f"opened at {self.lc(opener.start)}, found {describe(tok)}.{self._hint(tok)}",
                "unexpected-token",
            )
            items.append(err)
            if self.kinds[self.pos] is PIPE_RBRACE and want == "}":
                self.error(
                    self.cur().start,
                    self.cur().start + 1,
                    DANGLING_BAR,
                    "dangling-bar",
                )
            items.append(self.bump())
            return
        pe = self.prev_end()
        self.error(
            pe,
            pe,
            f"Missing token: `{want}` — expected `{want}` to close "
            f"{_OPENER_WHAT.get(opener.kind, 'the bracket')} opened at {self.lc(opener.start)}.",
            "missing-token",
        )

    # ---- depth guard --------------------------------------------------------------
    def too_deep(self) -> Node | None:
        """If nesting is too deep, consume the nested rest into an ERROR node."""
        if self.depth < MAX_DEPTH:
            return None
        start_tok = self.cur()
        items: list[Node | Token] = []
        kinds = self.kinds
        while kinds[self.pos] in PREFIX_OPS:
            items.append(self.bump())
        k = kinds[self.pos]
        if k in _OPEN_CLASS:
            m = self.match[self.pos]
            end = m + 1 if m >= 0 else len(kinds) - 1
            items.extend(self.toks[self.pos : end])
            self.pos = end
        elif k is not EOF and k not in CLOSERS and k is not PIPE:
            items.append(self.bump())
        if not self.too_deep_reported:
            self.too_deep_reported = True
            self.report(
                start_tok.start,
                start_tok.end,
                E,
                f"Nesting too deep (more than {MAX_DEPTH} levels); the rest of this "
                "construct is not analysed.",
                "nesting-too-deep",
            )
        return Node(K.ERROR, items, start_tok.start)

    # ---- program ----------------------------------------------------------------
    def parse_file(self) -> Node:
        with recursion_headroom():
            items: list[Node | Token] = []
            if self.kinds[self.pos] is EOF:
                if self.rnode:
                    self.report(
                        0,
                        0,
                        E,
                        "Empty program: RNode needs at least one process (write `Nil`).",
                        "empty-program",
                    )
            else:
                items.append(self.parse_seq(EOF, None))
            items.append(self.toks[-1])
            self.pos = len(self.toks) - 1
            return Node(K.SOURCE_FILE, items)

    def parse_seq(self, closer: SyntaxKind, first: Node | None) -> Node:
        """Processes up to ``closer``: ``|``-separated, with recovery for juxtaposition."""
        kinds = self.kinds
        items: list[Node | Token] = []
        if first is not None:
            if first.kind is K.PAR:
                items.extend(first.children)
            else:
                items.append(first)
        skipped = False
        top = closer is EOF
        while True:
            k = kinds[self.pos]
            if k is closer or k is EOF:
                break
            if k is PIPE_RBRACE and closer is RBRACE:
                break
            if not top and k in CLOSERS and self.match[self.pos] >= 0:
                break  # belongs to an enclosing bracket
            if k in START:
                if items and not skipped and not isinstance(items[-1], Token):
                    tok = self.cur()
                    if top:
                        self.rs_ext(
                            tok.start,
                            tok.end,
                            "Missing `|` between parallel processes "
                            "(RNode accepts only one top-level process).",
                            "missing-bar",
                        )
                    else:
                        self.error(
                            tok.start,
                            tok.end,
                            "Missing `|` between parallel processes.",
                            "missing-bar",
                        )
                before = self.pos
                p = self.parse_proc()
                if p.kind is K.PAR:
                    items.extend(p.children)
                else:
                    items.append(p)
                skipped = False
                if self.pos == before:  # safety: always make progress
                    items.append(Node(K.ERROR, (self.bump(),)))
                continue
            if k is PIPE:
                bar = self.bump()
                items.append(bar)
                nk = kinds[self.pos]
                if nk not in START:
                    self.error(
                        bar.start,
                        bar.end,
                        DANGLING_BAR,
                        "dangling-bar",
                    )
                continue
            # garbage: skip to something we can resume at
            bad_first = self.cur()
            bad: list[Node | Token] = []
            while True:
                k = kinds[self.pos]
                if k is EOF or k is closer or k in START or k is PIPE:
                    break
                if k in CLOSERS and (self.match[self.pos] >= 0 and not top):
                    break
                if k is PIPE_RBRACE and closer is RBRACE:
                    break
                m = self.match[self.pos]
                if k in _OPEN_CLASS and m > self.pos:
                    bad.extend(self.toks[self.pos : m + 1])
                    self.pos = m + 1
                else:
                    bad.append(self.bump())
            if bad_first.kind is not ERROR_TOKEN:
                self.error(
                    bad_first.start,
                    bad_first.end,
                    self._unexpected_msg(bad_first),
                    "unexpected-token",
                )
            items.append(Node(K.ERROR, bad))
            skipped = True
        if len(items) == 1 and isinstance(items[0], Node):
            return items[0]
        if not items:
            return self.missing_node()
        return Node(K.PAR, items)

    def _unexpected_msg(self, tok: Token) -> str:
        k = tok.kind
        if k in CLOSERS:
            return f"Unexpected {describe(tok)}: there is no matching opening bracket."
        if k in (COMMA, SEMI):
            return f"Unexpected {describe(tok)}: processes are composed with `|`."
        return f"Unexpected {describe(tok)}.{self._hint(tok)}"

    # ---- processes ------------------------------------------------------------------
    def parse_proc(self) -> Node:
        """proc = proc1 { '|' proc1 }"""
        self.depth += 1
        if self.depth > self.max_depth:
            self.max_depth = self.depth
        try:
            first = self.parse_proc1()
            kinds = self.kinds
            if kinds[self.pos] is not PIPE:
                return first
            items: list[Node | Token] = [first]
            while kinds[self.pos] is PIPE:
                bar = self.bump()
                items.append(bar)
                if kinds[self.pos] not in START:
                    if kinds[self.pos] is not PIPE_RBRACE:
                        self.error(
                            bar.start,
                            bar.end,
                            DANGLING_BAR,
                            "dangling-bar",
                        )
                    break
                p = self.parse_proc1()
                items.append(p)
            return Node(K.PAR, items)
        finally:
            self.depth -= 1

    def parse_proc1(self) -> Node:
        deep = self.too_deep()
        if deep is not None:
            return deep
        self.depth += 1
        try:
            return self._proc1()
        finally:
            self.depth -= 1

    def _proc1(self) -> Node:
        k = self.kinds[self.pos]
        if k in PROC_KEYWORDS:
            if k is K.KW_NEW:
                return self.parse_new()
            if k is K.KW_FOR:
                return self.parse_for()
            if k is K.KW_CONTRACT:
                return self.parse_contract()
            if k is K.KW_MATCH:
                return self.parse_match()
            if k is K.KW_IF:
                return self.parse_if()
            if k is K.KW_LET:
                return self.parse_let()
            if k is K.KW_SELECT:
                return self.parse_select()
            return self.parse_bundle()
        if k is IDENT or k is UNDERSCORE:
            k2 = self.nth(1)
            if k2 in SEND_OPS:
                return self.parse_send_rest(self.parse_name())
            if k is IDENT:
                special = self._ident_special(k2)
                if special is not None:
                    return special
        elif k is AT:
            return self._quoted_name_proc()
        expr = self.parse_expr(4)
        if self.kinds[self.pos] in SEND_OPS and expr.kind is K.ERROR and expr.children:
            return self.parse_send_rest(Node(K.NAME, (expr,)))  # e.g. a template placeholder
        if self.kinds[self.pos] in SEND_OPS and expr.kind is not K.ERROR:
            self.error(
                expr.start,
                expr.end,
                "Only names can be channels; quote the process: "
                f"`@{expr.kind is K.LITERAL and expr.children[0].text or '…'}!(…)`.",
                "literal-channel",
            )
            return self.parse_send_rest(Node(K.NAME, (Node(K.ERROR, (expr,)),)))
        return expr

    def _quoted_name_proc(self) -> Node:
        """`@…` where a process starts: a send on it, else an error (a name is no process)."""
        name = self.parse_name()
        if self.kinds[self.pos] in SEND_OPS:
            return self.parse_send_rest(name)
        return self._name_as_process(name)

    def _name_as_process(self, name: Node) -> Node:
        quote = name.children[0]
        shown = "…"
        if isinstance(quote, Node) and len(quote.children) > 1:
            inner = quote.children[1]
            if isinstance(inner, Node) and inner.kind is K.VAR:
                shown = inner.children[0].text if isinstance(inner.children[0], Token) else "…"
        self.error(
            name.start,
            name.end,
            f"Arguments are processes: send `*{shown}` (or "
            f"`{shown}` if it is a process variable), not the name `@{shown}`.",
            "name-as-process",
        )
        return Node(K.ERROR, (name,))

    def _ident_special(self, k2: SyntaxKind) -> Node | None:
        tok = self.cur()
        text = tok.text
        if k2 is LPAREN:
            self.error(
                tok.start,
                tok.end,
                f"Contracts are invoked by sending: `{text}!(…)`.",
                "call-syntax",
            )
            name = self.parse_name()
            return Node(K.SEND, (name, self.parse_args()))
        if text == "agent" and k2 is IDENT and self.nth(2) is LBRACE:
            return self.parse_agent()
        if (text == "import" or text == "export") and k2 is IDENT:
            return self._skip_legacy_linker()
        return None

    def _skip_legacy_linker(self) -> Node:
        first = self.cur()
        self.error(
            first.start,
            first.end,
            "`import`/`export` are not Rholang; use the registry (`rho:registry:lookup`).",
            "legacy-syntax",
        )
        items: list[Node | Token] = []
        kinds = self.kinds
        while kinds[self.pos] not in (K.KW_IN, EOF, LBRACE):
            if kinds[self.pos] in CLOSERS and self.match[self.pos] >= 0:
                break
            items.append(self.bump())
        if kinds[self.pos] is K.KW_IN:
            items.append(self.bump())
            if kinds[self.pos] in START:
                items.append(self.parse_proc1())
        return Node(K.ERROR, items)

    # ---- new ------------------------------------------------------------------------
    def parse_new(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        kinds = self.kinds
        while True:
            k = kinds[self.pos]
            if k is IDENT or (k in SOFT_KEYWORDS and self.nth(1) in (K.KW_IN, COMMA, LPAREN)):
                if k is not IDENT:
                    tok = self.cur()
                    self.rn_only(
                        tok.start,
                        tok.end,
                        f"`{tok.text}` is a keyword and cannot be used as a name.",
                        "keyword-as-name",
                    )
                items.append(self.parse_name_decl())
            else:
                if (
                    k in SyntaxKind.__members__.values()
                    and k.name.startswith("KW_")
                    and k is not K.KW_IN
                ):
                    items.append(self._keyword_as_name())
                else:
                    self.expected(
                        f"a name to declare after `{'new' if len(items) == 1 else ','}`",
                        "expected-name",
                    )
                    break
            if kinds[self.pos] is COMMA:
                comma = self.bump()
                items.append(comma)
                if kinds[self.pos] is K.KW_IN:
                    self.rn_only(
                        comma.start,
                        comma.end,
                        "Trailing comma in `new` declaration list.",
                        "trailing-comma",
                    )
                    break
                continue
            if kinds[self.pos] is IDENT and self.nth(1) in (COMMA, K.KW_IN, LPAREN):
                pe = self.prev_end()
                self.error(
                    pe,
                    pe,
                    "Missing token: `,` between the names declared by `new`.",
                    "missing-token",
                )
                continue
            break
        if (
            not self.expect_into(items, K.KW_IN, "in", "after the declarations of `new`")
            and kinds[self.pos] not in START
        ):
            return Node(K.NEW, items)
        items.append(self.parse_proc1())
        return Node(K.NEW, items)

    def parse_name_decl(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        if self.kinds[self.pos] is LPAREN:
            open_idx = self.pos
            items.append(self.bump())
            self.eat(K.URI, items, "a URI such as `rho:io:stdout` in backticks", "expected-uri")
            self.close(open_idx, CLOSE_PAREN, items)
        return Node(K.NAME_DECL, items)

    # ---- if -------------------------------------------------------------------------
    def parse_if(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        if self.kinds[self.pos] is LPAREN:
            open_idx = self.pos
            items.append(self.bump())
            items.append(self.parse_proc())
            self.close(open_idx, CLOSE_PAREN, items)
        else:
            self.expect(LPAREN, "(", "after `if`")
            items.append(self.parse_proc())
        then = self.parse_proc1()
        items.append(then)
        if (
            then.kind in (K.NEW, K.IF, K.SYNC_SEND)
            and self.kinds[self.pos] is K.KW_ELSE
            or then.kind in (K.NEW, K.SYNC_SEND)
        ):
            self.rn_only(
                then.start,
                then.end,
                "Wrap this branch in `{ }` (RNode accepts only "
                "a level-2 process as the `then` branch).",
                "brace-then",
            )
        if self.kinds[self.pos] is K.KW_ELSE:
            items.append(self.bump())
            items.append(self.parse_proc1())
        return Node(K.IF, items)

    # ---- sends ----------------------------------------------------------------------
    def parse_send_rest(self, name: Node) -> Node:
        kinds = self.kinds
        op = self.bump()
        items: list[Node | Token] = [name, op]
        if op.kind is BANG_QUESTION:
            items.append(self.parse_args_or_missing())
            items.append(self.parse_sync_cont())
            return Node(K.SYNC_SEND, items)
        if op.kind is BANG and kinds[self.pos] is IDENT and self.nth(1) is LPAREN:
            meth = self.bump()
            items.append(meth)
            self.rs_ext(
                op.start,
                meth.end,
                "Method-send sugar `ch!m(…)` is an F1R3FLY "
                "(rholang-rs) extension; RNode does not accept it.",
                "dialect-send-method",
            )
            items.append(self.parse_args())
            items.append(self.parse_sync_cont())
            return Node(K.SYNC_SEND, items)
        items.append(self.parse_args_or_missing())
        return Node(K.SEND, items)

    def parse_args_or_missing(self) -> Node:
        if self.kinds[self.pos] is LPAREN:
            return self.parse_args()
        self.expected("`(` with the message after the send operator", "expected-token")
        return Node(K.ARGS, (), self.prev_end())

    def parse_sync_cont(self) -> Node:
        k = self.kinds[self.pos]
        if k is DOT:
            return Node(K.SYNC_CONT, (self.bump(),))
        if k is SEMI:
            semi = self.bump()
            return Node(K.SYNC_CONT, (semi, self.parse_proc1()))
        pe = self.prev_end()
        self.error(
            pe,
            pe,
            "Missing token: `.` — a synchronous send must be followed by `.` or by "
            "`;` and the continuation.",
            "missing-token",
        )
        return Node(K.SYNC_CONT, (), pe)

    def parse_args(self) -> Node:
        """ARGS: `(` [proc {`,` proc} [`,`]] `)`"""
        open_idx = self.pos
        items: list[Node | Token] = [self.bump()]
        kinds = self.kinds
        while True:
            k = kinds[self.pos]
            if k not in START:
                break
            items.append(self.parse_proc())
            k = kinds[self.pos]
            if k is COMMA:
                items.append(self.bump())
                continue
            if k is COMMA_RPAREN:
                self._trailing_comma(
                    "Remove the trailing comma before `)` (RNode "
                    "reads `,)` as the end of a one-element tuple)."
                )
            break
        self.close(open_idx, CLOSE_PAREN_OR_COMMA, items)
        return Node(K.ARGS, items)

    def _trailing_comma(self, msg: str = "Remove the trailing comma before `)`.") -> None:
        """Flag the `,)` at the current token (only RNode rejects it)."""
        tok = self.cur()
        self.rn_only(tok.start, tok.end, msg, "trailing-comma")

    # ---- names and patterns ---------------------------------------------------------------
    def parse_name(self) -> Node:
        k = self.kinds[self.pos]
        if k is IDENT:
            return Node(K.NAME, (Node(K.VAR, (self.bump(),)),))
        if k is UNDERSCORE:
            return Node(K.NAME, (Node(K.WILDCARD, (self.bump(),)),))
        if k is AT:
            deep = self.too_deep()
            if deep is not None:
                return Node(K.NAME, (deep,))
            self.depth += 1
            try:
                at = self.bump()
                operand = self.parse_l12()
                if operand.kind is K.PAREN:
                    self.rn_only(
                        operand.start,
                        operand.end,
                        "Use braces to quote an expression: `@{…}` (RNode rejects `@(…)`).",
                        "quote-paren",
                    )
                while self.kinds[self.pos] is DOT and self.nth(1) is IDENT:
                    operand = self._method_call(operand)
                    self.rn_only(
                        operand.start,
                        operand.end,
                        "Wrap the method call in braces: `@{x.m()}` (RNode rejects `@x.m()`).",
                        "quote-method",
                    )
                return Node(K.NAME, (Node(K.QUOTE, (at, operand)),))
            finally:
                self.depth -= 1
        if k.name.startswith("KW_"):
            return Node(K.NAME, (self._keyword_as_name(),))
        self.expected("a name (an identifier, `_` or `@…`)", "expected-name")
        return Node(K.NAME, (self.missing_node(),))

    def _keyword_as_name(self) -> Node:
        """Report the keyword at the current token used as a name; swallow it."""
        tok = self.cur()
        self.error(
            tok.start,
            tok.end,
            f"`{tok.text}` is a keyword and cannot be used as a name.",
            "keyword-as-name",
        )
        return Node(K.ERROR, (self.bump(),))

    def parse_name_patterns(self) -> Node:
        """NAME_PATTERNS: [NAME {`,` NAME} [`,`]] [REMAINDER] (the remainder with or without a comma)"""
        kinds = self.kinds
        items: list[Node | Token] = []
        pos0 = self.cur().start
        while True:
            k = kinds[self.pos]
            if k is ELLIPSIS:
                items.append(self.parse_remainder(name_list=True))
                break
            if k not in NAME_START:
                break
            items.append(self.parse_name())
            k = kinds[self.pos]
            if k is COMMA:
                items.append(self.bump())
                continue
            if k is COMMA_RPAREN:
                self._trailing_comma()
            elif k is ELLIPSIS:
                # the grammar's `[Name] NameRemainder`: the remainder follows the last name
                # directly, without a comma (`contract f(ret ...@rest)`)
                items.append(self.parse_remainder(name_list=True))
            break
        return Node(K.NAME_PATTERNS, items, pos0)

    def parse_remainder(self, name_list: bool = False) -> Node:
        items: list[Node | Token] = [self.bump()]
        k = self.kinds[self.pos]
        if k is AT:
            at = self.bump()
            items.append(at)
            if not name_list:
                self.error(
                    at.start,
                    at.end,
                    "A remainder in a collection is written `...rest` (no `@`).",
                    "remainder",
                )
            k = self.kinds[self.pos]
        elif name_list:
            tok = self.cur()
            self.error(
                tok.start,
                tok.end,
                "A remainder in a list of names is written `...@rest`.",
                "remainder",
            )
        if k is IDENT:
            items.append(Node(K.VAR, (self.bump(),)))
        elif k is UNDERSCORE:
            items.append(Node(K.WILDCARD, (self.bump(),)))
        else:
            self.expected("a variable or `_` after `...`", "remainder")
        return Node(K.REMAINDER, items)

    # ---- contract / for / receipts ----------------------------------------------------
    def parse_contract(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        items.append(self.parse_name())
        self._pattern_params(items, "after the contract name")
        self.expect_into(items, K.EQ, "=", "before the body of the contract")
        items.append(self.parse_body("contract"))
        return Node(K.CONTRACT, items)

    def _pattern_params(self, items: list[Node | Token], context: str = "") -> None:
        """`(` NAME_PATTERNS `)` of a contract or agent method, into ``items``."""
        if self.kinds[self.pos] is LPAREN:
            open_idx = self.pos
            items.append(self.bump())
            items.append(self.parse_name_patterns())
            self.close(open_idx, CLOSE_PAREN_OR_COMMA, items)
        else:
            self.expect(LPAREN, "(", context)

    def parse_for(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        kinds = self.kinds
        if kinds[self.pos] is LPAREN:
            open_idx = self.pos
            items.append(self.bump())
            while True:
                items.append(self.parse_receipt())
                if kinds[self.pos] is SEMI:
                    semi = self.bump()
                    items.append(semi)
                    if kinds[self.pos] is RPAREN:
                        self.error(
                            semi.start, semi.end, "Dangling `;` in receipts.", "dangling-semi"
                        )
                        break
                    continue
                break
            self.close(open_idx, CLOSE_PAREN, items)
        else:
            self.expect(LPAREN, "(", "after `for`")
        items.append(self.parse_body("for"))
        return Node(K.FOR, items)

    def parse_receipt(self) -> Node:
        items: list[Node | Token] = [self.parse_bind()]
        kinds = self.kinds
        while kinds[self.pos] is AMP:
            items.append(self.bump())
            items.append(self.parse_bind())
        arrows = {
            b.children[1].kind
            for b in items
            if isinstance(b, Node) and len(b.children) > 1 and isinstance(b.children[1], Token)
        }
        if len(arrows) > 1:
            self.rn_only(
                items[0].start,
                items[-1].end,
                "All binds joined with `&` must use the "
                "same arrow; separate different kinds with `;`.",
                "mixed-arrows",
            )
        if kinds[self.pos] is K.KW_WHERE:
            items.append(self.parse_guard())
        return Node(K.RECEIPT, items)

    def parse_guard(self) -> Node:
        kw = self.bump()
        self.rs_ext(
            kw.start,
            kw.end,
            "`where` guards are an F1R3FLY (rholang-rs) extension; RNode does not accept them.",
            "dialect-where",
        )
        return Node(K.GUARD, (kw, self.parse_proc()))

    def parse_bind(self, select: bool = False) -> Node:
        items: list[Node | Token] = [self.parse_name_patterns()]
        kinds = self.kinds
        k = kinds[self.pos]
        if k in ARROWS:
            arrow = self.bump()
            items.append(arrow)
            if select and k is not K.LARROW:
                self.error(
                    arrow.start,
                    arrow.end,
                    "Only `<-` binds are allowed in `select`.",
                    "select-arrow",
                )
        elif k is K.LT and self.nth(1) is BANG:
            tok = self.cur()
            self.error(tok.start, tok.end + 1, "Peek is written `<<-`.", "legacy-syntax")
            items.append(Node(K.ERROR, (self.bump(), self.bump())))
        else:
            self.expected("`<-`, `<=` or `<<-` in the receive", "expected-arrow", hint=True)
            if k not in NAME_START:
                return Node(K.BIND, items)
        items.append(self.parse_source(k is K.LARROW))
        return Node(K.BIND, items)

    def parse_source(self, linear: bool) -> Node:
        items: list[Node | Token] = [self.parse_name()]
        if linear:
            k = self.kinds[self.pos]
            if k is K.QUESTION_BANG:
                items.append(self.bump())
            elif k is BANG_QUESTION:
                items.append(self.bump())
                items.append(self.parse_args_or_missing())
            elif k is BANG and self.nth(1) is IDENT and self.nth(2) is LPAREN:
                op = self.bump()
                meth = self.bump()
                self.rs_ext(
                    op.start,
                    meth.end,
                    "Method-send sugar `ch!m(…)` is an F1R3FLY (rholang-rs) extension.",
                    "dialect-send-method",
                )
                items += [op, meth, self.parse_args()]
        return Node(K.SOURCE, items)

    def parse_body(self, what: str) -> Node:
        if self.kinds[self.pos] is LBRACE:
            return self.parse_brace(body=True)
        tok = self.cur()
        if what == "let":
            self.rn_only(
                tok.start, tok.end, "The body of `let` must be enclosed in `{ }`.", "body-braces"
            )
        else:
            self.error(
                tok.start,
                tok.end,
                f"The body of `{what}` must be enclosed in `{{ }}`.",
                "body-braces",
            )
        if self.kinds[self.pos] not in START:
            return self.missing_node()
        return self.parse_proc1()

    # ---- select / match -----------------------------------------------------------------
    def parse_select(self) -> Node:
        kw = self.bump()
        sev = E if self.rnode else W
        self.report(
            kw.start,
            kw.end,
            sev,
            "`select` is parsed, but no Rholang node compiles it "
            "(RNode: `Compilation of construct not yet supported.`).",
            "select",
        )
        items: list[Node | Token] = [kw]
        kinds = self.kinds
        if kinds[self.pos] is not LBRACE:
            self.expect(LBRACE, "{", "after `select`")
            return Node(K.SELECT, items)
        open_idx = self.pos
        items.append(self.bump())
        while kinds[self.pos] in NAME_START or kinds[self.pos] in ARROWS:
            items.append(self.parse_branch())
        self.close(open_idx, CLOSE_BRACE, items)
        return Node(K.SELECT, items)

    def parse_branch(self) -> Node:
        items: list[Node | Token] = [self.parse_bind(select=True)]
        kinds = self.kinds
        while kinds[self.pos] in (AMP, SEMI):
            sep = self.bump()
            if sep.kind is SEMI and self.rnode:
                self.report(
                    sep.start,
                    sep.end,
                    E,
                    "RNode: join the binds of a `select` branch with `&`.",
                    "select-separator",
                )
            items.append(sep)
            items.append(self.parse_bind(select=True))
        if kinds[self.pos] is K.KW_WHERE:
            items.append(self.parse_guard())
        self.expect_into(items, K.FAT_ARROW, "=>", "in the `select` branch")
        items.append(self._case_body())
        return Node(K.BRANCH, items)

    def parse_match(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        kinds = self.kinds
        target = self.parse_expr(4)
        items.append(target)
        if target.kind in PROCESS_KINDS:
            self.error(
                target.start,
                target.end,
                "The `match` target must be an expression; wrap the process in `{ }`.",
                "match-target",
            )
        if kinds[self.pos] is IDENT and self.cur().text == "with":
            tok = self.cur()
            self.error(
                tok.start, tok.end, "Old syntax: use `match e { pattern => P }`.", "legacy-syntax"
            )
        if kinds[self.pos] is not LBRACE:
            self.expect(LBRACE, "{", "after the `match` target")
            return Node(K.MATCH, items)
        open_idx = self.pos
        items.append(self.bump())
        ncases = 0
        while True:
            k = kinds[self.pos]
            if k is RBRACE or k is EOF or (k in CLOSERS and self.match[self.pos] >= 0):
                break
            if k is COMMA or k is SEMI:
                tok = self.bump()
                self.error(
                    tok.start, tok.end, "Cases are not separated by `,` or `;`.", "case-separator"
                )
                items.append(Node(K.ERROR, (tok,)))
                continue
            if k not in START:
                tok = self.cur()
                if k is K.FAT_ARROW:
                    self.error(
                        tok.start, tok.end, "Missing pattern before `=>`.", "expected-pattern"
                    )
                    items.append(self._case_rest(self.missing_node()))
                    ncases += 1
                    continue
                self.error(tok.start, tok.end, self._unexpected_msg(tok), "unexpected-token")
                bad: list[Node | Token] = []
                while kinds[self.pos] not in START and kinds[self.pos] not in (RBRACE, EOF):
                    if kinds[self.pos] in CLOSERS and self.match[self.pos] >= 0:
                        break
                    m = self.match[self.pos]
                    if m > self.pos:
                        bad.extend(self.toks[self.pos : m + 1])
                        self.pos = m + 1
                    else:
                        bad.append(self.bump())
                items.append(Node(K.ERROR, bad))
                continue
            before = self.pos
            items.append(self.parse_case())
            ncases += 1
            if self.pos == before:
                items.append(Node(K.ERROR, (self.bump(),)))
        if ncases == 0:
            tok = self.cur()
            self.error(
                tok.start,
                tok.end,
                "A `match` needs at least one case (`pattern => process`).",
                "empty-match",
            )
        self.close(open_idx, CLOSE_BRACE, items)
        return Node(K.MATCH, items)

    def parse_case(self) -> Node:
        pattern = self.parse_proc()
        if (
            pattern.kind not in PATTERN_OK
            and not (pattern.kind is K.BINARY_EXPR and pattern.children[1].kind in (K.CONJ, K.DISJ))
            and not (pattern.kind is K.UNARY_EXPR and pattern.children[0].kind is K.TILDE)
        ):
            self.rn_only(
                pattern.start,
                pattern.end,
                "Wrap this pattern in braces, e.g. `{-1}` / "
                "`{*x}` (or use `=*x`): RNode accepts only simple patterns here.",
                "brace-pattern",
            )
        return self._case_rest(pattern)

    def _case_rest(self, pattern: Node) -> Node:
        items: list[Node | Token] = [pattern]
        if self.kinds[self.pos] is K.KW_WHERE:
            items.append(self.parse_guard())
        if not self.expect_into(items, K.FAT_ARROW, "=>", "after the case pattern"):
            return Node(K.CASE, items)
        items.append(self._case_body())
        return Node(K.CASE, items)

    def _case_body(self) -> Node:
        if self.kinds[self.pos] not in START:
            self.expected("a process after `=>`", "expected-process")
            return self.missing_node()
        body = self.parse_proc()
        if body.kind is K.PAR:
            self.rn_only(
                body.start,
                body.end,
                "A case body with several processes must be wrapped in `{ }`.",
                "brace-case-body",
            )
        elif body.kind in LEVEL2_OR_LOWER:
            self.rn_only(
                body.start,
                body.end,
                "Wrap this case body in `{ }` (RNode accepts "
                "only a send, an expression or a block here).",
                "brace-case-body",
            )
        return body

    # ---- bundle / let / agent ------------------------------------------------------------
    def parse_bundle(self) -> Node:
        kw = self.bump()
        items: list[Node | Token] = [kw]
        k = self.kinds[self.pos]
        if (
            kw.kind is K.KW_BUNDLE
            and (k in (K.PLUS, K.MINUS) or (k is K.INT and self.cur().text == "0"))
            and self.nth(1) is LBRACE
        ):
            tok = self.bump()
            self.error(
                kw.start, tok.end, f"Write `bundle{tok.text}` without a space.", "bundle-space"
            )
            items.append(Node(K.ERROR, (tok,)))
        items.append(self.parse_body("bundle"))
        return Node(K.BUNDLE, items)

    def parse_let(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        kinds = self.kinds
        seps: set[SyntaxKind] = set()
        while True:
            items.append(self.parse_let_decl())
            k = kinds[self.pos]
            if k is SEMI or k is AMP:
                sep = self.bump()
                if seps and k not in seps:
                    self.error(
                        sep.start,
                        sep.end,
                        "The separators `;` and `&` cannot be mixed in one `let`.",
                        "let-separator",
                    )
                seps.add(k)
                items.append(sep)
                continue
            break
        if (
            not self.expect_into(items, K.KW_IN, "in", "after the `let` declarations")
            and kinds[self.pos] not in START
        ):
            return Node(K.LET, items)
        items.append(self.parse_body("let"))
        return Node(K.LET, items)

    def parse_let_decl(self) -> Node:
        kinds = self.kinds
        if kinds[self.pos] is IDENT and self.nth(1) is K.EQ:
            var = Node(K.VAR, (self.bump(),))
            eq = self.bump()
            self.rs_ext(
                var.start,
                eq.end,
                "`let x = P` is an F1R3FLY (rholang-rs) extension; RNode needs `let x <- P`.",
                "dialect-let-assign",
            )
            return Node(K.LET_DECL, (var, eq, self._required_proc("after `=`")))
        items: list[Node | Token] = [self.parse_name_patterns()]
        if not self.expect_into(items, K.LARROW, "<-", "in the `let` declaration"):
            return Node(K.LET_DECL, items)
        while True:
            items.append(self._required_proc("after `<-`"))
            if kinds[self.pos] is COMMA:
                items.append(self.bump())
                continue
            break
        return Node(K.LET_DECL, items)

    def _required_proc(self, where: str) -> Node:
        if self.kinds[self.pos] in START:
            return self.parse_proc()
        self.expected(f"a process {where}", "expected-process")
        return self.missing_node()

    def parse_agent(self) -> Node:
        kw = self.bump()
        kw.kind = K.KW_AGENT
        self.rs_ext(
            kw.start,
            kw.end,
            "Agent blocks are an F1R3FLY (rholang-rs) extension; RNode does not accept them.",
            "dialect-agent",
        )
        items: list[Node | Token] = [kw, self.parse_name()]
        open_idx = self.pos
        items.append(self.bump())  # `{` (checked by the caller)
        kinds = self.kinds
        while True:
            if kinds[self.pos] is IDENT:
                items.append(self.parse_agent_decl())
            else:
                if kinds[self.pos] is not RBRACE:
                    self.expected(
                        "`constructor`, `method`, `default` or `private` in the agent block",
                        "agent-decl",
                    )
                break
            if kinds[self.pos] is PIPE:
                items.append(self.bump())
                continue
            break
        self.close(open_idx, CLOSE_BRACE, items)
        return Node(K.AGENT, items)

    def parse_agent_decl(self) -> Node:
        items: list[Node | Token] = []
        tok = self.cur()
        if tok.text == "private":
            tok.kind = K.KW_PRIVATE
            items.append(self.bump())
            tok = self.cur()
        kind = (
            {"constructor": K.KW_CONSTRUCTOR, "method": K.KW_METHOD, "default": K.KW_DEFAULT}.get(
                tok.text
            )
            if tok.kind is IDENT
            else None
        )
        if kind is None:
            self.expected("`constructor`, `method` or `default`", "agent-decl")
            return Node(K.AGENT_DECL, items, tok.start)
        tok.kind = kind
        items.append(self.bump())
        if kind is K.KW_METHOD:
            self.expect_into(items, IDENT, "method name")
        self._pattern_params(items)
        items.append(self.parse_body(tok.text))
        return Node(K.AGENT_DECL, items)

    # ---- expressions ------------------------------------------------------------------
    def parse_expr(self, min_bp: int) -> Node:
        lhs = self.parse_unary()
        kinds = self.kinds
        bps = BINOP_BP
        while True:
            k = kinds[self.pos]
            bp = bps.get(k)
            if bp is None or bp < min_bp:
                return lhs
            op = self.bump()
            if k is K.AMP_AMP or k is K.PIPE_PIPE:
                word = "and" if k is K.AMP_AMP else "or"
                self.rc_only(
                    op.start,
                    op.end,
                    f"`{op.text}` exists only in rchain's RNode grammar; write `{word}`.",
                    "dialect-logical-op",
                )
            if kinds[self.pos] not in START:
                self.expected(f"an operand after `{op.text}`", "expected-process")
                return Node(K.BINARY_EXPR, (lhs, op, self.missing_node()))
            rhs = self.parse_expr(bp + 1)
            if k is K.KW_MATCHES:
                if lhs.kind is K.MATCHES or (
                    lhs.kind is K.BINARY_EXPR and lhs.children[1].kind in (K.EQ_EQ, K.NOT_EQ)
                ):
                    self.rn_only(
                        op.start,
                        op.end,
                        "Parenthesise: RNode accepts `matches` only "
                        "as the first operator of an equality chain.",
                        "matches-chain",
                    )
                lhs = Node(K.MATCHES, (lhs, op, rhs))
            else:
                lhs = Node(K.BINARY_EXPR, (lhs, op, rhs))

    def parse_unary(self) -> Node:
        k = self.kinds[self.pos]
        if k is K.MINUS or k is K.KW_NOT:
            return self._prefixed(K.UNARY_EXPR, self.parse_unary)
        base = self.parse_l12()
        while self.kinds[self.pos] is DOT:
            if self.nth(1) is not IDENT:
                break
            base = self._method_call(base)
        return base

    def _prefixed(self, kind: SyntaxKind, operand: Callable[[], Node]) -> Node:
        """``kind`` node of the prefix operator at the current token and its operand."""
        deep = self.too_deep()
        if deep is not None:
            return deep
        self.depth += 1
        try:
            op = self.bump()
            return Node(kind, (op, operand()))
        finally:
            self.depth -= 1

    def _method_call(self, base: Node) -> Node:
        dot = self.bump()
        meth = self.bump()
        if self.kinds[self.pos] is LPAREN:
            return Node(K.METHOD_CALL, (base, dot, meth, self.parse_args()))
        self.error(
            dot.start,
            meth.end,
            f"Method calls need parentheses: `.{meth.text}()`.",
            "method-parens",
        )
        return Node(K.METHOD_CALL, (base, dot, meth))

    def parse_l12(self) -> Node:
        k = self.kinds[self.pos]
        if k is K.STAR:
            return self._prefixed(K.EVAL, self.parse_name)
        if k is K.EQ or k is K.EQ_STAR:
            head = self.parse_var_ref()
        else:
            head = self.parse_l14()
        kinds = self.kinds
        while kinds[self.pos] is K.DISJ:
            op = self.bump()
            head = Node(K.BINARY_EXPR, (head, op, self.parse_l14()))
        return head

    def parse_var_ref(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        kinds = self.kinds
        if items[0].kind is K.EQ and kinds[self.pos] is K.STAR:
            items.append(self.bump())
        self.eat(IDENT, items, f"a variable after `{items[0].text}`", "expected-name")
        return Node(K.VAR_REF, items)

    def parse_l14(self) -> Node:
        head = self.parse_l15()
        kinds = self.kinds
        while kinds[self.pos] is K.CONJ:
            op = self.bump()
            head = Node(K.BINARY_EXPR, (head, op, self.parse_l15()))
        return head

    def parse_l15(self) -> Node:
        if self.kinds[self.pos] is K.TILDE:
            return self._prefixed(K.UNARY_EXPR, self.parse_l15)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        k = self.kinds[self.pos]
        if k is IDENT:
            return Node(K.VAR, (self.bump(),))
        if k in LITERALS:
            return Node(K.LITERAL, (self.bump(),))
        if k is UNDERSCORE:
            return Node(K.WILDCARD, (self.bump(),))
        if k in _OPEN_CLASS or k is K.KW_SET:
            deep = self.too_deep()
            if deep is not None:
                return deep
            if k is LBRACE:
                return self.parse_brace(body=False)
            if k is LPAREN:
                return self.parse_paren()
            if k is K.LBRACKET:
                return self.parse_list()
            if k is K.KW_SET:
                return self.parse_set()
            if k is K.LBRACE_PIPE:
                return self.parse_pathmap()
            return self.parse_bigint()
        if k in SIMPLE_TYPES:
            tok = self.bump()
            if k is K.KW_BIGINT:
                self.rc_only(
                    tok.start,
                    tok.end,
                    "The `BigInt` type exists only in rchain's RNode grammar.",
                    "dialect-bigint",
                )
                if self.kinds[self.pos] is LPAREN:
                    self.error(
                        tok.start,
                        self.cur().end,
                        "Write `BigInt(5)` without a space.",
                        "bigint-space",
                    )
            return Node(K.SIMPLE_TYPE, (tok,))
        if k in PROC_KEYWORDS:
            return self.parse_proc1()
        if k is AT:
            return self._quoted_name_proc()
        if k is ERROR_TOKEN:
            # already reported by the lexer; swallow a template placeholder like $$x$$ / $x
            items: list[Node | Token] = []
            kinds = self.kinds
            while kinds[self.pos] is ERROR_TOKEN:
                items.append(self.bump())
            if kinds[self.pos] is IDENT:
                items.append(self.bump())
                while kinds[self.pos] is ERROR_TOKEN:
                    items.append(self.bump())
            return Node(K.ERROR, items)
        tok = self.cur()
        if k is K.PERCENT and self.nth(1) is IDENT:
            self.error(
                tok.start,
                tok.end,
                "Looks like a template placeholder; substitute it before deploying.",
                "template",
            )
            return Node(K.ERROR, (self.bump(), self.bump()))
        self.expected("a process", "expected-process", hint=True)
        return self.missing_node()

    # ---- brackets -------------------------------------------------------------------
    def parse_brace(self, body: bool) -> Node:
        """BLOCK `{ P }` or MAP `{ k: v, ... }` (``{}`` is the empty map)."""
        open_idx = self.pos
        lbrace = self.bump()
        kinds = self.kinds
        k = kinds[self.pos]
        if k is RBRACE and not (self.match[open_idx] < 0 and self.match[self.pos] >= 0):
            rbrace = self.bump()
            if body:
                self.error(
                    lbrace.start,
                    rbrace.end,
                    "Empty block: write `Nil` for the process "
                    "that does nothing (`{}` is an empty map).",
                    "empty-block",
                )
            return Node(K.MAP, (lbrace, rbrace))
        if k is ELLIPSIS:
            return self._map_rest(open_idx, [lbrace])
        self.depth += 1
        try:
            if k in START:
                first = self.parse_proc()
                if kinds[self.pos] is K.COLON:
                    colon = self.bump()
                    entry = Node(K.MAP_ENTRY, (first, colon, self._required_proc("after `:`")))
                    return self._map_rest(open_idx, [lbrace, entry])
                if kinds[self.pos] is RBRACE:
                    one: list[Node | Token] = [lbrace, first]
                    self.close(open_idx, CLOSE_BLOCK, one)
                    return Node(K.BLOCK, one)
                content = self.parse_seq(RBRACE, first)
            else:
                content = self.parse_seq(RBRACE, None)
            items: list[Node | Token] = [lbrace, content]
            self.close(open_idx, CLOSE_BLOCK, items)
            return Node(K.BLOCK, items)
        finally:
            self.depth -= 1

    def _map_rest(self, open_idx: int, items: list[Node | Token]) -> Node:
        kinds = self.kinds
        self.depth += 1
        try:
            while True:
                k = kinds[self.pos]
                if len(items) > 1 and k is COMMA:
                    items.append(self.bump())
                    k = kinds[self.pos]
                elif len(items) > 1:
                    if k is ELLIPSIS:
                        items.append(self.parse_remainder())
                    break
                if k is ELLIPSIS:
                    items.append(self.parse_remainder())
                    break
                if k not in START:
                    break
                key = self.parse_proc()
                colon = self.expect(K.COLON, ":", "between the key and the value of a map entry")
                if colon is None:
                    items.append(Node(K.MAP_ENTRY, (key,)))
                    break
                items.append(Node(K.MAP_ENTRY, (key, colon, self._required_proc("after `:`"))))
            self.close(open_idx, CLOSE_BRACE, items)
            return Node(K.MAP, items)
        finally:
            self.depth -= 1

    def _elements(self, items: list[Node | Token], remainder: bool) -> None:
        """`elem {, elem} [,] [...rest]` into ``items``."""
        kinds = self.kinds
        while True:
            k = kinds[self.pos]
            if k is ELLIPSIS and remainder:
                items.append(self.parse_remainder())
                return
            if k not in START:
                return
            items.append(self.parse_proc())
            k = kinds[self.pos]
            if k is COMMA:
                items.append(self.bump())
                continue
            if k is COMMA_RPAREN:
                self._trailing_comma()
            if k is ELLIPSIS and remainder:
                items.append(self.parse_remainder())
            return

    def _collection(
        self,
        kind: SyntaxKind,
        open_idx: int,
        items: list[Node | Token],
        accept: frozenset[SyntaxKind],
    ) -> Node:
        """The elements and the closer of a list, set or pathmap opened at ``open_idx``."""
        self.depth += 1
        try:
            self._elements(items, remainder=True)
            self.close(open_idx, accept, items)
            return Node(kind, items)
        finally:
            self.depth -= 1

    def parse_paren(self) -> Node:
        open_idx = self.pos
        lparen = self.bump()
        kinds = self.kinds
        if kinds[self.pos] is RPAREN:
            rparen = self.bump()
            self.rs_ext(
                lparen.start,
                rparen.end,
                "`()` (unit) is an F1R3FLY (rholang-rs) extension; RNode does not accept it.",
                "dialect-unit",
            )
            return Node(K.UNIT, (lparen, rparen))
        self.depth += 1
        try:
            first = self._required_proc("after `(`")
            k = kinds[self.pos]
            if k is COMMA_RPAREN:
                return Node(K.TUPLE, (lparen, first, self.bump()))
            if k is COMMA:
                items: list[Node | Token] = [lparen, first, self.bump()]
                self._elements(items, remainder=False)
                self.close(open_idx, CLOSE_PAREN_OR_COMMA, items)
                return Node(K.TUPLE, items)
            items = [lparen, first]
            self.close(open_idx, CLOSE_PAREN, items)
            if first.kind in PROCESS_KINDS:
                self.rn_only(
                    first.start,
                    first.end,
                    "RNode accepts only an expression inside `( )`; use `{ }` to group processes.",
                    "paren-process",
                )
            return Node(K.PAREN, items)
        finally:
            self.depth -= 1

    def parse_list(self) -> Node:
        open_idx = self.pos
        return self._collection(K.LIST, open_idx, [self.bump()], CLOSE_BRACKET)

    def parse_set(self) -> Node:
        items: list[Node | Token] = [self.bump()]
        if self.kinds[self.pos] is not LPAREN:
            self.expect(LPAREN, "(", "after `Set`")
            return Node(K.SET, items)
        open_idx = self.pos
        items.append(self.bump())
        return self._collection(K.SET, open_idx, items, CLOSE_PAREN_OR_COMMA)

    def parse_pathmap(self) -> Node:
        open_idx = self.pos
        lb = self.bump()
        self.rs_ext(
            lb.start,
            lb.end,
            "Pathmap literals `{| |}` are an F1R3FLY (rholang-rs) "
            "extension; RNode does not accept them.",
            "dialect-pathmap",
        )
        return self._collection(K.PATHMAP, open_idx, [lb], CLOSE_PATHMAP)

    def parse_bigint(self) -> Node:
        open_idx = self.pos
        tok = self.bump()
        self.rc_only(
            tok.start,
            tok.end,
            "`BigInt(…)` literals exist only in rchain's RNode "
            "grammar; F1R3FLY writes big integers as `5n`.",
            "dialect-bigint",
        )
        items: list[Node | Token] = [tok]
        self.eat(K.INT, items, "digits in `BigInt(…)`", "expected-token")
        self.close(open_idx, CLOSE_PAREN, items)
        return Node(K.BIGINT_LITERAL, items)
