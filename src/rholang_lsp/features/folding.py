"""textDocument/foldingRange: blocks and brackets, contract bodies, match/select
arms, multi-line comments, runs of line comments and `// region` markers.

Line numbers do not depend on the position encoding, so the feature returns
them directly (0-based, LSP convention: the closing bracket's line stays visible).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rholang_lsp.syntax import Node, ParseResult, SyntaxKind
from rholang_lsp.syntax.line_index import LineIndex

K = SyntaxKind

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
_OPEN = frozenset({K.LBRACE, K.LPAREN, K.LBRACKET, K.LBRACE_PIPE})
_CLOSE = frozenset({K.RBRACE, K.RPAREN, K.RBRACKET, K.PIPE_RBRACE, K.COMMA_RPAREN})
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

    for node in parse.tree.walk():
        k = node.kind
        if k in _BRACKETED:
            opener = next((c for c in node.children if c.kind in _OPEN and not isinstance(c, Node)), None)
            closer = next((c for c in reversed(node.children) if c.kind in _CLOSE and not isinstance(c, Node)), None)
            if opener is None:
                continue
            s = line_of(opener.start)
            if closer is None:
                add(s, line_of(node.end), None)
            else:
                add(s, line_of(closer.start) - 1, None)
        elif k in (K.CASE, K.BRANCH):
            s, e = line_of(node.start), line_of(node.end)
            last = node.last_token()
            if last is not None and last.kind in _CLOSE and e > s:
                e -= 1
            add(s, e, None)
        elif k == K.NEW:
            kw_in = node.first_child(K.KW_IN)
            if kw_in is not None:
                add(line_of(node.start), line_of(kw_in.start) - 1, None)
    # comments
    regions: list[int] = []
    run_start = run_end = -1
    last_line_comment = -2
    for tok in parse.tokens():
        if not tok._trivia:
            continue
        pos = tok.full_start
        for kind, text in tok._trivia:
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
    if run_end > run_start >= 0:
        add(run_start, run_end, "comment")
    return sorted(FoldRange(s, e, k) for (s, e), k in out.items())
