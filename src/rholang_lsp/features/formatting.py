"""textDocument/formatting and rangeFormatting: one canonical layout for Rholang.

The formatter only ever changes the whitespace *between* pieces (tokens and
comments); it never touches the text of a token or a comment, so the formatted
file has exactly the same tokens and comments as the input. Layout rules:

* indentation follows bracket nesting: a line inside ``{ ( [ {|`` is indented one
  level deeper than the line that opened the bracket; a line starting with the
  closer is at the opener line's level; a line continuing an unfinished
  construct (after a binary operator, ``=>``, ``=``, ``in``, ...) gets one extra level;
  continuation binds of a ``for (`` and names of a ``new`` line up with the first one
  (``for (@a <- x &`` / ``     @b <- y) {``, as the system contracts write them); an
  argument after a multi-line argument that opened on the call's line lines up with that
  argument's closing line (``f!("m", [`` ... ``],`` / ``*ack)``);
* spacing inside a line is canonical: ``a | b``, ``x!(a, b)``, ``for (x <- ch) {``,
  ``contract c(@a, ret) = {``, ``{ P }`` for blocks and ``{"k": v}`` for maps,
  ``@x``, ``*x``, ``=x``, ``x.m(a)``, spaced binary operators;
* line breaks are the user's (blank-line groups collapse to one blank line),
  except: a multi-line block / ``match`` / ``select`` gets its braces on their own
  lines; in a multi-line parallel composition every ``|`` ends a line; a ``|`` that
  starts a line moves to the end of the previous one; a body ``{`` and ``else``
  join the previous line;
* a line longer than ``line_width`` (default 100) is wrapped where a Rholang developer
  would: the outermost structure first (a one-line block or ``match`` opens up, a
  composition puts each ``|`` at a line end, a join breaks after ``&``), else after the
  last ``,`` of the outermost argument list or collection that fits (when none fits,
  past a long string or a deep indent, at the first one: the line overflows as little
  as it can); never inside a token or a comment, and a trailing comment does not count. A break inside a node makes
  it multi-line for every rule above (as it is when the output is formatted again), so
  the layout is idempotent; the line is laid out again from the node's start, which
  keeps the work linear (a line is redone at most once per break, within the width);
* a file with syntax errors is never formatted (``None``: no edits).

Results are offsets into the input ``str``; the server converts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rholang_lsp.features.format_limits import MAX_INDENT_WIDTH, MAX_LINE_WIDTH
from rholang_lsp.syntax import Node, ParseResult, SyntaxKind, Token, parse
from rholang_lsp.syntax.kinds import (
    BINARY_OPERATORS,
    BUNDLE_KEYWORDS,
    CLOSERS,
    COMMENT_KINDS,
    OPENERS,
    SEND_OPS,
    K,
)
from rholang_lsp.syntax.lexer import lex

#: the line width wrapped at when none is configured (``rholang.format.maxLineLength``,
#: ``rholang-lsp format --line-width``); 0 turns wrapping off
DEFAULT_LINE_WIDTH = 100


@dataclass(frozen=True, slots=True)
class FormatOptions:
    tab_size: int = 2
    insert_spaces: bool = True
    #: wrap lines longer than this many columns (0: never wrap); a tab counts ``tab_size``
    line_width: int = DEFAULT_LINE_WIDTH

    @property
    def unit(self) -> str:
        return " " * min(max(self.tab_size, 0), MAX_INDENT_WIDTH) if self.insert_spaces else "\t"


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``[start, end)`` of the input with ``new_text``."""

    start: int
    end: int
    new_text: str


_OPENERS = OPENERS
_CLOSERS = CLOSERS
_BRACE_CONTAINERS = frozenset({K.BLOCK, K.MATCH, K.SELECT, K.AGENT})
_SEND_OPS = SEND_OPS
_BUNDLES = BUNDLE_KEYWORDS
_COMMENTS = COMMENT_KINDS
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
_CASES = frozenset({K.CASE, K.BRANCH})

