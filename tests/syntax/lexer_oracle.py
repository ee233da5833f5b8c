"""The lexer as it was before it scanned with `findall` (one Match object per token): the
test oracle of `rholang_lsp.syntax.lexer.lex`, kept for tests only (`test_lexer_oracle.py`
checks the two agree token for token, diagnostic for diagnostic).

Lexer: one compiled master regex, tokens with their leading trivia attached."""

from __future__ import annotations

import re
from collections.abc import Callable

from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.kinds import KEYWORDS, PUNCT, SyntaxKind
from rholang_lsp.syntax.tree import Token

SOURCE = "rholang-parser"
K = SyntaxKind

# Every match is the whitespace before a token or comment (group 1, often empty) and then
# that token or comment: one match per token instead of two (whitespace was a third of all
# matches). ``END`` matches the empty rest after the trailing whitespace.
_MASTER = re.compile(
    r"""
([ \t\r\n\f\v]*)
(?:(?P<DOC>///(?!/)[^\n]*|/\*\*(?![*/])[\s\S]*?\*/)
|(?P<LC>//[^\n]*)
|(?P<BC>/\*[\s\S]*?\*/)
|(?P<BCU>/\*[\s\S]*)
|(?P<STR>"(?:[^"\\]|\\[\s\S])*")
|(?P<STRU>"(?:[^"\\]|\\[\s\S])*)
|(?P<URI>`(?:[^`\\]|\\[\s\S])*`)
|(?P<URIU>`(?:[^`\\]|\\[\s\S])*)
|(?P<TNUM>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?(?:f(?:32|64|128|256)|p\d+)(?![\w'])
          |\d+(?:[iu]\d+|[nr])(?![\w']))
|(?P<FLOAT>\d+\.\d+(?:[eE][+-]?\d+)?(?![\w']))
|(?P<INT>\d+)
|(?P<GLUE>bundle[+\-]|bundle0(?![\w'])|BigInt\()
|(?P<ID>(?:[^\W\d]|')[\w']*)
|(?P<P>\.\.\.|<<-|!!|!\?|\?!|<-|<=|=>|==|!=|>=|=\*|%%|\+\+|--|/\\|\\/|\{\||\|\}|,\)|&&|\|\|
      |[!<>=+\-*/%~@.,;:&|(){}\[\]])
|(?P<TPL>\$\$?[A-Za-z_][\w]*\$?\$?|\$+)
|(?P<ERR>[\s\S])
|(?P<END>))
""",
    re.VERBOSE,
)

_ESCAPE = re.compile(r"\\([\s\S])")
_RNODE_ESCAPES = frozenset('"\\nt')
_RS_EXTRA_ESCAPES = frozenset("r0123456789")
_VALID_INT_WIDTHS = frozenset({"8", "16", "32", "64", "128", "256"})
_DiagFn = Callable[[int, int, Severity, str, str], None]
_EMPTY: tuple[tuple[SyntaxKind, str], ...] = ()
#: Shared by every token the process lexes (trees held for a whole workspace repeat the same
#: few texts): text -> (kind, the one copy of the text) for keywords, punctuation, plain
#: identifiers and short literals (strings, numbers, URIs), and the leading trivia of a token
#: preceded by whitespace alone (its text -> the one trivia tuple, whose one piece the trivia
#: of tokens after comments share too). Bounded; entries are immutable, so threads may share
#: them.
_KNOWN: dict[str, tuple[SyntaxKind, str]] = {t: (k, t) for t, k in {**KEYWORDS, **PUNCT}.items()}
_KNOWN["_"] = (K.UNDERSCORE, "_")
_WS_TRIVIA: dict[str, tuple[tuple[SyntaxKind, str], ...]] = {}
_KNOWN_MAX = 1 << 16


def _mixed_trivia(trivia: list[tuple[SyntaxKind, str]]) -> tuple[tuple[SyntaxKind, str], ...]:
    """Trivia with comments: its whitespace pieces are the shared ones of ``_WS_TRIVIA``."""
    ws_kind = K.WHITESPACE
    return tuple(p if p[0] is not ws_kind else _ws_trivia(p[1])[0] for p in trivia)


def _ws_trivia(ws: str) -> tuple[tuple[SyntaxKind, str], ...]:
    """The shared trivia tuple of whitespace ``ws`` alone (its one piece is shared too,
    by the trivia of tokens that also follow comments)."""
    shared = _WS_TRIVIA.get(ws)
    if shared is None:
        shared = ((K.WHITESPACE, ws),)
        if len(ws) <= 80 and len(_WS_TRIVIA) < _KNOWN_MAX:
            _WS_TRIVIA[ws] = shared
    return shared


