"""textDocument/formatting and rangeFormatting: one canonical layout for Rholang.

The formatter only ever changes the whitespace *between* pieces (tokens and
comments); it never touches the text of a token or a comment, so the formatted
file has exactly the same tokens and comments as the input. Layout rules:

* indentation follows bracket nesting: a line inside ``{ ( [ {|`` is indented one
  level deeper than the line that opened the bracket; a line starting with the
  closer is at the opener line's level; a line continuing an unfinished
  construct (after a binary operator, ``=>``, ``=``, ``in``, ...) gets one extra level;
* spacing inside a line is canonical: ``a | b``, ``x!(a, b)``, ``for (x <- ch) {``,
  ``contract c(@a, ret) = {``, ``{ P }`` for blocks and ``{"k": v}`` for maps,
  ``@x``, ``*x``, ``=x``, ``x.m(a)``, spaced binary operators;
* line breaks are the user's (blank-line groups collapse to one blank line),
  except: a multi-line block / ``match`` / ``select`` gets its braces on their own
  lines; in a multi-line parallel composition every ``|`` ends a line; a ``|`` that
  starts a line moves to the end of the previous one; a body ``{`` and ``else``
  join the previous line;
* a file with syntax errors is never formatted (``None``: no edits).

Results are offsets into the input ``str``; the server converts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rholang_lsp.syntax import Node, ParseResult, SyntaxKind, Token, parse
from rholang_lsp.syntax.kinds import BINARY_OPERATORS
from rholang_lsp.syntax.lexer import lex

K = SyntaxKind


@dataclass(frozen=True, slots=True)
class FormatOptions:
    tab_size: int = 2
    insert_spaces: bool = True

    @property
    def unit(self) -> str:
        return " " * max(self.tab_size, 0) if self.insert_spaces else "\t"


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``[start, end)`` of the input with ``new_text``."""

    start: int
    end: int
    new_text: str


_OPENERS = frozenset({K.LBRACE, K.LPAREN, K.LBRACKET, K.LBRACE_PIPE, K.BIGINT_OPEN})
_CLOSERS = frozenset({K.RBRACE, K.RPAREN, K.RBRACKET, K.PIPE_RBRACE, K.COMMA_RPAREN})
_BRACE_CONTAINERS = frozenset({K.BLOCK, K.MATCH, K.SELECT, K.AGENT})
_SEND_OPS = frozenset({K.BANG, K.BANG_BANG, K.BANG_QUESTION})
_BUNDLES = frozenset({K.KW_BUNDLE, K.KW_BUNDLE_READ, K.KW_BUNDLE_WRITE, K.KW_BUNDLE_NONE})
_COMMENTS = frozenset({K.LINE_COMMENT, K.BLOCK_COMMENT, K.DOC_COMMENT})
_BODY_PREV = frozenset(
    {
        K.EQ,
        K.RPAREN,
        K.KW_IN,
        K.KW_ELSE,
        K.FAT_ARROW,
        K.KW_BUNDLE,
        K.KW_BUNDLE_READ,
        K.KW_BUNDLE_WRITE,
        K.KW_BUNDLE_NONE,
    }
)
_BODY_PARENTS = frozenset(
    {K.CONTRACT, K.FOR, K.BUNDLE, K.LET, K.NEW, K.IF, K.CASE, K.BRANCH, K.AGENT_DECL}
)
#: tokens after which a line break continues the same construct (extra indent)
_DANGLING = BINARY_OPERATORS | {
    K.LARROW,
    K.PEEK_ARROW,
    K.FAT_ARROW,
    K.EQ,
    K.EQ_STAR,
    K.TILDE,
    K.AT,
    K.DOT,
    K.COLON,
    K.BANG,
    K.BANG_BANG,
    K.BANG_QUESTION,
    K.KW_IN,
    K.KW_NEW,
    K.KW_CONTRACT,
    K.KW_MATCH,
    K.KW_NOT,
    K.KW_ELSE,
    K.KW_LET,
    K.KW_WHERE,
}
#: tokens that, starting a line, continue the previous one
_LEADING_CONT = BINARY_OPERATORS | {K.DOT, K.LARROW, K.FAT_ARROW}


