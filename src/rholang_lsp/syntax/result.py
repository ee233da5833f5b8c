"""``parse`` and ``ParseResult``."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.syntax.diagnostic import Diagnostic
from rholang_lsp.syntax.kinds import SyntaxKind
from rholang_lsp.syntax.lexer import lex
from rholang_lsp.syntax.parser import Parser
from rholang_lsp.syntax.tree import Node, Token

TARGETS = ("rnode", "f1r3fly")


class ParseResult:
    """The outcome of a parse.

    ``text``: the parsed text; ``tree``: root ``Node`` of kind ``SOURCE_FILE``;
    ``diagnostics``: syntax diagnostics (source ``"rholang-parser"``), sorted by
    position; ``target``: ``"rnode"`` or ``"f1r3fly"``.

    Note: ``reparse(old, ...)`` reuses the nodes of ``old.tree`` for the new tree
    (in place), so ``old.tree`` must not be used after ``reparse``; ``old.text``
    and ``old.diagnostics`` stay valid.
    """

    __slots__ = ("text", "tree", "diagnostics", "target")

    def __init__(self, text: str, tree: Node, diagnostics: list[Diagnostic], target: str) -> None:
        self.text = text
        self.tree = tree
        self.diagnostics = diagnostics
        self.target = target

    def tokens(self) -> Iterator[Token]:
        """All tokens in order, ending with the ``EOF`` token."""
        return self.tree.tokens()

    @property
    def has_errors(self) -> bool:
        return any(d.severity == 1 for d in self.diagnostics)

    def __repr__(self) -> str:
        return f"ParseResult(len={len(self.text)}, diagnostics={len(self.diagnostics)})"


def _sort_key(d: Diagnostic) -> tuple[int, int, str]:
    return (d.start, d.end, d.message)


def parse(text: str, *, target: str = "f1r3fly") -> ParseResult:
    """Parse a whole document. Never raises (on any ``str`` input)."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r} (expected 'rnode' or 'f1r3fly')")
    lexed = lex(text, target)
    parser = Parser(text, lexed.tokens, target)
    for d in lexed.diagnostics:
        if d.code.startswith("unterminated-"):
            parser.mute_from = d.start
    tree = parser.parse_file()
    diags = lexed.diagnostics + parser.diags
    diags.sort(key=_sort_key)
    return ParseResult(text, tree, diags, target)


__all__ = ["ParseResult", "parse", "SyntaxKind"]
