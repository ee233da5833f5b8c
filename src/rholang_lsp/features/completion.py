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
from dataclasses import dataclass, field
from typing import Any

from rholang_lsp.semantics.binder import doc_for
from rholang_lsp.semantics.model import ContractInfo, Sort
from rholang_lsp.semantics.scope_at import (
    LocalContract,
    VisibleName,
    contract_at,
    file_contracts,
    names_in_scope_at,
    new_declaration_at,
    token_before,
)
from rholang_lsp.semantics.summarize import global_contract
from rholang_lsp.semantics.summary import SK_FUNCTION, GlobalContract, SymbolEntry
from rholang_lsp.semantics.system_channels import SYSTEM_CHANNELS, bindable_by_new
from rholang_lsp.syntax import Node, ParseResult, SyntaxKind, Token
from rholang_lsp.syntax.kinds import BINARY_OPERATORS, CLOSERS
from rholang_lsp.workspace.fuzzy import fuzzy_score
from rholang_lsp.workspace.index import SymbolHit, hit_order, search_symbol_rows
from rholang_lsp.workspace.snapshot import Snapshot

K = SyntaxKind


@dataclass(frozen=True, slots=True)
class BuiltinMethod:
    name: str
    params: tuple[str, ...]
    doc: str
    nodes: str = "both"  # "both", "rnode", "f1r3fly"
    common: bool = True  # among the everyday methods (sorted first)

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.params)})"


_RAW: list[tuple[str, tuple[str, ...], str, str, bool]] = [
    ("nth", ("index",), "Element at `index` of a list or tuple.", "both", True),
    ("toByteArray", (), "Serialises the value to a byte array.", "both", True),
    ("hexToBytes", (), "Parses a hex string into a byte array.", "both", True),
    ("bytesToHex", (), "Renders a byte array as a hex string.", "both", True),
    ("toUtf8Bytes", (), "UTF-8 bytes of a string.", "both", True),
    ("union", ("other",), "Union of two sets or maps.", "both", True),
    ("diff", ("other",), "Difference of two sets or maps.", "both", True),
    ("add", ("element",), "A set with `element` added.", "both", True),
    ("delete", ("key",), "A set/map without `key`.", "both", True),
    ("contains", ("key",), "`true` when the set/map contains `key`.", "both", True),
    ("get", ("key",), "Value of `key` in a map (`Nil` when absent).", "both", True),
    ("getOrElse", ("key", "default"), "Value of `key` in a map, or `default`.", "both", True),
    ("set", ("key", "value"), "A map with `key` bound to `value`.", "both", True),
    ("keys", (), "The set of keys of a map.", "both", True),
    ("size", (), "Number of elements of a collection.", "both", True),
    ("length", (), "Length of a string, byte array or list.", "both", True),
    (
        "slice",
        ("from", "until"),
        "Sub-sequence `[from, until)` of a string, byte array or list.",
        "both",
        True,
    ),
    ("take", ("n",), "The first `n` elements of a list.", "both", True),
    ("toList", (), "Converts a set, map or tuple to a list.", "both", True),
    ("toSet", (), "Converts a list to a set.", "both", True),
    ("toMap", (), "Converts a list of pairs to a map.", "both", True),
    ("toInt", (), "Parses a string (or converts a number) to `Int`.", "rnode", False),
    ("toBigInt", (), "Converts to `BigInt`.", "rnode", False),
    ("toString", (), "String representation of the value.", "f1r3fly", True),
    ("intersection", ("other",), "Intersection of two sets or maps.", "f1r3fly", False),
    ("restriction", ("keys",), "A map restricted to `keys`.", "f1r3fly", False),
    ("dropHead", (), "A list without its first element.", "f1r3fly", False),
]
_PATHMAP = (
    "run readZipper readZipperAt writeZipper writeZipperAt descendTo getLeaf getSubtrie setLeaf "
    "setSubtrie removeLeaf removeBranches graft joinInto atPath pathExists createPath prunePath "
    "reset ascendOne ascend toNextSibling toPrevSibling descendFirst descendIndexedBranch childCount"
).split()

