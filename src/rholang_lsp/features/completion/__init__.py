"""textDocument/completion (and completionItem/resolve): context-aware.

What is offered depends on where the cursor is, read from the (possibly broken)
syntax tree around it:

* at the start of a process: names in scope (innermost first; channels with a
  contract as a send snippet of the contract's formals), contracts on quoted
  names from the whole workspace, keywords that start a process;
* in an expression (send arguments, operands, `if (`, `match`): process
  variables, `*name` for name variables, literals and `not`;
* in a name position (after `<-`, `contract`, `*`): name variables;
* in patterns (`for (` ... `<-`, contract formals, `match` cases): `_`, type
  patterns, `=x` / `=*x` references to existing variables (a plain identifier
  would bind a fresh variable), list/remainder snippets;
* after `.`: built-in methods; inside backticks and in `new` declarations:
  system URIs;
* after a complete expression: `and`, `or`, `matches`, `else`, `in` where valid.

Items are filtered by the typed prefix (case-insensitive subsequence, prefix
first), sorted with ``sort_text`` and cut at ``limit`` (``is_incomplete``).
Documentation is added lazily by ``resolve``. Offsets are code points.

Completion never binds the whole document: it reads the latest parse tree
(``Snapshot.parse``, incremental after an edit), asks the local scope query
``semantics.scope_at.names_in_scope_at`` for the names in scope, and finds the
current file's contracts syntactically (``scope_at.file_contracts``: a text scan
for `contract`, each hit checked against the tree and its channel resolved
locally) -- chosen over reusing the previous analysis, whose offsets are stale
after the edit. Other files come from the workspace index and the cached
analyses of the other open documents (never the current one).
"""

from __future__ import annotations

import re

from rholang_lsp.features.completion.context import (
    _WORD_CHARS,
    AFTER,
    EXPR,
    METHOD,
    NAME,
    NAME_PATTERN,
    NEW_DECL,
    NEW_URI,
    NONE,
    PROC_PATTERN,
    PROCESS,
    URI,
    _context,
    in_comment,
    token_containing,
)
from rholang_lsp.features.completion.items import (
    _PROCESS_KEYWORDS,
    _TYPE_PATTERNS,
    _VALUE_KEYWORDS,
    CK_FUNCTION,
    CK_KEYWORD,
    CK_METHOD,
    CK_SNIPPET,
    CK_TYPE_PARAMETER,
    CK_VARIABLE,
    CompletionItem,
    CompletionResult,
    _add_contract_item,
    _add_methods,
    _add_new_decls,
    _add_uris,
    _Collector,
    _finish,
    _sym_item,
    formal_placeholder,
    formals_from_signature,
    send_snippet,
    snippet_escape,
)
from rholang_lsp.features.completion.receiver import receiver_before, receiver_type
from rholang_lsp.features.completion.resolve import resolve
from rholang_lsp.features.completion.workspace_contracts import (
    _add_globals,
    _complete_global,
    other_files_definitions,
)
from rholang_lsp.semantics.model import ContractInfo, Sort
from rholang_lsp.semantics.scope_at import (
    VisibleName,
    file_contracts,
    names_in_scope_at,
    resolve_name_at,
    token_before,
)
from rholang_lsp.syntax import ParseResult, Token, ast
from rholang_lsp.syntax.kinds import K
from rholang_lsp.workspace.snapshot import Snapshot

_IDENT_RE = re.compile(r"[A-Za-z'][A-Za-z0-9_']*|_[A-Za-z0-9_']+")