# spacing tables (``space_between``)
_GLUE_BEFORE = frozenset(
    {K.RPAREN, K.RBRACKET, K.COMMA, K.COMMA_RPAREN, K.SEMI, K.PIPE_RBRACE, K.COLON}
)
_SEMI_GLUE_PARENTS = frozenset({K.SYNC_CONT, K.FOR, K.RECEIPT, K.LET, K.BRANCH})
_GLUE_AFTER_OPEN = frozenset({K.LPAREN, K.LBRACKET, K.LBRACE_PIPE, K.BIGINT_OPEN})
_LPAREN_GLUE_PARENTS = frozenset({K.ARGS, K.CONTRACT, K.NAME_DECL, K.SET, K.AGENT_DECL})
_LPAREN_SPACE_PARENTS = frozenset({K.FOR, K.IF})
_GLUE_AFTER = frozenset({K.AT, K.TILDE, K.ELLIPSIS, K.EQ_STAR})
_STAR_MINUS = frozenset({K.STAR, K.MINUS})
_EVAL_UNARY = frozenset({K.EVAL, K.UNARY_EXPR})
_EVAL_VAR_REF = frozenset({K.EVAL, K.VAR_REF})
_TIGHT_BLOCK_PARENTS = frozenset({K.BUNDLE, K.QUOTE})
#: the kinds a break rule of two tokens looks at (``forced_break``), besides cases
_BREAK_CUR = frozenset({K.PIPE, K.COMMA, K.LBRACE, K.KW_ELSE, K.RBRACE})
_BREAK_PREV = frozenset({K.LBRACE, K.PIPE})
# results of the kind-only part of the glue decision
_SPACE, _GLUE, _GLUE_IF_TIGHT_CUR, _GLUE_IF_TIGHT_PREV = 0, 1, 2, 3


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


def _glue_kinds(
    pk: SyntaxKind, ck: SyntaxKind, ppar: SyntaxKind | None, cpar: SyntaxKind | None
) -> int:
    """The glue rule of ``space_between`` on the kinds of the two tokens and their parents:
    ``_SPACE``, ``_GLUE`` or glue if the block of the current / previous token is tight."""
    if ck in _GLUE_BEFORE:
        return _GLUE if ck != K.SEMI or cpar in _SEMI_GLUE_PARENTS else _SPACE
    if ck == K.RBRACE:
        return _GLUE if cpar == K.MAP or pk == K.LBRACE else _GLUE_IF_TIGHT_CUR
    if pk in _GLUE_AFTER_OPEN:
        return _GLUE
    if pk == K.LBRACE:
        return _GLUE if ppar == K.MAP else _GLUE_IF_TIGHT_PREV
    if ck == K.LBRACE and pk in _BUNDLES:
        return _GLUE
    if ck == K.LPAREN:
        if cpar in _LPAREN_GLUE_PARENTS:
            return _GLUE
        if cpar in _LPAREN_SPACE_PARENTS:
            return _SPACE
        return (
            _GLUE
            if pk in (K.AT, K.TILDE) or (pk in _STAR_MINUS and ppar in _EVAL_UNARY)
            else _SPACE
        )
    if pk in _SEND_OPS or ck in _SEND_OPS or ck == K.QUESTION_BANG:
        return _GLUE
    if ck == K.DOT or pk == K.DOT:
        return _GLUE
    if pk in _GLUE_AFTER:
        return _GLUE
    if pk == K.STAR and ppar in _EVAL_VAR_REF:
        return _GLUE
    if pk == K.MINUS and ppar == K.UNARY_EXPR:
        return _GLUE
    if pk == K.EQ and ppar == K.VAR_REF:
        return _GLUE
    return _SPACE


_GLUE_KINDS: dict[tuple[int, int, int | None, int | None], int] = {}


class _Piece:
    __slots__ = ("kind", "text", "start", "token", "ws_start", "ws_end", "newlines", "eol")

    def __init__(
        self,
        kind: SyntaxKind,
        text: str,
        start: int,
        token: Token | None,
        ws_start: int,
        ws_end: int,
        newlines: int,
        text_gap: str = "",
    ) -> None:
        self.kind = kind
        self.text = text
        self.start = start
        self.token = token
        self.ws_start = ws_start  # the whitespace gap before this piece in the input
        self.ws_end = ws_end
        self.newlines = newlines
        #: the line ending of the input gap before this piece (None: no break in it)
        self.eol: str | None = _eol_of(text_gap) if newlines else None


def _count_newlines(s: str) -> int:
    """Line breaks in ``s``: ``\r\n``, a lone ``\n`` and a lone ``\r`` count one each."""
    n = s.count("\n")
    r = s.count("\r")
    return n + r - s.count("\r\n") if r else n


