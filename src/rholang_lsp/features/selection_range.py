"""textDocument/selectionRange: expand the selection syntax node by syntax node."""

from __future__ import annotations

from rholang_lsp.syntax import Node, ParseResult, Token
from rholang_lsp.syntax.kinds import K


def selection_chain(parse: ParseResult, offset: int) -> list[tuple[int, int]]:
    """Ranges containing ``offset``, innermost first, each strictly larger than the previous;
    the last one is the whole document."""
    root = parse.tree
    tok: Token | None = root.token_at(offset)
    out: list[tuple[int, int]] = []

    def push(s: int, e: int) -> None:
        if out and (s, e) == out[-1]:
            return
        if out and not (s <= out[-1][0] and out[-1][1] <= e):
            return
        out.append((s, e))

    # a comment under the cursor
    if tok is not None and tok._trivia and tok.full_start <= offset < tok.start:
        pos = tok.full_start
        for kind, text in tok._trivia:
            if kind != K.WHITESPACE and pos <= offset <= pos + len(text):
                push(pos, pos + len(text))
                break
            pos += len(text)
        node: Node | None = tok.parent
        while node is not None and not (node.start <= offset <= node.end):
            node = node.parent
    else:
        if tok is not None and tok.kind == K.STRING and tok.start < offset < tok.end - 1:
            push(tok.start + 1, tok.end - 1)  # string content
        if tok is not None and tok.kind != K.EOF:
            push(tok.start, tok.end)
        node = tok.parent if tok is not None else root
    while node is not None:
        if node.end > node.start:
            push(node.start, node.end)
        node = node.parent
    push(0, len(parse.text))
    return out