BUILTIN_METHODS: dict[str, BuiltinMethod] = {
    n: BuiltinMethod(n, p, d, nodes, c) for n, p, d, nodes, c in _RAW
}
for _name in _PATHMAP:
    BUILTIN_METHODS[_name] = BuiltinMethod(
        _name, (), "PathMap / zipper operation (F1R3FLY pathmaps).", "f1r3fly", False
    )


# LSP CompletionItemKind
CK_METHOD, CK_FUNCTION, CK_VARIABLE, CK_MODULE, CK_KEYWORD, CK_SNIPPET = 2, 3, 6, 9, 14, 15
CK_VALUE, CK_CONSTANT, CK_TYPE_PARAMETER, CK_EVENT = 12, 21, 25, 23


@dataclass(slots=True)
class CompletionItem:
    label: str
    kind: int
    detail: str | None = None
    insert_text: str | None = None
    is_snippet: bool = False
    filter_text: str | None = None
    sort_text: str = ""
    label_detail: str | None = None  # labelDetails.detail (e.g. the formals)
    label_description: str | None = None  # labelDetails.description
    documentation: str | None = None  # Markdown (filled by resolve)
    data: dict[str, Any] | None = None


@dataclass(slots=True)
class CompletionResult:
    items: list[CompletionItem] = field(default_factory=list)
    is_incomplete: bool = False
    #: the range the items replace (the typed prefix)
    replace_start: int = 0
    replace_end: int = 0
    context: str = "none"


_WORD = re.compile(r"[A-Za-z0-9_']*$")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'")
_CLOSERS = CLOSERS
_VALUE_END = frozenset(
    {
        K.IDENT,
        K.INT,
        K.STRING,
        K.URI,
        K.TYPED_NUMBER,
        K.KW_TRUE,
        K.KW_FALSE,
        K.KW_NIL,
        K.RPAREN,
        K.RBRACKET,
        K.RBRACE,
        K.PIPE_RBRACE,
        K.COMMA_RPAREN,
        K.UNDERSCORE,
        K.KW_BOOL,
        K.KW_INT,
        K.KW_STRING,
        K.KW_URI,
        K.KW_BYTEARRAY,
        K.KW_BIGINT,
    }
)
_BINARY_OPS = BINARY_OPERATORS | {K.TILDE, K.KW_NOT, K.COLON, K.KW_WHERE}

# contexts
PROCESS, EXPR, NAME, NAME_PATTERN, PROC_PATTERN, AFTER, METHOD = (
    "process",
    "expression",
    "name",
    "name-pattern",
    "process-pattern",
    "after-expression",
    "method",
)
URI, NEW_DECL, NEW_URI, GLOBAL, NONE = "uri", "new-declaration", "new-uri", "global-name", "none"

# (label, snippet, detail)
_PROCESS_KEYWORDS: list[tuple[str, str, str]] = [
    ("new", "new ${1:x} in {\n\t$0\n}", "new names: new x in { P }"),
    ("for", "for (${1:x} <- ${2:ch}) {\n\t$0\n}", "receive: for (pattern <- channel) { P }"),
    ("contract", "contract ${1:name}(${2:args}) = {\n\t$0\n}", "contract name(formals) = { P }"),
    ("match", "match ${1:expr} {\n\t${2:pattern} => ${3:Nil}\n}", "match expr { pattern => P }"),
    ("if", "if (${1:cond}) {\n\t$2\n}", "if (cond) P else Q"),
    ("let", "let ${1:x} <- ${2:value} in {\n\t$0\n}", "let x <- value in { P }"),
    ("bundle", "bundle {${1}}", "bundle { P } (no read, no write)"),
    ("bundle+", "bundle+{${1}}", "bundle+ { P } (write only)"),
    ("bundle-", "bundle-{${1}}", "bundle- { P } (read only)"),
    ("bundle0", "bundle0{${1}}", "bundle0 { P } (neither)"),
    (
        "select",
        "select {\n\t${1:x} <- ${2:ch} => ${3:Nil}\n}",
        "select (parsed, but no node compiles it)",
    ),
]
_VALUE_KEYWORDS: list[tuple[str, str]] = [
    ("Nil", "the stopped process"),
    ("true", "boolean"),
    ("false", "boolean"),
    ("not", "boolean negation"),
    ("Set", "Set(a, b, ...)"),
]
_TYPE_PATTERNS = ["Int", "String", "Bool", "Uri", "ByteArray"]