def complete(
    snap: Snapshot,
    uri: str,
    offset: int,
    *,
    snippets: bool = True,
    limit: int = 100,
    target: str | None = None,
) -> CompletionResult:
    parsed = snap.parse(uri)
    if parsed is None:
        return CompletionResult()
    text = parsed.text
    offset = max(0, min(offset, len(text)))
    root = parsed.tree
    inside = token_containing(root, offset)
    if inside is None:
        last = token_before(root, offset)
        # an unterminated string / URI at the end of a line still counts as "inside"
        if (
            last is not None
            and last.end == offset
            and last.kind in (K.STRING, K.URI)
            and (len(last.text) == 1 or last.text[-1] != last.text[0])
        ):
            inside = last
    if inside is not None and inside.kind == K.STRING:
        prev = token_before(root, inside.start)
        if prev is not None and prev.kind == K.AT:
            return _complete_global(snap, uri, parsed, inside, offset, limit)
        methods = _complete_method_string(snap, uri, parsed, inside, offset, limit, snippets)
        if methods is not None:
            return methods
        return CompletionResult(replace_start=offset, replace_end=offset)
    if inside is not None and inside.kind == K.URI:
        start = inside.start + 1
        col = _Collector(text[start:offset], snippets)
        _add_uris(col, backticks=False, in_lookup=_in_lookup(parsed, inside))
        return _finish(col, start, offset, URI, limit)
    if in_comment(root, offset):
        return CompletionResult(replace_start=offset, replace_end=offset)
    word_start = offset  # scan back over the typed word (a regex from 0 would be O(file))
    while word_start > 0 and text[word_start - 1] in _WORD_CHARS:
        word_start -= 1
    prefix = text[word_start:offset]
    if prefix[:1].isdigit():
        return CompletionResult(replace_start=word_start, replace_end=offset)
    ctx_tok = token_before(root, word_start)
    ctx = _context(ctx_tok, text, word_start)
    col = _Collector(prefix, snippets)
    if ctx == METHOD:
        dot = ctx_tok if ctx_tok is not None and ctx_tok.kind == K.DOT else None
        recv = receiver_type(parsed, receiver_before(parsed, dot)) if dot is not None else None
        _add_methods(col, snippets, recv, target or snap.target)
    elif ctx == NEW_URI:
        _add_uris(col, backticks=True, in_new=True)
    elif ctx == NEW_DECL:
        _add_new_decls(col)
    elif ctx != NONE:
        scope = names_in_scope_at(parsed, word_start, anchor=ctx_tok)
        _add_for_context(col, ctx, scope, parsed, snap, uri, ctx_tok, prefix)
    return _finish(col, word_start, offset, ctx, limit)


METHOD_STRING = "method-string"


def _in_lookup(parsed: ParseResult, uri_tok: Token) -> bool:
    """Whether ``uri_tok`` is the first argument of a send on `rho:registry:lookup`."""
    send = ast.send_of_first_arg(uri_tok)
    name = send.channel if send is not None else None
    ident = name.first_token() if name is not None else None
    if ident is None or ident.kind != K.IDENT:
        return False
    binder = resolve_name_at(parsed, ident)
    return binder is not None and binder.uri == "rho:registry:lookup"


def _complete_method_string(
    snap: Snapshot,
    uri: str,
    parsed: ParseResult,
    string: Token,
    offset: int,
    limit: int,
    snippets: bool = True,
) -> CompletionResult | None:
    """`api!("|` / `@RevVault!("|`: the method strings of the channel's overloads (local,
    workspace and registry contracts), each with its formals as detail. With snippets, the
    item also writes the rest of the send: `set", ${1:key}, ${2:value}, ${3:ack})`, replacing
    the closing quote and the `)` the editor may have auto-closed after the cursor."""
    # imported here: signature help imports the completion package's item helpers
    from rholang_lsp.features.signature_help import signatures_for_args

    send = ast.send_of_first_arg(string)
    args = send.args_node if send is not None else None
    if args is None:
        return None
    start = string.start + 1
    tail = _method_string_tail(parsed.text, string, offset) if snippets else None
    col = _Collector(parsed.text[start:offset], snippets=tail is not None)
    for rank, sig in enumerate(signatures_for_args(snap, uri, parsed, args)):
        lit = sig.literals[0] if sig.literals else None
        if lit is None or not lit.startswith('"') or len(lit) < 2:
            continue
        method = lit[1:-1]
        rest = [p.label for p in sig.parameters[1:]]
        item = CompletionItem(
            method,
            CK_METHOD,
            sig.label,
            method,
            label_detail="(" + ", ".join(rest) + ")",
            documentation=sig.documentation,
        )
        if tail is not None:
            item.insert_text = method_string_snippet(method, rest)
            item.is_snippet = True
        col.add(item, 0, rank)
    if not col.items:
        return None
    return _finish(col, start, tail if tail is not None else offset, METHOD_STRING, limit)