def _one_copy(known: dict[str, tuple[SyntaxKind, str]], t: str, kind: SyntaxKind) -> str:
    """The one shared copy of a short literal's text (strings, numbers, URIs: see
    ``_KNOWN``), recorded on first sight."""
    hit = known.get(t)
    if hit is not None:
        return hit[1]
    if len(t) <= 64 and len(known) < _KNOWN_MAX:
        known[t] = (kind, t)
    return t


def line_col(text: str, offset: int) -> str:
    """1-based ``line:col`` (columns in code points) for messages."""
    line = text.count("\n", 0, offset) + 1
    col = offset - text.rfind("\n", 0, offset)
    return f"{line}:{col}"


class LexResult:
    __slots__ = ("tokens", "diagnostics")

    def __init__(self, tokens: list[Token], diagnostics: list[Diagnostic]) -> None:
        self.tokens = tokens
        self.diagnostics = diagnostics


def lex(text: str, target: str = "f1r3fly", pos: int = 0, endpos: int | None = None) -> LexResult:
    """Tokenize ``text[pos:endpos]`` (offsets stay absolute). Never raises.

    The last token is always ``EOF`` (empty text at ``endpos``) carrying the
    trailing trivia.
    """
    if endpos is None:
        endpos = len(text)
    rnode = target == "rnode"
    tokens: list[Token] = []
    diags: list[Diagnostic] = []
    append = tokens.append
    #: comments (and the whitespace around them) before the next token
    trivia: list[tuple[SyntaxKind, str]] = []
    known = _KNOWN
    known_get = known.get
    ws_get = _WS_TRIVIA.get
    ident = K.IDENT
    ws_kind = K.WHITESPACE
    empty = _EMPTY

    def diag(s: int, e: int, sev: Severity, msg: str, code: str) -> None:
        diags.append(Diagnostic(s, e, sev, msg, code, SOURCE))

    for m in _MASTER.finditer(text, pos, endpos):
        g = m.lastgroup
        ws, t = m.group(1, g)  # type: ignore[arg-type]
        if g == "ID" or g == "P":
            # keywords, punctuation and identifiers seen before: one shared text and kind
            hit = known_get(t)
            if hit is not None:
                kind, t = hit
            elif g == "P":
                kind = PUNCT[t]
            elif t == "_":
                kind = K.UNDERSCORE
            else:
                kind = ident
                if t[0] == "'" or not t.isascii():
                    _check_ident(text, m.end() - len(t), t, rnode, diag)
                elif len(known) < _KNOWN_MAX:
                    known[t] = (ident, t)
            if trivia:  # comments before: their whitespace pieces shared
                if ws:
                    trivia.append((ws_kind, ws))
                append(Token(kind, m.end() - len(t), t, _mixed_trivia(trivia)))
                trivia.clear()
            elif ws:
                shared = ws_get(ws)
                if shared is None:
                    shared = _ws_trivia(ws)
                append(Token(kind, m.end() - len(t), t, shared))
            else:
                append(Token(kind, m.end() - len(t), t, empty))
            continue
        if ws:
            trivia.append((ws_kind, ws))
        s = m.end() - len(t)
        if g == "END":
            break
        if g == "STR":
            kind = K.STRING
            if "\\" in t:
                _check_escapes(s, t, rnode, diag)
            t = _one_copy(known, t, kind)
        elif g == "INT":
            kind = K.INT
            t = _one_copy(known, t, kind)
        elif g == "LC":
            trivia.append((K.LINE_COMMENT, t))
            continue
        elif g == "DOC":
            trivia.append((K.DOC_COMMENT, t))
            continue
        elif g == "BC":
            trivia.append((K.BLOCK_COMMENT, t))
            continue
        elif g == "GLUE":
            kind = PUNCT[t]
        elif g == "URI":
            kind = K.URI
            t = _one_copy(known, t, kind)
            if "\\" in t:
                sev = Severity.ERROR
                for em in _ESCAPE.finditer(t):
                    if em.group(1) not in "`\\":
                        diag(
                            s + em.start(),
                            s + em.end(),
                            sev,
                            "Unsupported escape sequence in URI (allowed: \\` and \\\\).",
                            "bad-escape",
                        )
                    elif not rnode:
                        diag(
                            s + em.start(),
                            s + em.end(),
                            Severity.WARNING,
                            "F1R3FLY (rholang-rs) does not accept escapes in URI literals.",
                            "dialect-uri-escape",
                        )
            elif len(t) == 2 and not rnode:
                diag(
                    s,
                    s + 2,
                    Severity.WARNING,
                    "Empty URI literal: F1R3FLY (rholang-rs) requires at least one character.",
                    "dialect-empty-uri",
                )
        elif g == "TNUM":
            kind = K.TYPED_NUMBER
            _check_typed(s, t, rnode, diag)
        elif g == "FLOAT":
            kind = K.FLOAT
            hint = "" if rnode else " (F1R3FLY: add a type suffix, e.g. `1.5f64`)"
            diag(
                s,
                s + len(t),
                Severity.ERROR,
                f"Rholang has no floating-point literals{hint}.",
                "float-literal",
            )
        elif g == "BCU":
            trivia.append((K.BLOCK_COMMENT, t))
            diag(
                s,
                s + 2,
                Severity.ERROR,
                f"Unterminated comment starting at {line_col(text, s)}.",
                "unterminated-comment",
            )
            continue
        elif g == "STRU":
            kind = K.STRING
            diag(
                s,
                s + 1,
                Severity.ERROR,
                f"Unterminated string starting at {line_col(text, s)}.",
                "unterminated-string",
            )
        elif g == "URIU":
            kind = K.URI
            diag(
                s,
                s + 1,
                Severity.ERROR,
                f"Unterminated URI starting at {line_col(text, s)}.",
                "unterminated-uri",
            )
        elif g == "TPL":
            kind = K.ERROR_TOKEN
            diag(
                s,
                s + len(t),
                Severity.ERROR,
                "Looks like a template placeholder; substitute it before deploying.",
                "template",
            )
        else:  # ERR
            kind = K.ERROR_TOKEN
            diag(s, s + 1, Severity.ERROR, _bad_char_message(text, s, t), "unexpected-character")
        if trivia:
            if len(trivia) > 1 or trivia[0][0] is not ws_kind:
                append(Token(kind, s, t, _mixed_trivia(trivia)))
            else:  # whitespace alone: the shared tuple
                w = trivia[0][1]
                shared = ws_get(w)
                append(Token(kind, s, t, shared if shared is not None else _ws_trivia(w)))
            trivia.clear()
        else:
            append(Token(kind, s, t, _EMPTY))
    append(Token(K.EOF, endpos, "", tuple(trivia) if trivia else _EMPTY))
    return LexResult(tokens, diags)


