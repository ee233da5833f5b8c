"""Where the cursor is: the completion context read from the (possibly broken) tree."""

from __future__ import annotations

import re

from rholang_lsp.semantics.scope_at import (
    token_before,
)
from rholang_lsp.syntax import Node, Token, ast
from rholang_lsp.syntax.kinds import BINARY_OPERATORS, CLOSERS, K

_WORD = re.compile(r"[A-Za-z0-9_']*$")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'")
_CLOSERS = CLOSERS
_VALUE_END = frozenset(
    {
        K.IDENT,
        K.INT,
        K.STRING,
        K.URI,
        K.TYPED_NUMBER,
        K.KW_TRUE,
        K.KW_FALSE,
        K.KW_NIL,
        K.RPAREN,
        K.RBRACKET,
        K.RBRACE,
        K.PIPE_RBRACE,
        K.COMMA_RPAREN,
        K.UNDERSCORE,
        K.KW_BOOL,
        K.KW_INT,
        K.KW_STRING,
        K.KW_URI,
        K.KW_BYTEARRAY,
        K.KW_BIGINT,
    }
)
_BINARY_OPS = BINARY_OPERATORS | {K.TILDE, K.KW_NOT, K.COLON, K.KW_WHERE}

# contexts
PROCESS, EXPR, NAME, NAME_PATTERN, PROC_PATTERN, AFTER, METHOD = (
    "process",
    "expression",
    "name",
    "name-pattern",
    "process-pattern",
    "after-expression",
    "method",
)
URI, NEW_DECL, NEW_URI, GLOBAL, NONE = "uri", "new-declaration", "new-uri", "global-name", "none"


# ---------------------------------------------------------------------- tree helpers
# ``token_before`` (imported above from ``semantics.scope_at``) is re-exported from here.


def token_containing(root: Node, offset: int) -> Token | None:
    """The token with ``start < offset < end`` (None in trivia or at token boundaries)."""
    tok = token_before(root, offset)
    if tok is not None and tok.start < offset < tok.end:
        return tok
    return None


def in_comment(root: Node, offset: int) -> bool:
    tok = token_before(root, offset)
    nxt = tok.next_token() if tok is not None else root.first_token()
    if nxt is None or not nxt._trivia:
        return False
    pos = nxt.full_start
    for kind, text in nxt._trivia:
        end = pos + len(text)
        if (
            kind != K.WHITESPACE
            and pos < offset
            and (offset < end or (offset == end and kind != K.BLOCK_COMMENT))
        ):
            if kind == K.BLOCK_COMMENT or (kind == K.DOC_COMMENT and text.startswith("/**")):
                return offset < end or not text.endswith("*/")
            return True
        pos = end
    return False


def in_pattern(tok: Token) -> bool:
    """Whether ``tok`` lies inside a pattern (receive/contract formals, case pattern, `matches`)."""
    child: Node | Token = tok
    node = tok.parent
    while node is not None:
        k = node.kind
        if k == K.NAME_PATTERNS:
            return True
        if k == K.CASE:
            return ast.Case(node).pattern is child
        if k == K.MATCHES:
            patterns = ast.Matches(node).patterns
            return bool(patterns) and patterns[-1] is child
        if k in (K.SOURCE, K.GUARD, K.SOURCE_FILE):
            return False
        child = node
        node = node.parent
    return False


# ---------------------------------------------------------------------- context
def _context(tok: Token | None, text: str, word_start: int) -> str:
    if tok is None:
        return PROCESS
    k = tok.kind
    par = tok.parent.kind if tok.parent is not None else None
    newline_between = "\n" in text[tok.end : word_start]
    if k == K.DOT:
        return NONE if par == K.SYNC_CONT else METHOD
    if k == K.LPAREN:
        if par == K.NAME_DECL:
            return NEW_URI
        if par in (K.FOR, K.CONTRACT, K.AGENT_DECL):
            return NAME_PATTERN
        return PROC_PATTERN if in_pattern(tok) else EXPR
    if k in (K.KW_NEW,) or (k == K.COMMA and par == K.NEW):
        return NEW_DECL
    if k == K.COMMA or (k == K.COMMA_RPAREN and word_start < tok.end):
        # ``,)`` is one token (RNode's lexing): a cursor between its two characters is
        # right after a comma (the editor auto-closed the parenthesis)
        if par == K.NAME_PATTERNS:
            return NAME_PATTERN
        return PROC_PATTERN if in_pattern(tok) else EXPR
    if k in (K.SEMI, K.AMP):
        if par in (K.FOR, K.RECEIPT, K.LET, K.BRANCH, K.SELECT):
            return NAME_PATTERN
        return PROCESS
    if k == K.LBRACE:
        if par == K.MATCH:
            return PROC_PATTERN
        if par == K.SELECT:
            return NAME_PATTERN
        if par == K.MAP:
            return PROC_PATTERN if in_pattern(tok) else EXPR
        return PROC_PATTERN if in_pattern(tok) else PROCESS
    if k in (K.PIPE, K.KW_IN, K.FAT_ARROW, K.KW_ELSE):
        return PROC_PATTERN if (k == K.PIPE and in_pattern(tok)) else PROCESS
    if k in (K.LARROW, K.LE, K.PEEK_ARROW) and par == K.BIND:
        return NAME
    if k == K.KW_CONTRACT:
        return NAME
    if k == K.STAR and par == K.EVAL:
        return NAME
    if k in (K.EQ_STAR,) or (k == K.STAR and par == K.VAR_REF):
        return NAME
    if k == K.EQ and par == K.VAR_REF:
        return EXPR
    if k == K.AT:
        return PROC_PATTERN if in_pattern(tok) else EXPR
    if k in (K.KW_LET,):
        return NAME_PATTERN
    if k in (K.BANG, K.BANG_BANG, K.BANG_QUESTION, K.KW_FOR, K.KW_IF, K.ELLIPSIS, K.QUESTION_BANG):
        return NONE
    if k in (K.LBRACKET, K.LBRACE_PIPE, K.KW_MATCH, K.EQ) or k in _BINARY_OPS:
        return PROC_PATTERN if in_pattern(tok) else EXPR
    if k in _VALUE_END or k in (K.KW_BUNDLE, K.KW_BUNDLE_NONE, K.KW_BUNDLE_READ, K.KW_BUNDLE_WRITE):
        if newline_between:
            case = _case_ending_with(tok)
            if case is not None:
                return PROC_PATTERN
            return PROCESS
        return AFTER
    return NONE


def _case_ending_with(tok: Token) -> Node | None:
    node = tok.parent
    while node is not None and node.end == tok.end:
        if node.kind == K.CASE:
            return node
        node = node.parent
    return None
