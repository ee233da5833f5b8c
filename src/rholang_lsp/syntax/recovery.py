"""Point a broken file's errors at their likely cause.

While a user types, a file is often unbalanced for a moment: a `"` or a `{` typed without its
closer. Read literally, an unclosed `"` swallows code up to the next string's quote and turns
the rest of the file inside out, and an extra `{` is closed by the next `}`, so that every
brace after it pairs with the wrong opener and the error lands at the end of the file naming
the outermost block. Two readings help, and a file that parses cleanly never gets either:

* ``runaway_string`` / ``end_string_at_line``: when a parse has errors, the last string that
  spans lines before the first error is read as ending at its line ("unclosed string"), and
  ``syntax.result.parse`` keeps that reading unless it has more errors;
* ``pair``: when brackets do not pair, a closer that begins its line pairs with the innermost
  open bracket of its class on a line of the same indentation (``pair_brackets``' guide),
  kept when that leaves no more brackets unpaired, so the error names the brace just typed.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Final

from rholang_lsp.syntax import checkpoint
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.kinds import K, SyntaxKind
from rholang_lsp.syntax.lexer import SOURCE, LexResult, lex, line_col
from rholang_lsp.syntax.parser import _CLOSE_CLASS, _OPEN_CLASS, pair_brackets
from rholang_lsp.syntax.tree import Token

_BRACKETS: Final = frozenset(_OPEN_CLASS) | frozenset(_CLOSE_CLASS)


def unpaired(kinds: Sequence[SyntaxKind], match: Sequence[int]) -> int:
    return sum(1 for k, m in zip(kinds, match, strict=True) if m < 0 and k in _BRACKETS)


def pair(text: str, tokens: Sequence[Token]) -> list[int]:
    """The bracket pairing to parse with: the plain one, or the indentation-guided one when
    the plain one leaves brackets unpaired and this leaves no more of them unpaired."""
    kinds = [t.kind for t in tokens]
    match = pair_brackets(kinds)
    bad = unpaired(kinds, match)
    if bad:
        imatch = pair_by_indentation(text, tokens)
        if unpaired(kinds, imatch) <= bad:
            return imatch
    return match


def runaway_string(lexed: LexResult, first_error: int) -> Token | None:
    """The string most likely left unclosed: the last one that spans lines and starts
    before the first error (what a runaway string breaks comes after it)."""
    found = None
    for tok in lexed.tokens:
        if tok.start > first_error:
            break
        if tok.kind is K.STRING and "\n" in tok.text:
            found = tok
    return found


def end_string_at_line(text: str, target: str, tok: Token) -> LexResult:
    """Re-lex ``text`` with the string ``tok`` ended at the end of its first line."""
    eol = text.index("\n", tok.start)
    head = lex(text, target, 0, tok.start)
    tail = lex(text, target, eol)
    eof = head.tokens[-1]
    string = Token(K.STRING, tok.start, text[tok.start : eol], eof._trivia)
    diag = Diagnostic(
        tok.start,
        eol,
        Severity.ERROR,
        f'Unclosed string: the `"` at {line_col(text, tok.start)} has no closing `"` on its '
        "line (a string may span lines, but what follows reads as code).",
        "unclosed-string",
        SOURCE,
    )
    # the head's diagnostics past the string's start belonged to the swallowed text
    head_diags = [d for d in head.diagnostics if d.start < tok.start]
    return LexResult(
        head.tokens[:-1] + [string] + tail.tokens, head_diags + [diag] + tail.diagnostics
    )


def _indent_of_lines(text: str) -> tuple[list[int], list[int]]:
    """Start offset of every line and the width of its leading blanks."""
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    widths = []
    n = len(text)
    for line, s in enumerate(starts):
        if not line & 4095 and line:
            checkpoint()  # see ``parser.CHECK_EVERY``
        j = s
        while j < n and text[j] in " \t":
            j += 1
        widths.append(j - s)
    return starts, widths


def pair_by_indentation(text: str, tokens: Sequence[Token]) -> list[int]:
    """``pair_brackets`` guided by indentation: a closer that begins its line pairs with the
    innermost open bracket of its class on a line of the same indentation, when there is one."""
    starts, widths = _indent_of_lines(text)

    def indent(i: int) -> tuple[int, bool]:
        start = tokens[i].start
        line = bisect.bisect_right(starts, start) - 1
        return widths[line], start - starts[line] == widths[line]

    return pair_brackets([t.kind for t in tokens], indent)