def _bad_char_message(text: str, s: int, ch: str) -> str:
    if ch == "\x00" or (not ch.isprintable() and ch not in "\t\n\r"):
        return f"Unexpected character U+{ord(ch):04X} (is this a binary file?)."
    if ch == "'":
        return "Strings use double quotes."
    return f"Unexpected character `{ch}`."


def _check_ident(text: str, s: int, t: str, rnode: bool, diag: _DiagFn) -> None:
    if t[0] == "'":
        if t.endswith("'") and len(t) > 1:
            msg = "Strings use double quotes (RNode reads this as an identifier)."
        else:
            msg = "Identifiers cannot start with `'` in F1R3FLY (rholang-rs)."
        diag(s, s + len(t), Severity.WARNING if rnode else Severity.ERROR, msg, "quote-ident")
    elif not t.isascii():
        diag(
            s,
            s + len(t),
            Severity.WARNING,
            "Non-ASCII letters in identifiers are not portable (rholang-rs accepts ASCII only).",
            "non-ascii-ident",
        )


def _check_escapes(s: int, t: str, rnode: bool, diag: _DiagFn) -> None:
    for em in _ESCAPE.finditer(t, 1, len(t) - 1 if len(t) > 1 else 1):
        c = em.group(1)
        if c in _RNODE_ESCAPES:
            continue
        start, end = s + em.start(), s + em.end()
        if c in _RS_EXTRA_ESCAPES:
            if rnode:
                diag(
                    start,
                    end,
                    Severity.ERROR,
                    f'Unsupported escape sequence `\\{c}` (RNode allows only \\" \\\\ \\n \\t).',
                    "bad-escape",
                )
            continue
        shown = c if c.isprintable() else f"U+{ord(c):04X}"
        allowed = '\\" \\\\ \\n \\t' if rnode else '\\" \\\\ \\n \\t \\r \\0'
        diag(
            start,
            end,
            Severity.ERROR,
            f"Unsupported escape sequence `\\{shown}` (allowed: {allowed}).",
            "bad-escape",
        )


def _check_typed(s: int, t: str, rnode: bool, diag: _DiagFn) -> None:
    if rnode:
        diag(
            s,
            s + len(t),
            Severity.ERROR,
            "Typed numeric literals are an F1R3FLY (rholang-rs) extension; RNode does not accept them.",
            "dialect-typed-number",
        )
        return
    m = re.fullmatch(r"\d+([iu])(\d+)", t)
    if m and m.group(2) not in _VALID_INT_WIDTHS:
        diag(
            s,
            s + len(t),
            Severity.ERROR,
            f"Invalid integer width `{m.group(1)}{m.group(2)}`: use 8, 16, 32, 64, 128 or 256.",
            "bad-number-width",
        )
