"""textDocument/semanticTokens for Rholang.

The feature returns absolute tokens ``(start, length, type, modifiers)`` with
offsets into the document ``str`` (code points); the server turns them into the
relative, encoding-aware LSP integer array (and splits multi-line tokens when the
client does not support them).
"""

from __future__ import annotations

from typing import Final, cast

from rholang_lsp.semantics.model import Role, SemanticModel, Sort, SymbolKind
from rholang_lsp.syntax import Node, ParseResult, SyntaxKind, Token
from rholang_lsp.syntax.kinds import BINARY_OPERATORS

K = SyntaxKind

#: the legend, in the order the integer codes refer to
TOKEN_TYPES: Final[tuple[str, ...]] = (
    "namespace",  # 0 URI literals (system channels, registry ids)
    "type",  # 1 simple types (Int, String, ...)
    "function",  # 2 contracts and channels implemented by a contract
    "method",  # 3 method names (`x.nth(0)`)
    "parameter",  # 4 contract formals
    "variable",  # 5 name and process variables
    "keyword",  # 6
    "string",  # 7
    "number",  # 8
    "operator",  # 9
    "comment",  # 10
)
TOKEN_MODIFIERS: Final[tuple[str, ...]] = (
    "declaration",  # 1 binder occurrence
    "readonly",  # 2 names bound to system URIs
    "documentation",  # 4 doc comments
    "defaultLibrary",  # 8 system channels and built-in methods
    "process",  # 16 process variables (as opposed to name variables)
)

T_NAMESPACE, T_TYPE, T_FUNCTION, T_METHOD, T_PARAMETER, T_VARIABLE = 0, 1, 2, 3, 4, 5
T_KEYWORD, T_STRING, T_NUMBER, T_OPERATOR, T_COMMENT = 6, 7, 8, 9, 10
M_DECLARATION, M_READONLY, M_DOCUMENTATION, M_DEFAULT_LIBRARY, M_PROCESS = 1, 2, 4, 8, 16

SemToken = tuple[int, int, int, int]  # start offset, length (code points), type, modifiers

_KEYWORDS = frozenset(k for k in K if 30 <= k <= 62) - {
    K.KW_BOOL,
    K.KW_INT,
    K.KW_STRING,
    K.KW_URI,
    K.KW_BYTEARRAY,
    K.KW_BIGINT,
}
_TYPES = frozenset({K.KW_BOOL, K.KW_INT, K.KW_STRING, K.KW_URI, K.KW_BYTEARRAY, K.KW_BIGINT})
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
_COMMENT_TRIVIA = frozenset({K.LINE_COMMENT, K.BLOCK_COMMENT, K.DOC_COMMENT})


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
    simple = _SIMPLE
    ws = K.WHITESPACE
    method_parents = _METHOD_PARENTS
    stack: list[Node | Token] = [parse.tree]
    pop = stack.pop
    push_all = stack.extend
    while stack:
        el = pop()
        if type(el) is Node:
            children = el.children
            # skip subtrees entirely outside the range
            if children and (el.end < lo and children[-1].kind != K.EOF):
                continue
            push_all(reversed(children))
            continue
        tok = cast(Token, el)
        tstart = tok.start
        triv = tok._trivia
        if triv and tstart > lo and (len(triv) > 1 or triv[0][0] != ws):
            pos = tstart - sum(len(t) for _, t in triv)
            if pos < hi:
                for kind, text in triv:
                    if kind in _COMMENT_TRIVIA and pos < hi and pos + len(text) > lo:
                        append(
                            (
                                pos,
                                len(text),
                                T_COMMENT,
                                M_DOCUMENTATION if kind == K.DOC_COMMENT else 0,
                            )
                        )
                    pos += len(text)
        if tstart >= hi:
            break
        length = len(tok.text)
        if tstart + length <= lo or not length:
            continue
        k = tok.kind
        if k == K.IDENT:
            parent = tok.parent
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
            mods = M_DECLARATION if ref.role is Role.WRITE else 0
            sid = ref.symbol
            if sid is None:
                typ = T_FUNCTION if tstart in contract_names else T_VARIABLE
                if tstart in contract_names:
                    mods |= M_DECLARATION
                append((tstart, length, typ, mods))
                continue
            sym = symbols[sid]
            if sym.uri is not None:
                mods |= M_READONLY | M_DEFAULT_LIBRARY
            if sym.sort == Sort.PROC:
                mods |= M_PROCESS
            if sid in contract_syms:
                typ = T_FUNCTION
                if tstart in contract_names:
                    mods |= M_DECLARATION
            elif sym.kind == SymbolKind.CONTRACT_FORMAL:
                typ = T_PARAMETER
            else:
                typ = T_VARIABLE
            append((tstart, length, typ, mods))
        else:
            typ_mod = simple.get(k)
            if typ_mod is not None:
                append(
                    (tstart, length if k != K.BIGINT_OPEN else length - 1, typ_mod[0], typ_mod[1])
                )
    return out