def method_string_snippet(method: str, formals: list[str]) -> str:
    """The rest of a send after its opening quote: `set", ${1:key}, ${2:value}, ${3:ack})`.
    A formal `@P` is passed as the process `P`, as in the contract's send snippet."""
    args = [f"${{{i + 1}:{snippet_escape(formal_placeholder(f))}}}" for i, f in enumerate(formals)]
    return snippet_escape(method) + '"' + "".join(", " + a for a in args) + ")"


def _method_string_tail(text: str, string: Token, offset: int) -> int | None:
    """Where a method snippet's replacement ends: after the rest of the method word, the
    closing quote and a `)` that follows (auto-closed by the editor), so neither is doubled.
    None when the send already has arguments after the string (only the method is replaced)."""
    end = string.end
    i = offset
    while i < end and text[i] in _WORD_CHARS:
        i += 1
    body = string.text
    terminated = len(body) >= 2 and body.endswith('"') and not body.endswith('\\"')
    if terminated:
        if i != end - 1:
            return None  # more than a word between the cursor and the closing quote
        i = end
    j = i
    while j < len(text) and text[j] in " \t":
        j += 1
    if j < len(text) and text[j] == ")":
        return j + 1
    if j >= len(text) or text[j] in "\r\n":
        return i
    return None


def _add_for_context(
    col: _Collector,
    ctx: str,
    scope: list[VisibleName],
    parsed: ParseResult,
    snap: Snapshot,
    uri: str,
    ctx_tok: Token | None,
    prefix: str,
) -> None:
    if ctx == PROCESS:
        local = file_contracts(parsed, docs=False)  # docs: added by resolve
        by_sym: dict[tuple[int, str], list[ContractInfo]] = {}
        for lc in local:
            if lc.channel is not None:
                by_sym.setdefault((lc.channel.start, lc.channel.name), []).append(lc.info)
        for rank, sym in enumerate(scope):
            if sym.sort == Sort.NAME:
                contracts = by_sym.get((sym.start, sym.name))
                if contracts:
                    for c in contracts:
                        _add_contract_item(col, sym.name, c, uri, rank, sym)
                else:
                    col.add(_sym_item(sym, sym.name, uri), 0, rank)
            else:
                col.add(_sym_item(sym, sym.name, uri), 0, rank)
        for lc in local:
            if lc.info.free_name and lc.channel is None:
                _add_contract_item(col, lc.info.name, lc.info, uri, 50, None)
        # the language's keywords before other files' global names: `n` is `new` first
        for label, snippet, detail in _PROCESS_KEYWORDS:
            col.add(
                CompletionItem(
                    label, CK_KEYWORD, detail, snippet if col.snippets else label, col.snippets
                ),
                1,
                0 if label != "select" else 9,
            )
        for label, detail in _VALUE_KEYWORDS:
            col.add(CompletionItem(label, CK_KEYWORD, detail), 1, 5)
        _add_globals(col, snap, uri, parsed, prefix, local, group=2)
    elif ctx == EXPR:
        for rank, sym in enumerate(scope):
            if sym.sort == Sort.PROC:
                col.add(_sym_item(sym, sym.name, uri), 0, rank)
            else:
                item = _sym_item(sym, "*" + sym.name, uri)
                item.filter_text = sym.name
                col.add(item, 1, rank)
        for label, detail in _VALUE_KEYWORDS:
            col.add(CompletionItem(label, CK_KEYWORD, detail), 2, 0)
        for label, snippet, detail in _PROCESS_KEYWORDS[:5]:
            col.add(
                CompletionItem(
                    label, CK_KEYWORD, detail, snippet if col.snippets else label, col.snippets
                ),
                4,
                0,
            )
    elif ctx == NAME:
        for rank, sym in enumerate(scope):
            if sym.sort == Sort.NAME:
                col.add(_sym_item(sym, sym.name, uri), 0, rank)
            else:
                item = _sym_item(sym, "@" + sym.name, uri)
                item.filter_text = sym.name
                col.add(item, 1, rank)
        if ctx_tok is not None and ctx_tok.kind == K.KW_CONTRACT:
            for lc in file_contracts(parsed, docs=False):
                if lc.info.free_name:
                    col.add(CompletionItem(lc.info.name, CK_FUNCTION, lc.info.signature), 0, 40)
    elif ctx in (NAME_PATTERN, PROC_PATTERN):
        if prefix and _IDENT_RE.fullmatch(prefix):
            # a new binder is being written: Enter must keep it, not turn it into `=*name`
            col.add(CompletionItem(prefix, CK_VARIABLE, f"bind a new variable `{prefix}`"), -1, 0)
        col.add(CompletionItem("_", CK_KEYWORD, "wildcard: matches anything, binds nothing"), 0, 0)
        if ctx == NAME_PATTERN:
            col.add(
                CompletionItem(
                    "@x", CK_SNIPPET, "bind a process variable", "@${1:x}", True, filter_text="@"
                ),
                0,
                1,
            )
        else:
            for t in _TYPE_PATTERNS:
                col.add(CompletionItem(t, CK_TYPE_PARAMETER, f"type pattern: any {t}"), 1, 0)
            for label, detail in _VALUE_KEYWORDS[:3]:
                col.add(CompletionItem(label, CK_KEYWORD, detail), 1, 1)
            col.add(
                CompletionItem(
                    "[head ...tail]",
                    CK_SNIPPET,
                    "list pattern with remainder",
                    "[${1:head} ...${2:tail}]",
                    True,
                    filter_text="list",
                ),
                2,
                0,
            )
        for rank, sym in enumerate(scope):
            ref = ("=*" if sym.sort == Sort.NAME else "=") + sym.name
            if ctx == NAME_PATTERN:
                ref = "@" + ref
            item = _sym_item(sym, ref, uri)
            item.filter_text = sym.name
            item.detail = f"compare with the existing `{sym.name}` (a plain `{sym.name}` would bind a new variable)"
            col.add(item, 3, rank)
    elif ctx == AFTER:
        _add_after_keywords(col, ctx_tok)