@lru_cache(maxsize=4096)
def _glue_safe(a: str, b: str) -> bool:
    """True when ``a`` directly followed by ``b`` still lexes as the same two tokens."""
    toks = lex(a + b).tokens
    if len(toks) != 3:
        return False
    first, second = toks[0], toks[1]
    return (
        first.text == a
        and second.text == b
        and not first.leading_trivia
        and not second.leading_trivia
    )


class _Piece:
    __slots__ = ("kind", "text", "start", "token", "ws_start", "ws_end", "newlines")

    def __init__(
        self,
        kind: SyntaxKind,
        text: str,
        start: int,
        token: Token | None,
        ws_start: int,
        ws_end: int,
        newlines: int,
    ) -> None:
        self.kind = kind
        self.text = text
        self.start = start
        self.token = token
        self.ws_start = ws_start  # the whitespace gap before this piece in the input
        self.ws_end = ws_end
        self.newlines = newlines


def _count_newlines(s: str) -> int:
    n = s.count("\n")
    return n if n else s.count("\r")


def _pieces(root: Node) -> list[_Piece]:
    """Tokens and comments in order, each with the input whitespace before it."""
    out: list[_Piece] = []
    for tok in root.tokens():
        pos = tok.full_start
        ws_start = pos
        ws_text = ""
        for kind, text in tok._trivia:
            if kind == K.WHITESPACE:
                ws_text += text
            else:
                out.append(_Piece(kind, text, pos, None, ws_start, pos, _count_newlines(ws_text)))
                ws_start = pos + len(text)
                ws_text = ""
            pos += len(text)
        out.append(
            _Piece(
                tok.kind, tok.text, tok.start, tok, ws_start, tok.start, _count_newlines(ws_text)
            )
        )
    return out


def _parent_kind(tok: Token | None) -> SyntaxKind | None:
    return tok.parent.kind if tok is not None and tok.parent is not None else None