def _eol_of(s: str) -> str:
    """The first line ending in ``s`` (which has one)."""
    i = s.find("\n")
    j = s.find("\r")
    if j < 0 or (0 <= i < j):
        return "\n"
    return "\r\n" if s.startswith("\n", j + 1) else "\r"


def line_ending(text: str) -> str:
    """The line ending most used in ``text`` (``\n`` when it has none).

    New line breaks use it; a break the layout keeps keeps its own (a file with mixed
    endings keeps them), so formatting never turns CRLF or CR files into LF."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf >= lf and crlf >= cr and crlf:
        return "\r\n"
    return "\r" if cr > lf else "\n"


def _pieces(root: Node, case_starts: set[int] | None = None) -> list[_Piece]:
    """Tokens and comments in order, each with the input whitespace before it.

    ``case_starts`` (if given) receives the start of every CASE / BRANCH node."""
    out: list[_Piece] = []
    append = out.append
    ws = K.WHITESPACE
    lc, doc = K.LINE_COMMENT, K.DOC_COMMENT
    node_type = Node
    cases = _CASES
    # depth-first over the children lists: the tokens come in document order
    # (``Any``: a child is a ``Node`` or a ``Token``, told apart by ``type``)
    stack: list[Iterator[Any]] = [iter(root.children)]
    push = stack.append
    pop = stack.pop
    if case_starts is not None and root.kind in cases:
        case_starts.add(root.start)
    while stack:
        for tok in stack[-1]:
            if type(tok) is node_type:
                if case_starts is not None and tok.kind in cases:
                    case_starts.add(tok.start)
                push(iter(tok.children))
                break
            triv = tok._trivia
            tstart = tok.start
            if not triv:
                append(_Piece(tok.kind, tok.text, tstart, tok, tstart, tstart, 0))
                continue
            pos = tstart
            for _, text in triv:
                pos -= len(text)
            ws_start = pos
            ws_text = ""
            for kind, text in triv:
                if kind == ws:
                    ws_text += text
                else:
                    shown = text
                    if text[-1] == "\r" and (kind == lc or (kind == doc and text[2] == "/")):
                        # a line comment ends before its line ending: in a CRLF (or CR)
                        # file the `\r` belongs to the gap, not to the comment's text
                        shown = text.rstrip("\r")
                    nl = _count_newlines(ws_text)
                    append(_Piece(kind, shown, pos, None, ws_start, pos, nl, ws_text))
                    ws_start = pos + len(shown)
                    ws_text = text[len(shown) :]
                pos += len(text)
            nl = _count_newlines(ws_text)
            append(_Piece(tok.kind, tok.text, tstart, tok, ws_start, tstart, nl, ws_text))
        else:
            pop()
    return out


def _parent_kind(tok: Token | None) -> SyntaxKind | None:
    return tok.parent.kind if tok is not None and tok.parent is not None else None


_PLAIN, _BLOCK, _FOR_PAREN = 0, 1, 2
#: where a line may wrap: ``_Formatter._candidate``
_Candidate = tuple[int, int, int, int, int, "Node | None"]
#: the tokens a long line may be wrapped after (``_Formatter._candidate``)
_WRAP_AFTER = frozenset({K.COMMA, K.PIPE, K.AMP, K.SEMI, K.LBRACE})
#: the tokens whose text may hold a line break (besides comments)
_MAY_SPAN_LINES = frozenset({K.STRING, K.URI})


class _Frame:
    """An open bracket: immutable and linked, so the layout state at any piece of a
    line is a few references (wrapping lays a line out again from such a state)."""

    __slots__ = ("token", "level", "content", "flags", "parent", "depth")

    def __init__(
        self,
        token: Token,
        level: int,
        content: str | None,
        flags: int,
        parent: _Frame | None,
        depth: int,
    ) -> None:
        self.token = token
        self.level = level  # the level of the line that opened the bracket
        #: the indentation of a line inside (None: one level deeper than ``level``)
        self.content = content
        self.flags = flags  # _PLAIN, _BLOCK (a process block) or _FOR_PAREN
        self.parent = parent
        self.depth = depth

    def with_content(self, content: str) -> _Frame:
        return _Frame(self.token, self.level, content, self.flags, self.parent, self.depth)


def _frame(tok: Token, level: int, parent: _Frame | None) -> _Frame:
    k = tok.kind
    pk = _parent_kind(tok)
    if k == K.LBRACE and pk in _BRACE_CONTAINERS:
        flags = _BLOCK
    elif k == K.LPAREN and pk == K.FOR:
        flags = _FOR_PAREN
    else:
        flags = _PLAIN
    return _Frame(tok, level, None, flags, parent, parent.depth + 1 if parent is not None else 1)


class _Formatter:
    def __init__(self, text: str, root: Node, options: FormatOptions) -> None:
        self.text = text
        self.root = root
        self.unit = options.unit
        self.width = min(max(options.line_width, 0), MAX_LINE_WIDTH)
        self.tab_cols = max(1, min(options.tab_size, MAX_INDENT_WIDTH))
        self.eol = line_ending(text)
        self._multi: dict[int, bool] = {}
        self._case_starts: set[int] = set()
        #: the ``(`` of every ``for`` whose join was wrapped (one bind a line)
        self._split_joins: set[int] = set()

    def multiline(self, node: Node) -> bool:
        key = id(node)
        v = self._multi.get(key)
        if v is None:
            find = self.text.find
            s, e = node.start, node.end
            v = find("\n", s, e) >= 0 or find("\r", s, e) >= 0
            self._multi[key] = v
        return v

    # ------------------------------------------------------------------ spacing
    def space_between(self, p: _Piece, c: _Piece) -> str:
        pt, ct = p.token, c.token
        if pt is None or ct is None:
            return " "
        pk, ck = pt.kind, ct.kind
        ppn, cpn = pt.parent, ct.parent
        ppar = ppn.kind if ppn is not None else None
        cpar = cpn.kind if cpn is not None else None
        key = (pk, ck, ppar, cpar)
        rule = _GLUE_KINDS.get(key)
        if rule is None:
            rule = _GLUE_KINDS[key] = _glue_kinds(pk, ck, ppar, cpar)
        if rule == _SPACE:
            return " "
        if rule == _GLUE_IF_TIGHT_CUR:
            if not _tight_block(cpn):
                return " "
        elif rule == _GLUE_IF_TIGHT_PREV and not _tight_block(ppn):
            return " "
        return "" if _glue_safe(pt.text, ct.text) else " "

    # ------------------------------------------------------------------ breaks
    def forced_break(self, p: _Piece, c: _Piece) -> bool | None:
        """True/False to force or forbid a line break before ``c``; None to keep the user's."""
        pt, ct = p.token, c.token
        if pt is not None and ct is not None:
            ck, pk = ct.kind, pt.kind
            if ck not in _BREAK_CUR and pk not in _BREAK_PREV:
                if ct.start in self._case_starts and ct.parent is not None:
                    case = _starts_case(ct)
                    if case is not None and case.parent is not None and self.multiline(case.parent):
                        return True
                return None
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
            if cpar is not None and ct.start in self._case_starts:
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
        pieces = _pieces(self.root, self._case_starts)
        gaps: list[str] = []
        if not pieces:
            return pieces, gaps
        gaps.append("")
        first = pieces[0]
        if first.kind == K.EOF:
            return pieces, gaps
        unit = self.unit
        eol = self.eol
        width = self.width
        tab_cols = self.tab_cols
        forced_break = self.forced_break
        space_between = self.space_between
        openers, closers = _OPENERS, _CLOSERS
        eof, comma = K.EOF, K.COMMA
        line_comment, doc_comment = K.LINE_COMMENT, K.DOC_COMMENT
        cand_kinds = _WRAP_AFTER
        n = len(pieces)
        wrap_breaks: set[int] = set()
        split_joins: set[int] = self._split_joins
        # --- the layout state (everything a backtrack restores) ---------------
        stack: _Frame | None = None  # the open brackets, innermost first
        line_indent = 0  # level of the current line, without a continuation level
        prev_tok: Token | None = first.token
        carry = False  # a break removed before `,` moves after it
        new_align: str | None = None  # where the names of the current `new` line up
        indent_str = ""  # the indentation of the current output line
        indent_cols = 0  # its width in columns
        rest = len(first.text)  # characters after ``indent_str`` on the current line
        if first.token is not None and first.kind in openers:
            stack = _frame(first.token, 0, None)
        # --- the current output line, for wrapping ----------------------------
        line_first = 0  # index of the first piece on the current line
        # the state before each piece of the line (the first piece has none: a dummy)
        states: list[tuple[Any, ...]] = [()]
        cands: list[_Candidate] = []
        i = 1
        while i < n:
            c = pieces[i]
            ck = c.kind
            if width:
                states.append(
                    (
                        stack,
                        line_indent,
                        prev_tok,
                        carry,
                        new_align,
                        indent_str,
                        indent_cols,
                        rest,
                        len(cands),
                    )
                )
            prev = pieces[i - 1]
            if ck == eof:
                gaps.append(c.eol or eol)
                break
            ctok = c.token
            newlines = c.newlines
            pk = prev.kind
            if pk == line_comment or (pk == doc_comment and prev.text.startswith("///")):
                brk = True
            else:
                forced = forced_break(prev, c)
                if forced is not None:
                    brk = forced
                else:
                    brk = newlines > 0 or carry or i in wrap_breaks
                    if (
                        not brk
                        and (pk == K.AMP or pk == K.SEMI)
                        and split_joins
                        and stack is not None
                        and stack.flags == _FOR_PAREN
                        and id(stack.token) in split_joins
                    ):
                        brk = True  # a wrapped join: one bind a line
                carry = False
                if ck == comma and newlines > 0 and not brk:
                    carry = True
            closer = ctok is not None and ck in closers
            if brk:
                blank = newlines >= 2
                if blank and ((prev.token is not None and pk in openers) or closer):
                    blank = False
                if stack is None:
                    level = 0
                    base = ""
                elif closer:
                    level = stack.level
                    base = unit * level
                else:
                    level = stack.level + 1
                    base = stack.content if stack.content is not None else unit * level
                if (
                    not closer
                    and new_align is not None
                    and prev_tok is not None
                    and prev_tok.kind == comma
                    and _parent_kind(prev_tok) == K.NEW
                ):
                    base = new_align  # `new a,` / `    b` under the first name
                line_indent = level
                if not closer and _continues(prev_tok, c):
                    base += unit
                indent_str = base
                indent_cols = len(base) + base.count("\t") * (tab_cols - 1)
                rest = 0
                gap = (c.eol or eol) * (2 if blank else 1) + base
            else:
                gap = space_between(prev, c)
                rest += len(gap)
            gaps.append(gap)
            if ctok is not None:
                # line up the binds of a `for (` and the names of a `new` with the first one
                if prev_tok is not None:
                    ptk = prev_tok.kind
                    if ptk == K.LPAREN and stack is not None and stack.flags == _FOR_PAREN:
                        if stack.content is None and stack.token is prev_tok:
                            stack = stack.with_content(indent_str + " " * rest)
                    elif ptk == K.KW_NEW:
                        new_align = indent_str + " " * rest
                if closer:
                    if stack is not None:
                        closed = stack
                        stack = stack.parent
                        # `y <- b) {`: a bracket opened after this closer belongs to the
                        # line that opened the closed one
                        line_indent = min(line_indent, closed.level)
                        if (
                            brk
                            and stack is not None
                            and stack.flags == _PLAIN
                            and stack.content is None
                            and closed.level == stack.level
                        ):
                            # `f!(a, [` ... `],` then `b)`: the arguments after a hugged
                            # multi-line argument line up with its closing line
                            stack = stack.with_content(indent_str)
                elif ck in openers:
                    stack = _frame(ctok, line_indent, stack)
                prev_tok = ctok
            text = c.text
            if (ctok is None or ck in _MAY_SPAN_LINES) and ("\n" in text or "\r" in text):
                # a multi-line comment or string: the current line starts inside it
                rest = len(text) - max(text.rfind("\n"), text.rfind("\r")) - 1
                indent_str = ""
                indent_cols = 0
                if width:
                    line_first = i + 1
                    states.clear()
                    cands.clear()
                i += 1
                continue
            rest += len(text)
            if not width:
                i += 1
                continue
            if brk:
                # a new line: its candidates are new
                line_first = i
                del states[:-1]
                cands.clear()
            if ctok is not None and indent_cols + rest > width and cands:
                back = self._wrap(pieces, cands, wrap_breaks, line_first)
                if back is not None:
                    s = states[back - line_first]
                    (stack, line_indent, prev_tok, carry, new_align) = s[:5]
                    indent_str, indent_cols, rest, nc = s[5:]
                    del cands[nc:]
                    del states[back - line_first :]
                    del gaps[back:]
                    i = back
                    continue
            if ck in cand_kinds and ctok is not None and i + 1 < n:
                nxt = pieces[i + 1]
                if nxt.token is not None and nxt.kind not in closers and nxt.kind != eof:
                    self._candidate(ctok, i, stack, cands, indent_cols + rest)
            i += 1
        return pieces, gaps

    def _candidate(
        self,
        tok: Token,
        i: int,
        stack: _Frame | None,
        cands: list[_Candidate],
        col: int,
    ) -> None:
        """Record where the line could wrap after piece ``i`` (the token ``tok``).

        A candidate is ``(over, depth, class, order, break index, node to make
        multi-line)``; the smallest wins: one that keeps the line within the width, then
        the outermost bracket, then a structure (``|`` of a composition, a block, a
        join's ``&``: the earliest one) before a comma (the last one that fits). Past
        the width (a long string, a deep indent) the earliest one: the line overflows
        as little as it can."""
        k = tok.kind
        depth = stack.depth if stack is not None else 0
        over = 1 if col > self.width else 0
        if k == K.COMMA:
            cands.append((over, depth, over, i if over else -i, i + 1, None))
        elif k == K.PIPE:
            par = tok.parent
            if par is not None and par.kind == K.PAR and not self.multiline(par):
                cands.append((over, depth, 0, i, i + 1, par))
        elif k == K.AMP or k == K.SEMI:
            if stack is not None and stack.flags == _FOR_PAREN:
                cands.append((over, depth, 0, i, i + 1, stack.token.parent))
        elif k == K.LBRACE and stack is not None and stack.token is tok:
            node = tok.parent
            if stack.flags == _BLOCK and node is not None and not self.multiline(node):
                cands.append((over, depth - 1, 0, i, i + 1, node))

    def _wrap(
        self,
        pieces: list[_Piece],
        cands: list[_Candidate],
        wrap_breaks: set[int],
        line_first: int,
    ) -> int | None:
        """Break the current line at its best candidate; the piece to lay out again from.

        Every node around the new break is multi-line from now on (as it will be when
        the output is formatted again: that is what keeps the formatter idempotent), so
        the layout restarts at the first of them that was still on one line."""
        usable = [
            c
            for c in cands
            if c[4] not in wrap_breaks or (c[5] is not None and not self.multiline(c[5]))
        ]
        if not usable:
            return None
        best = min(usable, key=lambda c: c[:4])
        b, node = best[4], best[5]
        wrap_breaks.add(b)
        if node is not None and node.kind == K.FOR:
            tok = pieces[b - 1].token
            if tok is not None and tok.parent is not None:
                # the `(` of the join: every `&` / `;` of it breaks
                paren = next(
                    (t for t in node.children if isinstance(t, Token) and t.kind == K.LPAREN),
                    None,
                )
                if paren is not None:
                    self._split_joins.add(id(paren))
        if node is None:
            tok = pieces[b - 1].token
            node = tok.parent if tok is not None else None
        lowest = -1
        while node is not None and not self.multiline(node):
            self._multi[id(node)] = True
            lowest = node.start
            node = node.parent
        back = b
        if lowest >= 0:
            k = max(line_first, 1)
            while k < b and pieces[k].start < lowest:
                k += 1
            back = k
        return back