def _add_after_keywords(col: _Collector, tok: Token | None) -> None:
    if tok is None:
        return
    # `if (c) P` just completed: `else`
    node = tok.parent
    while node is not None and node.end == tok.end:
        if node.kind == K.IF and node.first_child(K.KW_ELSE) is None:
            col.add(CompletionItem("else", CK_KEYWORD, "if (c) P else Q"), 0, 0)
            break
        node = node.parent
    node = tok.parent
    in_expr = False
    while node is not None:
        k = node.kind
        if k == K.NEW and node.first_child(K.KW_IN) is None:
            col.add(CompletionItem("in", CK_KEYWORD, "new … in P"), 0, 0)
            return
        if k == K.LET and node.first_child(K.KW_IN) is None:
            col.add(CompletionItem("in", CK_KEYWORD, "let … in { P }"), 0, 0)
            return
        if k in (K.ARGS, K.PAREN, K.LIST, K.TUPLE, K.BINARY_EXPR, K.UNARY_EXPR, K.MAP_ENTRY):
            in_expr = True
        if k in (K.BLOCK, K.PAR, K.SOURCE_FILE):
            break
        node = node.parent
    if in_expr or tok.kind in (K.IDENT, K.INT, K.STRING, K.KW_TRUE, K.KW_FALSE, K.RPAREN):
        col.add(CompletionItem("and", CK_KEYWORD, "boolean and"), 1, 0)
        col.add(CompletionItem("or", CK_KEYWORD, "boolean or"), 1, 1)
        col.add(CompletionItem("matches", CK_KEYWORD, "e matches pattern"), 1, 2)


__all__ = [
    "CompletionItem",
    "CompletionResult",
    "complete",
    "formals_from_signature",
    "other_files_definitions",
    "resolve",
    "send_snippet",
]
