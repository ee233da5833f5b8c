"""MeTTa lexer: one regex pass; every character of the input lands in exactly one token.

Trivia (whitespace, ``;`` comments) are tokens of their own kinds, so joining the text
of all tokens gives the input back. Never raises.
"""

from __future__ import annotations

import enum
import re
from typing import Final

from rholang_lsp.syntax.diagnostic import Diagnostic, Severity

SOURCE: Final = "metta-parser"

#: stands for a Rholang expression spliced into an embedded MeTTa string
#: (``"(f " ++ x ++ ")"``): a private-use character that lexes as one atom
HOLE_CHAR: Final = "\ue000"


class MettaKind(enum.IntEnum):
    WHITESPACE = 1
    COMMENT = 2
    LPAREN = 3
    RPAREN = 4
    SYMBOL = 5  # any word that is not a number (`=`, `foo`, `&self`, `!`)
    VARIABLE = 6  # `$x`
    NUMBER = 7
    STRING = 8
    HOLE = 9


TRIVIA: Final = frozenset({MettaKind.WHITESPACE, MettaKind.COMMENT})


class MettaToken:
    __slots__ = ("kind", "start", "text")

    def __init__(self, kind: MettaKind, start: int, text: str) -> None:
        self.kind = kind
        self.start = start
        self.text = text

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def __repr__(self) -> str:
        return f"MettaToken({self.kind.name}, {self.start}, {self.text!r})"


_WORD_STOP = r"\s();" + HOLE_CHAR
_MASTER = re.compile(
    rf"""
 (?P<WS>\s+)
|(?P<C>;[^\n]*)
|(?P<LP>\()
|(?P<RP>\))
|(?P<STR>"(?:[^"\\]|\\[\s\S])*"?)
|(?P<HOLE>{HOLE_CHAR})
|(?P<VAR>\$[^\s(){HOLE_CHAR}]*)
|(?P<WORD>[^{_WORD_STOP}"$][^{_WORD_STOP}]*|["$][^{_WORD_STOP}]*)
""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\Z")
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]{1,8}\}|[\s\S]?)")
_SIMPLE_ESCAPES = frozenset("'\"\\nrt")
_KINDS: Final = {
    "WS": MettaKind.WHITESPACE,
    "C": MettaKind.COMMENT,
    "LP": MettaKind.LPAREN,
    "RP": MettaKind.RPAREN,
    "STR": MettaKind.STRING,
    "HOLE": MettaKind.HOLE,
    "VAR": MettaKind.VARIABLE,
}


def lex_metta(text: str, *, holes: bool = False) -> tuple[list[MettaToken], list[Diagnostic]]:
    """All tokens (trivia included) and the lexical diagnostics.

    With ``holes`` False, :data:`HOLE_CHAR` is an ordinary word character (``.metta``
    files); with True it is a :attr:`MettaKind.HOLE` token (embedded regions).
    """
    tokens: list[MettaToken] = []
    diags: list[Diagnostic] = []
    if not holes and HOLE_CHAR in text:
        # outside embedded regions the private-use character is just part of a word
        return _lex_no_holes(text)
    for m in _MASTER.finditer(text):
        g = m.lastgroup
        t = m.group()
        s = m.start()
        if g == "WORD":
            kind = MettaKind.NUMBER if _NUMBER.match(t) else MettaKind.SYMBOL
        else:
            assert g is not None
            kind = _KINDS[g]
            if kind is MettaKind.STRING:
                _check_string(s, t, diags)
            elif kind is MettaKind.VARIABLE and "#" in t:
                i = t.index("#")
                diags.append(
                    Diagnostic(
                        s + i,
                        s + i + 1,
                        Severity.ERROR,
                        "`#` is reserved in variable names.",
                        "metta-reserved-char",
                        SOURCE,
                    )
                )
        tokens.append(MettaToken(kind, s, t))
    return tokens, diags


def _lex_no_holes(text: str) -> tuple[list[MettaToken], list[Diagnostic]]:
    # lex with the hole character replaced by a plain word character, then restore the text
    tokens, diags = lex_metta(text.replace(HOLE_CHAR, "_"), holes=True)
    for tok in tokens:
        tok.text = text[tok.start : tok.end]
    return tokens, diags


def _check_string(s: int, t: str, diags: list[Diagnostic]) -> None:
    closed = len(t) >= 2 and t.endswith('"') and not _escaped_end(t)
    if "\\" in t:
        body_end = len(t) - 1 if closed else len(t)
        for em in _ESCAPE.finditer(t, 1, body_end):
            seq = em.group(1)
            ok = (len(seq) == 1 and seq in _SIMPLE_ESCAPES) or (
                seq.startswith("x") and len(seq) == 3 and int(seq[1:], 16) <= 0x7F
            )
            if seq.startswith("u{"):
                ok = int(seq[2:-1], 16) <= 0x10FFFF and not 0xD800 <= int(seq[2:-1], 16) <= 0xDFFF
            if not ok:
                diags.append(
                    Diagnostic(
                        s + em.start(),
                        s + em.end(),
                        Severity.ERROR,
                        "Invalid escape sequence (MeTTa allows \\' \\\" \\\\ \\n \\r \\t "
                        "\\xHH up to 7F and \\u{H...}).",
                        "metta-bad-escape",
                        SOURCE,
                    )
                )
    if not closed:
        diags.append(
            Diagnostic(
                s,
                s + len(t),
                Severity.ERROR,
                "Unterminated string.",
                "metta-unterminated-string",
                SOURCE,
            )
        )


def _escaped_end(t: str) -> bool:
    """Whether the final quote of ``t`` is escaped (an odd run of backslashes before it)."""
    n = 0
    i = len(t) - 2
    while i >= 1 and t[i] == "\\":
        n += 1
        i -= 1
    return n % 2 == 1