def _short_name(uri: str) -> str:
    parts = [p for p in uri.split(":") if p and not p[0].isdigit()]
    last = parts[-1] if parts else uri
    if last in ("ops", "data", "address", "lookup") and len(parts) >= 2:
        return parts[-2] + last[0].upper() + last[1:] if last != "lookup" else "lookup"
    return re.sub(r"[^A-Za-z0-9_]", "", last) or "ch"


# ---------------------------------------------------------------------- tree helpers
# ``token_before`` (imported above from ``semantics.scope_at``) is re-exported from here.


def token_containing(root: Node, offset: int) -> Token | None:
    """The token with ``start < offset < end`` (None in trivia or at token boundaries)."""
    tok = token_before(root, offset)
    if tok is not None and tok.start < offset < tok.end:
        return tok
    return None


def in_comment(root: Node, offset: int) -> bool:
    tok = token_before(root, offset)
    nxt = tok.next_token() if tok is not None else root.first_token()
    if nxt is None or not nxt._trivia:
        return False
    pos = nxt.full_start
    for kind, text in nxt._trivia:
        end = pos + len(text)
        if (
            kind != K.WHITESPACE
            and pos < offset
            and (offset < end or (offset == end and kind != K.BLOCK_COMMENT))
        ):
            if kind == K.BLOCK_COMMENT or (kind == K.DOC_COMMENT and text.startswith("/**")):
                return offset < end or not text.endswith("*/")
            return True
        pos = end
    return False


def in_pattern(tok: Token) -> bool:
    """Whether ``tok`` lies inside a pattern (receive/contract formals, case pattern, `matches`)."""
    child: Node | Token = tok
    node = tok.parent
    while node is not None:
        k = node.kind
        if k == K.NAME_PATTERNS:
            return True
        if k == K.CASE:
            first = next((c for c in node.children if isinstance(c, Node)), None)
            return first is child
        if k == K.MATCHES:
            nodes = [c for c in node.children if isinstance(c, Node)]
            return bool(nodes) and nodes[-1] is child
        if k in (K.SOURCE, K.GUARD, K.SOURCE_FILE):
            return False
        child = node
        node = node.parent
    return False


def _formal_placeholder(text: str) -> str:
    t = text.strip()
    if t.startswith("@") and re.fullmatch(r"@[A-Za-z_'][\w']*", t):
        return t[1:]
    return t


def snippet_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def send_snippet(channel: str, formals: list[str], remainder: str | None = None) -> str:
    parts = [
        f"${{{i + 1}:{snippet_escape(_formal_placeholder(f))}}}" for i, f in enumerate(formals)
    ]
    return f"{channel}!({', '.join(parts)})"


def formals_from_signature(sig: str) -> list[str]:
    """Formal texts of a `contract name(a, b)` signature string."""
    i = sig.rfind("(")
    if i < 0 or not sig.endswith(")"):
        return []
    inner = sig[i + 1 : -1]
    out: list[str] = []
    depth = 0
    cur = ""
    in_str = False
    for ch in inner:
        if ch == '"':
            in_str = not in_str
        if not in_str:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == "," and depth == 0:
                out.append(cur.strip())
                cur = ""
                continue
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return [f for f in out if not f.startswith("...")]


