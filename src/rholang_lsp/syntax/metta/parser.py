"""MeTTa parser: tokens -> nested expressions, with an explicit stack (no recursion).

Resilient: a ``)`` without its ``(`` is reported and skipped; expressions still open
at the end of the text are reported at their ``(`` and closed there. Never raises.
"""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.metta.lexer import SOURCE, TRIVIA, MettaKind, MettaToken, lex_metta


class MettaExpr:
    """``( items... )``; ``close`` is None when the ``)`` is missing."""

    __slots__ = ("open", "items", "close", "parent")

    def __init__(self, open_tok: MettaToken, parent: MettaExpr | None) -> None:
        self.open = open_tok
        self.items: list[MettaToken | MettaExpr] = []
        self.close: MettaToken | None = None
        self.parent = parent

    @property
    def start(self) -> int:
        return self.open.start

    @property
    def end(self) -> int:
        if self.close is not None:
            return self.close.end
        return self.items[-1].end if self.items else self.open.end

    def head(self) -> MettaToken | None:
        """The first item when it is a token (the operator of a call)."""
        first = self.items[0] if self.items else None
        return first if isinstance(first, MettaToken) else None

    def walk(self) -> Iterator[MettaToken | MettaExpr]:
        """This expression and everything inside it, preorder; iterative."""
        stack: list[MettaToken | MettaExpr] = [self]
        while stack:
            el = stack.pop()
            yield el
            if isinstance(el, MettaExpr):
                stack.extend(reversed(el.items))

    def __repr__(self) -> str:
        return f"MettaExpr({self.start}..{self.end}, {len(self.items)} items)"


class TopItem:
    """One top-level atom; ``bang`` is the ``!`` token in front of it (evaluation)."""

    __slots__ = ("atom", "bang", "index")

    def __init__(self, atom: MettaToken | MettaExpr, bang: MettaToken | None, index: int) -> None:
        self.atom = atom
        self.bang = bang
        self.index = index

    @property
    def start(self) -> int:
        return self.bang.start if self.bang is not None else self.atom.start

    @property
    def end(self) -> int:
        return self.atom.end


class MettaParse:
    """``tokens``: every token, trivia included (lossless); ``items``: top-level atoms;
    ``diagnostics``: sorted by position; ``holes``: whether HOLE tokens were lexed."""

    __slots__ = ("text", "tokens", "items", "diagnostics", "holes")

    def __init__(
        self,
        text: str,
        tokens: list[MettaToken],
        items: list[TopItem],
        diagnostics: list[Diagnostic],
        holes: bool,
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.items = items
        self.diagnostics = diagnostics
        self.holes = holes

    def item_at(self, offset: int) -> TopItem | None:
        """The top-level item whose range contains ``offset`` (its end included)."""
        lo, hi = 0, len(self.items)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.items[mid].end < offset:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.items) and self.items[lo].start <= offset <= self.items[lo].end:
            return self.items[lo]
        return None

    def token_at(self, offset: int) -> MettaToken | None:
        """The non-trivia token containing ``offset`` (or ending exactly at it)."""
        toks = self.tokens
        lo, hi = 0, len(toks)
        while lo < hi:
            mid = (lo + hi) // 2
            if toks[mid].end <= offset:
                lo = mid + 1
            else:
                hi = mid
        for i in (lo, lo - 1):
            if 0 <= i < len(toks):
                t = toks[i]
                if t.kind not in TRIVIA and t.start <= offset <= t.end and t.text:
                    return t
        return None

    def __repr__(self) -> str:
        return f"MettaParse(len={len(self.text)}, items={len(self.items)})"


def parse_metta(text: str, *, holes: bool = False) -> MettaParse:
    tokens, diags = lex_metta(text, holes=holes)
    items: list[TopItem] = []
    stack: list[MettaExpr] = []
    bang: MettaToken | None = None
    for tok in tokens:
        kind = tok.kind
        if kind in TRIVIA:
            continue
        if kind is MettaKind.LPAREN:
            stack.append(MettaExpr(tok, stack[-1] if stack else None))
            continue
        if kind is MettaKind.RPAREN:
            if not stack:
                diags.append(
                    Diagnostic(
                        tok.start,
                        tok.end,
                        Severity.ERROR,
                        "Unexpected `)`: no `(` to close.",
                        "metta-stray-paren",
                        SOURCE,
                    )
                )
                continue
            expr = stack.pop()
            expr.close = tok
            atom: MettaToken | MettaExpr = expr
        else:
            atom = tok
        if stack:
            stack[-1].items.append(atom)
        elif isinstance(atom, MettaToken) and atom.kind is MettaKind.SYMBOL and atom.text == "!":
            if bang is not None:
                items.append(TopItem(bang, None, len(items)))
            bang = atom
        else:
            items.append(TopItem(atom, bang, len(items)))
            bang = None
    # close what is still open, innermost first, each reported at its `(`
    while stack:
        expr = stack.pop()
        diags.append(
            Diagnostic(
                expr.open.start,
                expr.open.end,
                Severity.ERROR,
                "Unclosed `(`: missing `)`.",
                "metta-unclosed-paren",
                SOURCE,
            )
        )
        if stack:
            stack[-1].items.append(expr)
        else:
            items.append(TopItem(expr, bang, len(items)))
            bang = None
    if bang is not None:
        items.append(TopItem(bang, None, len(items)))
    diags.sort(key=lambda d: (d.start, d.end, d.message))
    return MettaParse(text, tokens, items, diags, holes)
