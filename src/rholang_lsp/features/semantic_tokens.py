"""textDocument/semanticTokens for Rholang.

The feature returns absolute tokens ``(start, length, type, modifiers)`` with
offsets into the document ``str`` (code points); the server turns them into the
relative, encoding-aware LSP integer array (and splits multi-line tokens when the
client does not support them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from rholang_lsp.features.legend import (
    M_DECLARATION,
    M_DEFAULT_LIBRARY,
    M_DOCUMENTATION,
    M_PROCESS,
    M_READONLY,
    T_COMMENT,
    T_FUNCTION,
    T_KEYWORD,
    T_METHOD,
    T_NAMESPACE,
    T_NUMBER,
    T_OPERATOR,
    T_PARAMETER,
    T_STRING,
    T_TYPE,
    T_VARIABLE,
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    SemToken,
)
from rholang_lsp.semantics.model import Role, SemanticModel, Sort, SymbolKind
from rholang_lsp.syntax import Node, ParseResult, SyntaxKind
from rholang_lsp.syntax.kinds import BINARY_OPERATORS, COMMENT_KINDS, SIMPLE_TYPES, K

#: the legend (``features.legend``) is part of this module's interface
__all__ = ["TOKEN_MODIFIERS", "TOKEN_TYPES", "SemToken", "semantic_tokens"]

_KEYWORDS = frozenset(k for k in SyntaxKind if 30 <= k <= 62) - {
    K.KW_BOOL,
    K.KW_INT,
    K.KW_STRING,
    K.KW_URI,
    K.KW_BYTEARRAY,
    K.KW_BIGINT,
}
_TYPES = SIMPLE_TYPES
#: (`and`, `or` and `matches` are keywords, highlighted as such)
_OPERATORS = (BINARY_OPERATORS - _KEYWORDS) | {
    K.BANG,
    K.BANG_BANG,
    K.BANG_QUESTION,
    K.QUESTION_BANG,
    K.LARROW,
    K.PEEK_ARROW,
    K.FAT_ARROW,
    K.EQ,
    K.EQ_STAR,
    K.TILDE,
    K.AT,
    K.AMP,
    K.PIPE,
    K.ELLIPSIS,
}
_NUMBERS = frozenset({K.INT, K.TYPED_NUMBER, K.FLOAT})
_COMMENT_TRIVIA = COMMENT_KINDS


#: token kind -> (type, modifiers) for tokens classified by kind alone
_SIMPLE: dict[SyntaxKind, tuple[int, int]] = {
    **{k: (T_KEYWORD, 0) for k in _KEYWORDS},
    **{k: (T_TYPE, 0) for k in _TYPES},
    **{k: (T_OPERATOR, 0) for k in _OPERATORS},
    **{k: (T_NUMBER, 0) for k in _NUMBERS},
    K.STRING: (T_STRING, 0),
    K.URI: (T_NAMESPACE, M_DEFAULT_LIBRARY),
    K.BIGINT_OPEN: (T_TYPE, 0),
}
_METHOD_PARENTS = frozenset({K.METHOD_CALL, K.SYNC_SEND, K.SOURCE})


#: token kind -> (type, modifiers, length adjustment) for tokens classified by kind alone
_SIMPLE3: dict[SyntaxKind, tuple[int, int, int]] = {
    k: (t, m, -1 if k == K.BIGINT_OPEN else 0) for k, (t, m) in _SIMPLE.items()
}
_IDENT: Final = K.IDENT
_EOF: Final = K.EOF
_DOC: Final = K.DOC_COMMENT


def semantic_tokens(
    parse: ParseResult,
    model: SemanticModel,
    start: int | None = None,
    end: int | None = None,
) -> list[SemToken]:
    """Semantic tokens in document order (optionally only those overlapping ``[start, end)``)."""
    lo = 0 if start is None else start
    hi = len(parse.text) + 1 if end is None else end
    refs = {r.start: r for r in model.references}
    symbols = model.symbols
    contract_syms = {c.symbol for c in model.contracts if c.symbol is not None}
    contract_names = {c.name_start for c in model.contracts}
    out: list[SemToken] = []
    append = out.append
    simple = _SIMPLE3
    comment_trivia = _COMMENT_TRIVIA
    ws = K.WHITESPACE
    ident, eof, doc = _IDENT, _EOF, _DOC
    method_parents = _METHOD_PARENTS
    write = Role.WRITE
    proc = Sort.PROC
    formal = SymbolKind.CONTRACT_FORMAL
    node_type = Node
    root = parse.tree
    # skip subtrees entirely outside the range (never the one holding EOF)
    if lo > 0 and root.children and root.end < lo and root.children[-1].kind != eof:
        return out
    # depth-first over the children lists: the tokens come in document order
    # (``Any``: a child is a ``Node`` or a ``Token``, told apart by ``type``)
    stack: list[Iterator[Any]] = [iter(root.children)]
    push = stack.append
    pop = stack.pop
    while stack:
        for el in stack[-1]:
            if type(el) is node_type:
                children = el.children
                if lo > 0 and children and el.end < lo and children[-1].kind != eof:
                    continue
                push(iter(children))
                break
            tstart = el.start
            triv = el._trivia
            # (most tokens have whitespace alone before them)
            if triv and (len(triv) > 1 or triv[0][0] != ws) and tstart > lo:
                pos = tstart
                for _, ttext in triv:
                    pos -= len(ttext)
                if pos < hi:
                    for kind, ttext in triv:
                        n = len(ttext)
                        if kind in comment_trivia and pos < hi and pos + n > lo:
                            append((pos, n, T_COMMENT, M_DOCUMENTATION if kind == doc else 0))
                        pos += n
            if tstart >= hi:
                return out
            length = len(el.text)
            if not length or tstart + length <= lo:
                continue
            k = el.kind
            if k == ident:
                parent = el.parent
                if parent is not None and parent.kind in method_parents:
                    append((tstart, length, T_METHOD, M_DEFAULT_LIBRARY))
                    continue
                ref = refs.get(tstart)
                if ref is None:
                    if tstart in contract_names:
                        append((tstart, length, T_FUNCTION, M_DECLARATION))
                    else:
                        append((tstart, length, T_VARIABLE, 0))
                    continue
                mods = M_DECLARATION if ref.role is write else 0
                sid = ref.symbol
                if sid is None:
                    if tstart in contract_names:
                        append((tstart, length, T_FUNCTION, mods | M_DECLARATION))
                    else:
                        append((tstart, length, T_VARIABLE, mods))
                    continue
                sym = symbols[sid]
                if sym.uri is not None:
                    mods |= M_READONLY | M_DEFAULT_LIBRARY
                if sym.sort == proc:
                    mods |= M_PROCESS
                if sid in contract_syms:
                    typ = T_FUNCTION
                    if tstart in contract_names:
                        mods |= M_DECLARATION
                elif sym.kind == formal:
                    typ = T_PARAMETER
                else:
                    typ = T_VARIABLE
                append((tstart, length, typ, mods))
            else:
                tm = simple.get(k)
                if tm is not None:
                    append((tstart, length + tm[2], tm[0], tm[1]))
        else:
            pop()
    return out