# ---------------------------------------------------------------------- context
def _context(tok: Token | None, text: str, word_start: int) -> str:
    if tok is None:
        return PROCESS
    k = tok.kind
    par = tok.parent.kind if tok.parent is not None else None
    newline_between = "\n" in text[tok.end : word_start]
    if k == K.DOT:
        return NONE if par == K.SYNC_CONT else METHOD
    if k == K.LPAREN:
        if par == K.NAME_DECL:
            return NEW_URI
        if par in (K.FOR, K.CONTRACT, K.AGENT_DECL):
            return NAME_PATTERN
        return PROC_PATTERN if in_pattern(tok) else EXPR
    if k in (K.KW_NEW,) or (k == K.COMMA and par == K.NEW):
        return NEW_DECL
    if k == K.COMMA or (k == K.COMMA_RPAREN and word_start < tok.end):
        # ``,)`` is one token (RNode's lexing): a cursor between its two characters is
        # right after a comma (the editor auto-closed the parenthesis)
        if par == K.NAME_PATTERNS:
            return NAME_PATTERN
        return PROC_PATTERN if in_pattern(tok) else EXPR
    if k in (K.SEMI, K.AMP):
        if par in (K.FOR, K.RECEIPT, K.LET, K.BRANCH, K.SELECT):
            return NAME_PATTERN
        return PROCESS
    if k == K.LBRACE:
        if par == K.MATCH:
            return PROC_PATTERN
        if par == K.SELECT:
            return NAME_PATTERN
        if par == K.MAP:
            return PROC_PATTERN if in_pattern(tok) else EXPR
        return PROC_PATTERN if in_pattern(tok) else PROCESS
    if k in (K.PIPE, K.KW_IN, K.FAT_ARROW, K.KW_ELSE):
        return PROC_PATTERN if (k == K.PIPE and in_pattern(tok)) else PROCESS
    if k in (K.LARROW, K.LE, K.PEEK_ARROW) and par == K.BIND:
        return NAME
    if k == K.KW_CONTRACT:
        return NAME
    if k == K.STAR and par == K.EVAL:
        return NAME
    if k in (K.EQ_STAR,) or (k == K.STAR and par == K.VAR_REF):
        return NAME
    if k == K.EQ and par == K.VAR_REF:
        return EXPR
    if k == K.AT:
        return PROC_PATTERN if in_pattern(tok) else EXPR
    if k in (K.KW_LET,):
        return NAME_PATTERN
    if k in (K.BANG, K.BANG_BANG, K.BANG_QUESTION, K.KW_FOR, K.KW_IF, K.ELLIPSIS, K.QUESTION_BANG):
        return NONE
    if k in (K.LBRACKET, K.LBRACE_PIPE, K.KW_MATCH, K.EQ) or k in _BINARY_OPS:
        return PROC_PATTERN if in_pattern(tok) else EXPR
    if k in _VALUE_END or k in (K.KW_BUNDLE, K.KW_BUNDLE_NONE, K.KW_BUNDLE_READ, K.KW_BUNDLE_WRITE):
        if newline_between:
            case = _case_ending_with(tok)
            if case is not None:
                return PROC_PATTERN
            return PROCESS
        return AFTER
    return NONE


def _case_ending_with(tok: Token) -> Node | None:
    node = tok.parent
    while node is not None and node.end == tok.end:
        if node.kind == K.CASE:
            return node
        node = node.parent
    return None


# ---------------------------------------------------------------------- the feature
class _Collector:
    def __init__(self, prefix: str, snippets: bool) -> None:
        self.prefix = prefix
        self.snippets = snippets
        self.items: list[
            tuple[int, int, int, CompletionItem]
        ] = []  # (score-group, rank, -score, item)
        self._labels: set[tuple[str, str | None]] = set()

    def add(self, item: CompletionItem, group: int, rank: int = 0) -> None:
        key = (item.label, item.label_detail)
        if key in self._labels:
            return
        ft = item.filter_text or item.label
        score = fuzzy_score(self.prefix, ft) if self.prefix else 0
        if score is None:
            return
        if item.is_snippet and not self.snippets:
            return
        self._labels.add(key)
        # exact-prefix matches first, then by group and rank
        prefix_bonus = 0 if not self.prefix or ft.lower().startswith(self.prefix.lower()) else 1
        self.items.append((prefix_bonus * 100 + group, rank, -score, item))


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
        return CompletionResult(replace_start=offset, replace_end=offset)
    if inside is not None and inside.kind == K.URI:
        start = inside.start + 1
        col = _Collector(text[start:offset], snippets)
        _add_uris(col, backticks=False)
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
        _add_methods(col, snippets)
    elif ctx == NEW_URI:
        _add_uris(col, backticks=True, in_new=True)
    elif ctx == NEW_DECL:
        _add_new_decls(col)
    elif ctx != NONE:
        scope = names_in_scope_at(parsed, word_start, anchor=ctx_tok)
        _add_for_context(col, ctx, scope, parsed, snap, uri, ctx_tok, prefix)
    return _finish(col, word_start, offset, ctx, limit)