class _Formatter:
    def __init__(self, text: str, root: Node, options: FormatOptions) -> None:
        self.text = text
        self.root = root
        self.unit = options.unit
        self.eol = "\r\n" if "\r\n" in text else "\n"
        self._multi: dict[int, bool] = {}

    def multiline(self, node: Node) -> bool:
        key = id(node)
        v = self._multi.get(key)
        if v is None:
            seg = self.text[node.start : node.end]
            v = "\n" in seg or "\r" in seg
            self._multi[key] = v
        return v

    # ------------------------------------------------------------------ spacing
    def space_between(self, p: _Piece, c: _Piece) -> str:
        if p.token is None or c.token is None:
            return " "
        pt, ct = p.token, c.token
        pk, ck = pt.kind, ct.kind
        ppar, cpar = _parent_kind(pt), _parent_kind(ct)
        glue = False
        if ck in (K.RPAREN, K.RBRACKET, K.COMMA, K.COMMA_RPAREN, K.SEMI, K.PIPE_RBRACE, K.COLON):
            glue = ck != K.SEMI or cpar in (K.SYNC_CONT, K.FOR, K.RECEIPT, K.LET, K.BRANCH)
        elif ck == K.RBRACE:
            glue = cpar == K.MAP or pk == K.LBRACE or _tight_block(ct.parent)
        elif pk in (K.LPAREN, K.LBRACKET, K.LBRACE_PIPE, K.BIGINT_OPEN):
            glue = True
        elif pk == K.LBRACE:
            glue = ppar == K.MAP or _tight_block(pt.parent)
        elif ck == K.LBRACE and pk in _BUNDLES:
            glue = True
        elif ck == K.LPAREN:
            if cpar in (K.ARGS, K.CONTRACT, K.NAME_DECL, K.SET, K.AGENT_DECL):
                glue = True
            elif cpar in (K.FOR, K.IF):
                glue = False
            else:
                glue = pk in (K.AT, K.TILDE) or (
                    pk in (K.STAR, K.MINUS) and ppar in (K.EVAL, K.UNARY_EXPR)
                )
        elif pk in _SEND_OPS or ck in _SEND_OPS or ck == K.QUESTION_BANG:
            glue = True
        elif ck == K.DOT or pk == K.DOT:
            glue = True
        elif pk in (K.AT, K.TILDE, K.ELLIPSIS, K.EQ_STAR):
            glue = True
        elif pk == K.STAR and ppar in (K.EVAL, K.VAR_REF):
            glue = True
        elif pk == K.MINUS and ppar == K.UNARY_EXPR:
            glue = True
        elif pk == K.EQ and ppar == K.VAR_REF:
            glue = True
        if glue and not _glue_safe(pt.text, ct.text):
            glue = False
        return "" if glue else " "

    # ------------------------------------------------------------------ breaks
    def forced_break(self, p: _Piece, c: _Piece) -> bool | None:
        """True/False to force or forbid a line break before ``c``; None to keep the user's."""
        pt, ct = p.token, c.token
        if pt is not None and ct is not None:
            ck, pk = ct.kind, pt.kind
            cpar = ct.parent
            ppar = pt.parent
            if ck == K.PIPE and cpar is not None and cpar.kind == K.PAR:
                return False
            if ck == K.COMMA and c.newlines > 0:
                return False
            if (
                ck == K.LBRACE
                and cpar is not None
                and cpar.kind == K.BLOCK
                and pk in _BODY_PREV
                and cpar.parent is not None
                and cpar.parent.kind in _BODY_PARENTS
            ):
                return False
            if ck == K.KW_ELSE and pk == K.RBRACE:
                return False
            if (
                ck == K.RBRACE
                and cpar is not None
                and cpar.kind in _BRACE_CONTAINERS
                and self.multiline(cpar)
            ):
                return True
            if (
                pk == K.LBRACE
                and ppar is not None
                and ppar.kind in _BRACE_CONTAINERS
                and self.multiline(ppar)
            ):
                return True
            if pk == K.PIPE and ppar is not None and ppar.kind == K.PAR and self.multiline(ppar):
                return True
            # each case / branch of a multi-line match / select on its own line
            if cpar is not None:
                case = _starts_case(ct)
                if case is not None and case.parent is not None and self.multiline(case.parent):
                    return True
            return None
        if c.token is None and c.newlines == 0:
            # a comment on the same line as the previous token stays there
            return False
        if pt is not None and c.token is None:
            ppar = pt.parent
            if (
                pt.kind == K.LBRACE
                and ppar is not None
                and ppar.kind in _BRACE_CONTAINERS
                and self.multiline(ppar)
            ):
                return True
            if (
                pt.kind == K.PIPE
                and ppar is not None
                and ppar.kind == K.PAR
                and self.multiline(ppar)
            ):
                return True
        if p.token is None and ct is not None:
            cpar = ct.parent
            if (
                ct.kind == K.RBRACE
                and cpar is not None
                and cpar.kind in _BRACE_CONTAINERS
                and self.multiline(cpar)
            ):
                return True
        return None

    def run(self) -> tuple[list[_Piece], list[str]]:
        pieces = _pieces(self.root)
        gaps: list[str] = []
        stack: list[int] = []  # indent level of the line that opened each bracket
        line_indent = 0  # indent of the current line, without a continuation level
        prev: _Piece | None = None
        prev_tok: Token | None = None
        carry = False  # a break removed before `,` moves after it
        unit = self.unit
        eol = self.eol
        for c in pieces:
            is_eof = c.kind == K.EOF
            if prev is None:
                gaps.append("")
                if is_eof:
                    break
                prev = c
                if c.token is not None:
                    prev_tok = c.token
                    if c.kind in _OPENERS:
                        stack.append(line_indent)
                continue
            if is_eof:
                gaps.append(eol)
                break
            if prev.kind == K.LINE_COMMENT or (
                prev.kind == K.DOC_COMMENT and prev.text.startswith("///")
            ):
                brk = True
            else:
                forced = self.forced_break(prev, c)
                brk = forced if forced is not None else (c.newlines > 0 or carry)
                carry = False
                if c.kind == K.COMMA and c.newlines > 0 and not brk:
                    carry = True
            if brk:
                blank = c.newlines >= 2
                if blank and (
                    (prev.token is not None and prev.kind in _OPENERS)
                    or (c.token is not None and c.kind in _CLOSERS)
                ):
                    blank = False
                if c.token is not None and c.kind in _CLOSERS and stack:
                    indent = stack[-1]
                else:
                    indent = (stack[-1] + 1) if stack else 0
                line_indent = indent
                if not (c.token is not None and c.kind in _CLOSERS) and _continues(prev_tok, c):
                    indent += 1
                gaps.append(eol * (2 if blank else 1) + unit * indent)
            else:
                gaps.append(self.space_between(prev, c))
            if c.token is not None:
                if c.kind in _CLOSERS:
                    if stack:
                        # `y <- b) {`: a bracket opened after this closer belongs to the
                        # line that opened the closed one
                        line_indent = min(line_indent, stack.pop())
                elif c.kind in _OPENERS:
                    stack.append(line_indent)
                prev_tok = c.token
            prev = c
        return pieces, gaps