def _tight_block(node: Node | None) -> bool:
    """`bundle+{*x}` and `@{P}`: no spaces inside the braces."""
    return (
        node is not None
        and node.kind == K.BLOCK
        and node.parent is not None
        and node.parent.kind in _TIGHT_BLOCK_PARENTS
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
    # only the first case of the list is looked at (not a list of all: linear per match)
    first = next(
        (c for c in node.parent.children if isinstance(c, Node) and c.kind == node.kind), None
    )
    if first is None or first is node:
        return None
    return node


def _continues(prev_tok: Token | None, c: _Piece) -> bool:
    if prev_tok is None:
        return False
    if c.token is not None and c.kind in _LEADING_CONT:
        # `*x` / `-1` starting an argument are not a continued `a * b` / `a - b`
        return not (c.kind in _STAR_MINUS and _parent_kind(c.token) in _EVAL_UNARY)
    pk = prev_tok.kind
    if pk in _DANGLING:
        # `!` of a method-send or `=` of a contract before `{` is handled by the brace join
        return True
    if pk == K.COMMA and _parent_kind(prev_tok) == K.LET_DECL:
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
    starts_with = text.startswith
    for piece, gap in zip(pieces, gaps, strict=False):
        ws, we = piece.ws_start, piece.ws_end
        # ``text[ws:we] == gap`` without the slice
        if we - ws == len(gap) and starts_with(gap, ws):
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