def _finish(col: _Collector, start: int, end: int, ctx: str, limit: int) -> CompletionResult:
    ranked = sorted(col.items, key=lambda t: (t[0], t[2], t[1], t[3].label))
    cut = len(ranked) > limit
    items: list[CompletionItem] = []
    for i, (_g, _r, _s, item) in enumerate(ranked[:limit]):
        item.sort_text = f"{i:05d}"
        items.append(item)
    return CompletionResult(items, cut, start, end, ctx)


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
        for label, snippet, detail in _PROCESS_KEYWORDS:
            col.add(
                CompletionItem(
                    label, CK_KEYWORD, detail, snippet if col.snippets else label, col.snippets
                ),
                2,
                0 if label != "select" else 9,
            )
        for label, detail in _VALUE_KEYWORDS:
            col.add(CompletionItem(label, CK_KEYWORD, detail), 2, 5)
        _add_globals(col, snap, uri, parsed, prefix, local)
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


def _sym_item(sym: VisibleName, label: str, uri: str) -> CompletionItem:
    sort = "name" if sym.sort == Sort.NAME else "process"
    kind = CK_EVENT if sym.uri is not None else CK_VARIABLE
    detail = f"{sort} variable ({sym.kind.value})"
    if sym.uri is not None:
        detail = f"system channel `{sym.uri}`"
    data: dict[str, Any] = {
        "k": "sym",
        "uri": uri,
        "start": sym.start,
        "name": sym.name,
        "sort": sort,
    }
    if sym.uri is not None:
        data["sys"] = sym.uri
    return CompletionItem(label, kind, detail, data=data)


def _add_contract_item(
    col: _Collector, name: str, c: ContractInfo, uri: str, rank: int, sym: VisibleName | None
) -> None:
    formals = [f.text for f in c.formals]
    label_detail = "(" + ", ".join(formals + ([f"...{c.remainder}"] if c.remainder else [])) + ")"
    item = CompletionItem(
        name,
        CK_FUNCTION,
        c.signature,
        send_snippet(name, formals) if col.snippets else name,
        col.snippets,
        label_detail=label_detail,
        data={"k": "contract", "uri": uri, "start": c.name_start, "name": name},
    )
    col.add(item, 0, rank)


# ---------------------------------------------------------------------- global names
def _local_globals(local: list[LocalContract]) -> list[GlobalContract]:
    """The current file's contracts on quoted ground names (from ``file_contracts``)."""
    return [g for lc in local if (g := global_contract(lc.info)) is not None]


def other_files_definitions(snap: Snapshot, uri: str, key: str) -> list[tuple[str, GlobalContract]]:
    """``Snapshot.global_definitions`` without the file ``uri`` (so that its full analysis,
    a parse + bind of the latest version, is never needed)."""
    res = [(u, c) for u, c in snap.index.definitions(key) if u not in snap.documents]
    for u in snap.documents:
        if u == uri:
            continue
        a = snap.analysis(u)
        if a is not None:
            res.extend((u, c) for c in a.summary.contracts if c.key == key)
    return res


