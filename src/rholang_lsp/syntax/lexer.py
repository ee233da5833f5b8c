"""Lexer: a regex pass (``findall``) in bounded windows, tokens with their leading trivia
attached."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final, cast

from rholang_lsp.syntax import checkpoint
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.kinds import KEYWORDS, PUNCT, K, SyntaxKind
from rholang_lsp.syntax.tree import Token

SOURCE: Final = "rholang-parser"

# Every match is the whitespace before a token or comment (group 1, often empty) and then
# that token or comment: one match per token instead of two (whitespace was a third of all
# matches). ``END`` matches the empty rest after the trailing whitespace. ``lex`` scans with
# ``_SCAN`` (the same matches, no names) and asks ``_MASTER`` only about the rare tokens that
# ``_KNOWN`` does not know (see ``_rare``): its alternatives, in this order, define the tokens.
_MASTER: Final = re.compile(
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

#: What ``lex`` scans with: the alternatives of ``_MASTER`` in two groups, the whitespace
#: and the token, so that ``findall`` hands back plain ``(whitespace, token)`` pairs (no
#: Match objects: most of the time went into them). Same matches as ``_MASTER``, faster:
#: alternatives that no other one can start with the same character are moved ahead of the
#: others (punctuation other than `/` and `.`, then ``GLUE`` and ``ID``), and each
#: punctuation alternation ``ab|a`` is written ``ab?`` (the same choice: the longest
#: first), so that the engine rejects a wrong alternative on its first character.
#: ``tests/syntax/test_lexer_oracle.py`` checks the two agree.
_SCAN: Final = re.compile(
    r"""