def _tight_block(node: Node | None) -> bool:
    """`bundle+{*x}` and `@{P}`: no spaces inside the braces."""
    return (
        node is not None
        and node.kind == K.BLOCK
        and node.parent is not None
        and node.parent.kind in (K.BUNDLE, K.QUOTE)
    )


def _starts_case(tok: Token) -> Node | None:
    """The CASE/BRANCH whose first token is ``tok`` (not the first one of its list)."""
    node = tok.parent
    while node is not None and node.kind not in (K.CASE, K.BRANCH):
        if node.start != tok.start:
            return None
        node = node.parent
    if node is None or node.start != tok.start or node.parent is None:
        return None
    siblings = [c for c in node.parent.children if isinstance(c, Node) and c.kind == node.kind]
    if not siblings or siblings[0] is node:
        return None
    return node


def _continues(prev_tok: Token | None, c: _Piece) -> bool:
    if prev_tok is None:
        return False
    if c.token is not None and c.kind in _LEADING_CONT:
        return True
    pk = prev_tok.kind
    if pk in _DANGLING:
        # `!` of a method-send or `=` of a contract before `{` is handled by the brace join
        return True
    if pk == K.COMMA and _parent_kind(prev_tok) in (K.NEW, K.LET_DECL):
        return True
    return bool(pk in (K.SEMI, K.AMP) and _parent_kind(prev_tok) == K.LET)


def _layout(
    text: str, options: FormatOptions, result: ParseResult | None = None
) -> tuple[list[_Piece], list[str]] | None:
    if result is None or result.text != text:
        result = parse(text)
    if result.has_errors:
        return None
    return _Formatter(text, result.tree, options).run()


def format_text(text: str, options: FormatOptions | None = None) -> str | None:
    """The formatted text, or None when ``text`` has syntax errors."""
    laid = _layout(text, options or FormatOptions())
    if laid is None:
        return None
    pieces, gaps = laid
    out: list[str] = []
    for piece, gap in zip(pieces, gaps, strict=False):
        out.append(gap)
        out.append(piece.text)
    return "".join(out)


def format_edits(
    text: str,
    options: FormatOptions | None = None,
    *,
    start: int | None = None,
    end: int | None = None,
    parsed: ParseResult | None = None,
) -> list[TextEdit] | None:
    """Minimal edits (one per changed whitespace gap) that format ``text``.

    With ``start``/``end`` (range formatting), only gaps touching that range are
    edited. None when the text has syntax errors (nothing is formatted).
    ``parsed``: the parse of ``text`` when the caller has it (no second parse)."""
    laid = _layout(text, options or FormatOptions(), parsed)
    if laid is None:
        return None
    pieces, gaps = laid
    edits: list[TextEdit] = []
    for piece, gap in zip(pieces, gaps, strict=False):
        ws, we = piece.ws_start, piece.ws_end
        if text[ws:we] == gap:
            continue
        if start is not None and end is not None and (we < start or ws > end):
            continue
        edits.append(TextEdit(ws, we, gap))
    return edits


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[pos : e.start])
        out.append(e.new_text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