class _Globals:
    """Global (quoted) contract names: other files from the snapshot, this file syntactically."""

    def __init__(
        self,
        snap: Snapshot,
        uri: str,
        parsed: ParseResult,
        local: list[LocalContract] | None = None,
    ) -> None:
        self.snap = snap
        self.uri = uri
        self.parsed = parsed
        self._contracts = local
        self._local: list[GlobalContract] | None = None
        self._open: dict[str, list[tuple[str, GlobalContract]]] | None = None

    @property
    def local(self) -> list[GlobalContract]:
        if self._local is None:
            contracts = self._contracts
            if contracts is None:
                contracts = file_contracts(self.parsed, resolve=False)
            self._local = _local_globals(contracts)
        return self._local

    def search(self, query: str, limit: int) -> list[SymbolHit]:
        snap = self.snap
        open_uris = frozenset(snap.documents)
        # only contracts are offered: filter by kind before the (costly) scoring
        hits = snap.index.search_symbols(query, limit=limit, exclude=open_uris, kind=SK_FUNCTION)
        rows: list[tuple[str, str, SymbolEntry]] = []
        for u in snap.documents:
            if u == self.uri:
                continue
            a = snap.analysis(u)
            if a is not None:
                rows.extend((e.name.lower(), u, e) for e in a.summary.symbols)
        text = self.parsed.text
        for c in self.local:
            e = SymbolEntry(
                text[c.name_start : c.name_end], SK_FUNCTION, c.name_start, c.name_end, None
            )
            rows.append((e.name.lower(), self.uri, e))
        hits.extend(search_symbol_rows(rows, query, limit=limit, kind=SK_FUNCTION))
        hits.sort(key=hit_order)
        return hits[:limit]

    def _open_definitions(self) -> dict[str, list[tuple[str, GlobalContract]]]:
        """Global contracts of the other open documents by key, gathered once per
        completion (asking every open document for every candidate key was
        O(keys x open documents))."""
        if self._open is None:
            self._open = {}
            for u in self.snap.documents:
                if u == self.uri:
                    continue
                a = self.snap.analysis(u)
                if a is not None:
                    for c in a.summary.contracts:
                        self._open.setdefault(c.key, []).append((u, c))
        return self._open

    def definitions(self, key: str) -> list[tuple[str, GlobalContract]]:
        """Like ``other_files_definitions``, plus this file's own contracts on ``key``."""
        snap = self.snap
        res = [(u, c) for u, c in snap.index.definitions(key) if u not in snap.documents]
        res.extend(self._open_definitions().get(key, ()))
        res.extend((self.uri, c) for c in self.local if c.key == key)
        return res


def _add_globals(
    col: _Collector,
    snap: Snapshot,
    uri: str,
    parsed: ParseResult,
    prefix: str,
    local: list[LocalContract] | None = None,
) -> None:
    if not prefix:
        return
    g = _Globals(snap, uri, parsed, local)
    try:
        hits = g.search(prefix, limit=50)
    except Exception:  # noqa: BLE001 - the index is optional for completion
        return
    seen: set[str] = set()
    for rank, hit in enumerate(hits):
        e = hit.symbol
        if e.kind != SK_FUNCTION:
            continue
        key = f'@"{e.name}"'
        if key in seen:
            continue
        seen.add(key)
        for u, gc in g.definitions(key):
            formals = formals_from_signature(gc.signature)
            label_detail = "(" + ", ".join(formals) + ")"
            where = u.rstrip("/").rsplit("/", 1)[-1]
            item = CompletionItem(
                key,
                CK_FUNCTION,
                gc.signature,
                send_snippet(key, formals) if col.snippets else key,
                col.snippets,
                filter_text=e.name,
                label_detail=label_detail,
                label_description=where if u != uri else None,
                data={"k": "global", "key": key, "uri": u, "start": gc.name_start},
            )
            col.add(item, 1, rank)


def _complete_global(
    snap: Snapshot, uri: str, parsed: ParseResult, tok: Token, offset: int, limit: int
) -> CompletionResult:
    typed = tok.text[1 : offset - tok.start]
    col = _Collector(typed, False)
    g = _Globals(snap, uri, parsed)
    try:
        hits = g.search(typed, limit=200)
    except Exception:  # noqa: BLE001
        hits = []
    for rank, hit in enumerate(hits):
        if hit.symbol.kind != SK_FUNCTION:
            continue
        key = f'@"{hit.symbol.name}"'
        defs = g.definitions(key)
        if not defs:
            continue
        gc = defs[0][1]
        col.add(
            CompletionItem(
                f'"{hit.symbol.name}"',
                CK_FUNCTION,
                gc.signature,
                filter_text=hit.symbol.name,
                data={"k": "global", "key": key, "uri": defs[0][0], "start": gc.name_start},
            ),
            0,
            rank,
        )
    end = tok.end if tok.text.endswith('"') and len(tok.text) > 1 and offset < tok.end else offset
    res = _finish(col, tok.start, end, GLOBAL, limit)
    for item in res.items:
        item.filter_text = item.label
    return res


def _add_uris(col: _Collector, *, backticks: bool, in_new: bool = False) -> None:
    for rank, ch in enumerate(SYSTEM_CHANNELS.values()):
        if in_new and not bindable_by_new(ch):
            continue  # a registry shorthand in `new` fails the deploy
        group = 0 if ch.nodes == "both" else 1 if ch.nodes in ("f1r3fly", "rnode") else 2
        detail = ch.description if ch.arity is None else f"arity {ch.arity}: {ch.description}"
        label = f"`{ch.uri}`" if backticks else ch.uri
        col.add(
            CompletionItem(
                label,
                CK_MODULE,
                detail,
                filter_text=ch.uri,
                label_description=None if ch.nodes == "both" else ch.nodes,
                data={"k": "uri", "uri": ch.uri},
            ),
            group,
            rank,
        )


