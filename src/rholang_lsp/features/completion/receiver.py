"""The type of the receiver of `x.` where it is evident from the text: a literal (string,
list, map, set, tuple, F1R3FLY pathmap `{| … |}`), a method call whose result type is known (`"ff".hexToBytes()` is a
byte array), or a variable bound to one by `let x = [..]`, by a `match` case that is the
variable alone, or as the remainder of a list / map / set pattern (`[h ...tail]`).
Anything else is not evident (None): completion then offers every method."""

from __future__ import annotations

from rholang_lsp.features.builtin_methods import (
    LIST,
    MAP,
    PATHMAP,
    SET,
    STRING,
    TUPLE,
    result_type,
)
from rholang_lsp.semantics.scope_at import resolve_name_at, token_before
from rholang_lsp.syntax import Node, ParseResult, Token, ast
from rholang_lsp.syntax.kinds import K

_COLLECTIONS = {K.LIST: LIST, K.MAP: MAP, K.SET: SET, K.TUPLE: TUPLE, K.PATHMAP: PATHMAP}
_MAX_DEPTH = 8  # `let` chains followed through variables


def receiver_before(parsed: ParseResult, dot: Token) -> Node | None:
    """The expression the `.` at ``dot`` is applied to: the largest node ending right
    before the dot that does not contain it."""
    prev = token_before(parsed.tree, dot.start)
    if prev is None:
        return None
    node = prev.parent
    best: Node | None = None
    while node is not None and node.end == prev.end and node.start <= prev.start:
        if node.kind in (K.BLOCK, K.PAR, K.SOURCE_FILE):
            break
        if node.kind != K.ARGS:  # the `(…)` of `m(…)`: the call is the receiver
            best = node
        node = node.parent
    return best


def receiver_type(parsed: ParseResult, node: Node | None, _depth: int = 0) -> str | None:
    """The evident type of the expression ``node`` (None: not evident)."""
    if node is None or _depth > _MAX_DEPTH:
        return None
    kind = node.kind
    if kind in _COLLECTIONS:
        return _COLLECTIONS[kind]
    if kind == K.LITERAL:
        tok = node.first_token()
        return STRING if tok is not None and tok.kind == K.STRING else None
    if kind == K.PAREN:
        inner = ast.nodes(node)
        return receiver_type(parsed, inner[0], _depth + 1) if len(inner) == 1 else None
    if kind == K.METHOD_CALL:
        inner = ast.nodes(node)
        name = ast.child_token(node, K.IDENT)
        if not inner or name is None:
            return None
        return result_type(name.text, receiver_type(parsed, inner[0], _depth + 1))
    if kind == K.BINARY_EXPR and ast.has_token(node, K.PLUS_PLUS):
        inner = ast.nodes(node)
        return receiver_type(parsed, inner[0], _depth + 1) if inner else None
    if kind == K.VAR:
        ident = node.first_token()
        if ident is None or ident.kind != K.IDENT:
            return None
        return _bound_type(parsed, ident, _depth)
    return None


def _bound_type(parsed: ParseResult, ident: Token, depth: int) -> str | None:
    binder = resolve_name_at(parsed, ident)
    if binder is None:
        return None
    tok = parsed.tree.token_at(binder.start)
    var = tok.parent if tok is not None else None
    up = var.parent if var is not None else None
    if var is None or up is None:
        return None
    if up.kind == K.REMAINDER:  # `[head ...tail]`, `{k: v ...rest}`, `Set(x ...rest)`
        holder = up.parent
        return _COLLECTIONS.get(holder.kind) if holder is not None else None
    if up.kind == K.LET_DECL and up.children and up.children[0] is var:
        values = [c for c in ast.nodes(up) if c is not var]  # `let x = P`
        return receiver_type(parsed, values[0], depth + 1) if len(values) == 1 else None
    if up.kind == K.CASE and ast.nodes(up) and ast.nodes(up)[0] is var:
        match = up.parent
        target = ast.nodes(match)[0] if match is not None and ast.nodes(match) else None
        return receiver_type(parsed, target, depth + 1)
    return None