([ \t\r\n\f\v]*)
(,\)?|[()\[\]};:~@*]|\{\|?|\|[|}]?|![!?=]?|<(?:<-|[-=])?|=[>=*]?|&&?|--?|\+\+?|>=?|%%?|\?!|\\/
|bundle[+\-]|bundle0(?![\w'])|BigInt\(
|(?:[^\W\d]|')[\w']*
|///(?!/)[^\n]*|/\*\*(?![*/])[\s\S]*?\*/
|//[^\n]*
|/\*[\s\S]*?\*/
|/\*[\s\S]*
|"(?:[^"\\]|\\[\s\S])*"
|"(?:[^"\\]|\\[\s\S])*
|`(?:[^`\\]|\\[\s\S])*`
|`(?:[^`\\]|\\[\s\S])*
|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?(?:f(?:32|64|128|256)|p\d+)(?![\w'])
 |\d+(?:[iu]\d+|[nr])(?![\w'])
|\d+\.\d+(?:[eE][+-]?\d+)?(?![\w'])
|\d+
|\.(?:\.\.)?|/\\?
|\$\$?[A-Za-z_][\w]*\$?\$?|\$+
|[\s\S]
|)
""",
    re.VERBOSE,
)

_ESCAPE: Final = re.compile(r"\\([\s\S])")
_RNODE_ESCAPES: Final = frozenset('"\\nt')
_RS_EXTRA_ESCAPES: Final = frozenset("r0123456789")
_VALID_INT_WIDTHS: Final = frozenset({"8", "16", "32", "64", "128", "256"})
_DiagFn = Callable[[int, int, Severity, str, str], None]
_EMPTY: Final[tuple[tuple[SyntaxKind, str], ...]] = ()
#: Shared by every token the process lexes (trees held for a whole workspace repeat the same
#: few texts): text -> (kind, the one copy of the text) for keywords, punctuation, plain
#: identifiers and short literals (strings, numbers, URIs), and the leading trivia of a token
#: preceded by whitespace alone (its text -> the one trivia tuple, whose one piece the trivia
#: of tokens after comments share too). Bounded; entries are immutable, so threads may share
#: them.
_KNOWN: Final[dict[str, tuple[SyntaxKind, str]]] = {
    t: (k, t) for t, k in {**KEYWORDS, **PUNCT}.items()
}
_KNOWN["_"] = (K.UNDERSCORE, "_")
_WS_TRIVIA: Final[dict[str, tuple[tuple[SyntaxKind, str], ...]]] = {}
_KNOWN_MAX: Final = 1 << 16
#: Characters a window of the scan covers at least (see ``lex``), unless a token is longer:
#: one ``findall`` holds the GIL while it runs (about 1 ms for 16k characters), and between
#: windows ``checkpoint`` lets a compiled lexer hand it over. Tests make it tiny.
CHUNK: Final = 1 << 14


def _mixed_trivia(trivia: list[tuple[SyntaxKind, str]]) -> tuple[tuple[SyntaxKind, str], ...]:
    """Trivia with comments: its whitespace pieces are the shared ones of ``_WS_TRIVIA``.

    The pieces pass through ``object`` (a variable-length tuple keeps its items as they are):
    compiled with mypyc, a value typed as a fixed-length tuple is unboxed, and boxing it again
    would make a new tuple instead of the shared one."""
    ws_kind = K.WHITESPACE
    as_objects: Sequence[object] = trivia
    pieces: list[object] = []
    for i, (kind, text) in enumerate(trivia):
        if kind is ws_kind:
            shared: tuple[object, ...] = _ws_trivia(text)
            pieces.append(shared[0])
        else:
            pieces.append(as_objects[i])
    return cast(tuple[tuple[SyntaxKind, str], ...], tuple(pieces))


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
    if pos < 0:  # where the regex engine starts (offsets count from there)
        pos = 0
    elif pos > len(text):
        pos = len(text)
    rnode = target == "rnode"
    tokens: list[Token] = []
    diags: list[Diagnostic] = []
    append = tokens.append
    #: comments (and the whitespace around them) before the next token
    trivia: list[tuple[SyntaxKind, str]] = []

    def diag(s: int, e: int, sev: Severity, msg: str, code: str) -> None:
        diags.append(Diagnostic(s, e, sev, msg, code, SOURCE))

    # The scan runs in windows of about ``CHUNK`` characters (a text no longer than that in
    # one), each ending just after a whitespace character, ``checkpoint`` before each but the
    # first.
    # A window's matches that end before its last character are those of a whole-text scan:
    # the regex engine cannot have looked past that whitespace character, since only a
    # comment, string or URI (or the whitespace before a token) can take it in and each of
    # those, taking it in, runs on to the window's end (unclosed, or ``END``): a match that
    # stops before it never read it, and none of its alternatives read beyond it. So the
    # matches that end at the window's end are dropped and scanned again in the next
    # window, which starts where they did; a window that keeps nothing (one token longer
    # than it) is scanned again twice as long. ``tests/syntax/test_lexer_chunks.py`` checks the stream is that of one scan.
    chunk = CHUNK
    size = chunk
    end = len(text) if endpos > len(text) else endpos  # where the scan stops
    first = True
    while True:
        if not first:
            checkpoint()
        first = False
        stop = end
        if end - pos > size:
            stop = _window_end(text, pos, end, size)
        pairs = _SCAN.findall(text, pos, stop)
        if stop < end:
            # the last two matches end at ``stop``: an empty one, and before it ``END``
            # (with the whitespace before ``stop``) or a token that may run on
            del pairs[-2:]
            if not pairs:
                size *= 2
                continue
            size = chunk
        pos = _emit(text, pos, endpos, pairs, tokens, trivia, rnode, diag)
        if stop == end:
            break
    append(Token(K.EOF, endpos, "", tuple(trivia) if trivia else _EMPTY))
    return LexResult(tokens, diags)


def _window_end(text: str, pos: int, end: int, size: int) -> int:
    """Where a window of the scan starting at ``pos`` ends: just after the last newline (or,
    lacking one, space) before ``pos + size``; lacking both, after the next one; lacking
    that, at ``end``."""
    target = pos + size
    i = text.rfind("\n", pos, target)
    if i < 0:
        i = text.rfind(" ", pos, target)
        if i < 0:
            i = text.find("\n", target, end)
            j = text.find(" ", target, end if i < 0 else i)
            if j >= 0:
                i = j
            if i < 0:
                return end
    return i + 1


def _emit(
    text: str,
    pos: int,
    endpos: int,
    pairs: list[tuple[str, str]],
    tokens: list[Token],
    trivia: list[tuple[SyntaxKind, str]],
    rnode: bool,
    diag: _DiagFn,
) -> int:
    """Append the tokens of the scan's ``pairs``, the first at ``pos``; comments (and the
    whitespace around them) go to ``trivia`` until the next token. Returns where the last
    pair ends."""
    append = tokens.append
    known_get = _KNOWN.get
    ws_get = _WS_TRIVIA.get
    ws_kind = K.WHITESPACE
    string_kind = K.STRING
    uri_kind = K.URI
    empty = _EMPTY
    # one (whitespace, token) pair per token, no Match objects: the token's kind is read
    # off its text (the keywords, punctuation, identifiers and short literals seen before:
    # one look-up), the rest (comments, first sightings, errors) by ``_rare``
    for ws, t in pairs:
        if ws:
            pos += len(ws)
        start = pos
        pos += len(t)
        hit = known_get(t)
        if hit is not None:
            kind, t = hit
            if kind is string_kind:
                if "\\" in t:
                    _check_escapes(start, t, rnode, diag)
            elif kind is uri_kind:
                _check_uri(start, t, rnode, diag)
        elif not t:  # END: the empty rest after the trailing whitespace
            if ws:
                trivia.append((ws_kind, ws))
            break
        else:
            found = _rare(text, start, endpos, ws, t, trivia, rnode, diag)
            if found is None:  # a comment: now in ``trivia``, with the whitespace before it
                continue
            kind, t = found
        if trivia:  # comments before: their whitespace pieces shared
            if ws:
                trivia.append((ws_kind, ws))
            append(Token(kind, start, t, _mixed_trivia(trivia)))
            trivia.clear()
        elif ws:
            shared = ws_get(ws)
            if shared is None:
                shared = _ws_trivia(ws)
            append(Token(kind, start, t, shared))
        else:
            append(Token(kind, start, t, empty))
    return pos


def _rare(
    text: str,
    s: int,
    endpos: int,
    ws: str,
    t: str,
    trivia: list[tuple[SyntaxKind, str]],
    rnode: bool,
    diag: _DiagFn,
) -> tuple[SyntaxKind, str] | None:
    """Kind and (shared) text of token ``t`` at ``s`` that is not in ``_KNOWN`` (``ws``:
    the whitespace before it), with its diagnostics; None for a comment, which goes to
    ``trivia`` after ``ws``. The alternative of ``_MASTER`` matching at ``s`` decides, as
    it did when the lexer scanned with it; line comments and identifiers, the common cases,
    are told by their first characters without a match, strings and URIs by their ends
    (``_closed``: a long one is not scanned twice)."""
    c = t[0]
    if c == "/" and t.startswith("//"):
        if ws:
            trivia.append((K.WHITESPACE, ws))
        doc = t.startswith("///") and not t.startswith("////")
        trivia.append((K.DOC_COMMENT if doc else K.LINE_COMMENT, t))
        return None
    if c.isalpha() or c == "'" or c == "_":  # `[^\W\d]|'`: the GLUE texts are all known
        g = "ID"
    elif c == '"':  # no second pass over a long string
        g = "STR" if _closed(t, c) else "STRU"
    elif c == "`":
        g = "URI" if _closed(t, c) else "URIU"
    else:
        m = _MASTER.match(text, s, endpos)
        assert m is not None  # ``END`` matches anywhere
        g = m.lastgroup or "END"
    known = _KNOWN
    if g == "ID":
        if t == "_":
            return K.UNDERSCORE, t
        if t[0] == "'" or not t.isascii():
            _check_ident(text, s, t, rnode, diag)
        elif len(known) < _KNOWN_MAX:
            known[t] = (K.IDENT, t)
        return K.IDENT, t
    if g == "P" or g == "GLUE":
        return PUNCT[t], t
    if g == "STR":
        if "\\" in t:
            _check_escapes(s, t, rnode, diag)
        return K.STRING, _one_copy(known, t, K.STRING)
    if g == "INT":
        return K.INT, _one_copy(known, t, K.INT)
    if g == "URI":
        t = _one_copy(known, t, K.URI)
        _check_uri(s, t, rnode, diag)
        return K.URI, t
    if g == "LC" or g == "DOC" or g == "BC" or g == "BCU":
        if ws:
            trivia.append((K.WHITESPACE, ws))
        if g == "LC":
            trivia.append((K.LINE_COMMENT, t))
        elif g == "DOC":
            trivia.append((K.DOC_COMMENT, t))
        else:
            trivia.append((K.BLOCK_COMMENT, t))
            if g == "BCU":
                _unterminated(text, s, 2, "comment", diag)
        return None
    if g == "TNUM":
        _check_typed(s, t, rnode, diag)
        return K.TYPED_NUMBER, t
    if g == "FLOAT":
        hint = "" if rnode else " (F1R3FLY: add a type suffix, e.g. `1.5f64`)"
        diag(
            s,
            s + len(t),
            Severity.ERROR,
            f"Rholang has no floating-point literals{hint}.",
            "float-literal",
        )
        return K.FLOAT, t
    if g == "STRU":
        _unterminated(text, s, 1, "string", diag)
        return K.STRING, t
    if g == "URIU":
        _unterminated(text, s, 1, "URI", diag)
        return K.URI, t
    if g == "TPL":
        diag(
            s,
            s + len(t),
            Severity.ERROR,
            "Looks like a template placeholder; substitute it before deploying.",
            "template",
        )
        return K.ERROR_TOKEN, t
    # ERR
    diag(s, s + 1, Severity.ERROR, _bad_char_message(text, s, t), "unexpected-character")
    return K.ERROR_TOKEN, t


def _closed(t: str, quote: str) -> bool:
    """Whether string or URI ``t`` (as ``_SCAN`` matched it: its alternatives of ``_MASTER``
    are the closed form, then the open one) is closed: it ends with ``quote`` after its
    opening one, and that quote is not escaped (an even run of backslashes before it)."""
    last = len(t) - 1
    if last < 1 or t[last] != quote:
        return False
    i = last - 1
    while t[i] == "\\":  # stops at the opening quote at the latest
        i -= 1
    return (last - 1 - i) % 2 == 0


def _unterminated(text: str, s: int, opener: int, what: str, diag: _DiagFn) -> None:
    """The error on the ``opener`` characters of a comment, string or URI left open."""
    code = f"unterminated-{what.lower()}"
    diag(
        s, s + opener, Severity.ERROR, f"Unterminated {what} starting at {line_col(text, s)}.", code
    )


def _check_uri(s: int, t: str, rnode: bool, diag: _DiagFn) -> None:
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