def _add_new_decls(col: _Collector) -> None:
    for rank, ch in enumerate(SYSTEM_CHANNELS.values()):
        if ch.nodes == "test" or not bindable_by_new(ch):
            continue  # registry shorthands are looked up, never bound by `new`
        name = _short_name(ch.uri)
        label = f"{name}(`{ch.uri}`)"
        col.add(
            CompletionItem(
                label,
                CK_MODULE,
                ch.description,
                f"${{1:{name}}}(`{ch.uri}`)" if col.snippets else label,
                col.snippets,
                filter_text=name,
                label_description=None if ch.nodes == "both" else ch.nodes,
                data={"k": "uri", "uri": ch.uri},
            ),
            0 if ch.nodes == "both" else 1,
            rank,
        )


def _add_methods(col: _Collector, snippets: bool) -> None:
    for rank, mth in enumerate(BUILTIN_METHODS.values()):
        params = ", ".join(f"${{{i + 1}:{p}}}" for i, p in enumerate(mth.params))
        col.add(
            CompletionItem(
                mth.name,
                CK_METHOD,
                mth.signature,
                f"{mth.name}({params})" if snippets else mth.name,
                snippets,
                label_detail="(" + ", ".join(mth.params) + ")",
                label_description=None if mth.nodes == "both" else mth.nodes,
                data={"k": "method", "name": mth.name},
            ),
            0 if mth.common else 1,
            rank,
        )


# ---------------------------------------------------------------------- resolve
def resolve(snap: Snapshot, data: dict[str, Any] | None) -> str | None:
    """Markdown documentation for an item's ``data`` (None when there is none)."""
    if not isinstance(data, dict):
        return None
    kind = data.get("k")
    if kind == "uri":
        ch = SYSTEM_CHANNELS.get(str(data.get("uri")))
        return ch.hover_markdown() if ch is not None else None
    if kind == "method":
        mth = BUILTIN_METHODS.get(str(data.get("name")))
        if mth is None:
            return None
        md = f"```rholang\n.{mth.signature}\n```\n\n{mth.doc}"
        if mth.nodes != "both":
            md += f"\n\n*{'RNode' if mth.nodes == 'rnode' else 'F1R3FLY'} only.*"
        return md
    uri = data.get("uri")
    if not isinstance(uri, str):
        return None
    if kind == "global":
        key = str(data.get("key"))
        current = snap.parse(uri) if snap.is_open(uri) else None
        defs = (
            _Globals(snap, uri, current).definitions(key)
            if current is not None
            else snap.global_definitions(key)
        )
        for u, gc in defs:
            if u == uri and gc.name_start == data.get("start"):
                md = f"```rholang\n{gc.signature}\n```"
                if gc.doc_markdown:
                    md += "\n\n" + gc.doc_markdown
                return md
        return None
    parsed = snap.parse(uri)
    start = data.get("start")
    if parsed is None or not isinstance(start, int):
        return None
    if kind == "contract":
        lc = contract_at(parsed, start)
        if lc is None:
            return None
        md = f"```rholang\n{lc.info.signature}\n```"
        if lc.info.doc is not None:
            md += "\n\n" + lc.info.doc.to_markdown()
        return md
    if kind == "sym":
        name = data.get("name")
        if not isinstance(name, str) or parsed.text[start : start + len(name)] != name:
            return None
        sort = "name" if data.get("sort") == "name" else "process"
        parts = [f"**{name}** — {sort} variable"]
        sys_uri = data.get("sys")
        if isinstance(sys_uri, str):
            ch = SYSTEM_CHANNELS.get(sys_uri)
            if ch is not None:
                parts.append(ch.hover_markdown())
        decl = new_declaration_at(parsed, start)
        if decl is not None:
            doc = doc_for(decl[0])
            if doc is not None:
                parts.append(doc.to_markdown())
        return "\n\n".join(parts)
    return None
