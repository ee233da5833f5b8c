"""textDocument/foldingRange: blocks and brackets, contract bodies, match/select
arms, multi-line comments, runs of line comments and `// region` markers.

Line numbers do not depend on the position encoding, so the feature returns
them directly (0-based, LSP convention: the closing bracket's line stays visible).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from rholang_lsp.syntax import Node, ParseResult, Token
from rholang_lsp.syntax.kinds import CLOSERS, OPENERS, K
from rholang_lsp.syntax.line_index import LineIndex

_BRACKETED = frozenset(
    {
        K.BLOCK,
        K.MAP,
        K.LIST,
        K.SET,
        K.TUPLE,
        K.ARGS,
        K.PATHMAP,
        K.PAREN,
        K.MATCH,
        K.SELECT,
        K.AGENT,
    }
)
_OPEN = OPENERS - {K.BIGINT_OPEN}
_CLOSE = CLOSERS
_REGION_START = re.compile(r"^//\s*#?region\b")
_REGION_END = re.compile(r"^//\s*#?endregion\b")


@dataclass(frozen=True, slots=True, order=True)
class FoldRange:
    start_line: int
    end_line: int
    kind: str | None = None  # "comment", "region" or None


def folding_ranges(parse: ParseResult, index: LineIndex | None = None) -> list[FoldRange]:
    li = index if index is not None and index.text is parse.text else LineIndex(parse.text)
    line_of = li.line_of
    out: dict[tuple[int, int], str | None] = {}

    def add(s: int, e: int, kind: str | None) -> None:
        if e > s and (s, e) not in out:
            out[(s, e)] = kind

    regions: list[int] = []
    run_start = run_end = -1
    last_line_comment = -2
    ws = K.WHITESPACE
    stack: list[Node | Token] = [parse.tree]
    pop = stack.pop
    while stack:
        el = pop()
        if type(el) is not Node:
            tok = cast(Token, el)
            triv = tok._trivia
            if not triv or (len(triv) == 1 and triv[0][0] == ws):
                continue
            pos = tok.start - sum(len(t) for _, t in triv)
            for kind, text in triv:
                if kind == K.LINE_COMMENT or (kind == K.DOC_COMMENT and text.startswith("///")):
                    ln = line_of(pos)
                    if _REGION_START.match(text):
                        regions.append(ln)
                    elif _REGION_END.match(text):
                        if regions:
                            add(regions.pop(), ln, "region")
                    else:
                        if ln == last_line_comment + 1 and run_start >= 0:
                            run_end = ln
                        else:
                            if run_end > run_start >= 0:
                                add(run_start, run_end, "comment")
                            run_start = run_end = ln
                        last_line_comment = ln
                elif kind in (K.BLOCK_COMMENT, K.DOC_COMMENT):
                    add(line_of(pos), line_of(pos + len(text)), "comment")
                pos += len(text)
            continue
        node = cast(Node, el)
        children = node.children
        stack.extend(reversed(children))
        k = node.kind
        if k in _BRACKETED:
            if not children:
                continue
            opener = children[0] if children[0].kind in _OPEN else None
            if opener is None:
                opener = next(
                    (c for c in children if c.kind in _OPEN and not isinstance(c, Node)), None
                )
                if opener is None:
                    continue
            s = line_of(opener.start)
            last = children[-1]
            if last.kind in _CLOSE and not isinstance(last, Node):
                add(s, line_of(last.start) - 1, None)
            else:
                add(s, line_of(node.end), None)
        elif k in (K.CASE, K.BRANCH):
            s, e = line_of(node.start), line_of(node.end)
            last_tok = node.last_token()
            if last_tok is not None and last_tok.kind in _CLOSE and e > s:
                e -= 1
            add(s, e, None)
        elif k == K.NEW:
            kw_in = node.first_child(K.KW_IN)
            if kw_in is not None:
                add(line_of(node.start), line_of(kw_in.start) - 1, None)
    if run_end > run_start >= 0:
        add(run_start, run_end, "comment")
    return sorted(FoldRange(s, e, k) for (s, e), k in out.items())
