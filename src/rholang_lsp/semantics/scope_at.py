"""Local scope queries: the binders visible at an offset, without binding the file.

``names_in_scope_at(parse_result, offset)`` walks *up* from the token before the
offset through its ancestors (the way rust-analyzer answers scope queries) and, at
each binding construct on that path, collects exactly the binders whose scope covers
the offset:

* ``new``: its declarations (inside the declaration list: the ones already typed);
* ``contract``: the formals, inside the body;
* ``for``: the binders of the earlier receipts (receipt *i*'s binders are visible in
  receipt *i+1*'s sources; the sources of a join see only earlier receipts) and all of
  them in the body;
* ``match`` case: the pattern's binders in the guard and the body;
* ``let`` (sequential and concurrent), ``select`` branches, agent blocks.

The result is innermost first and drops outer names shadowed by an inner binder. Which
identifiers of a pattern bind is decided by the binder's own pattern walk
(``binder.PatternCollector``; the binding-form rules are in ``semantics/patterns.py``), run on the pattern alone: binding in a pattern never depends on
the environment outside it. Cost: O(depth + size of the binding constructs on the path);
there is no full-file pass.

The visibility rules agree with the scopes of the full ``bind`` model;
``tests/semantics/test_scope_at.py`` checks it against an oracle built on that model
(``tests/semantics/scope_oracle.py``).

``resolve_name_at`` answers "which binder does this identifier refer to" the same way,
and ``file_contracts`` lists the file's contracts syntactically (found by a text scan
for the ``contract`` keyword, each checked against the tree), with their channels
resolved locally.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rholang_lsp.semantics.binder import PatternCollector, contract_info, doc_for
from rholang_lsp.semantics.model import ContractInfo, Sort, Symbol, SymbolKind
from rholang_lsp.semantics.patterns import (
    PatState,
    agent_implicit_names,
    ground_name_range,
    ground_text,
    name_process,
    new_binding_key,
    receipt_binds,
)
from rholang_lsp.syntax import ast
from rholang_lsp.syntax.kinds import CLOSERS, K
from rholang_lsp.syntax.result import ParseResult
from rholang_lsp.syntax.tree import Node, Token

__all__ = [
    "VisibleName",
    "LocalContract",
    "names_in_scope_at",
    "resolve_name_at",
    "file_contracts",
    "token_before",
    "contract_at",
    "new_declaration_at",
]

_CLOSERS = CLOSERS
_NEW_KINDS = (SymbolKind.NEW, SymbolKind.NEW_URI)
_SCOPE_NODES = frozenset(
    {K.NEW, K.CONTRACT, K.FOR, K.CASE, K.LET, K.BRANCH, K.AGENT_DECL, K.MATCHES}
)


@dataclass(frozen=True, slots=True)
class VisibleName:
    """A binder visible at some offset (the fields mirror ``model.Symbol``)."""

    name: str
    sort: Sort
    kind: SymbolKind
    start: int  # identifier range of the binder
    end: int
    decl_start: int  # the declaring construct (a `new` declaration, a receipt, a pattern)
    decl_end: int
    uri: str | None = None  # system channel of `new x(`rho:...`)`


def token_before(root: Node, offset: int) -> Token | None:
    """The last non-empty token starting before ``offset`` (None at the start of the file)."""
    node: Node = root
    while True:
        chosen: Node | Token | None = None
        for c in reversed(node.children):
            if c.start < offset and c.end > c.start:
                chosen = c
                break
        if chosen is None:
            return None
        if isinstance(chosen, Token):
            return chosen
        node = chosen


_ident_token = ast.ident_of
_nodes = ast.nodes


def _visible(sym: Symbol) -> VisibleName:
    return VisibleName(
        sym.name, sym.sort, sym.kind, sym.start, sym.end, sym.decl_start, sym.decl_end, sym.uri
    )


class _Query:
    def __init__(self, src: ParseResult | Node) -> None:
        self.root = src if isinstance(src, Node) else src.tree
        self._collector: PatternCollector | None = None
        # per construct node (alive as long as the tree): its symbol groups, and per
        # group a name -> symbols index (for ``only`` lookups); shared by the queries
        # of one ``_Query`` (``file_contracts`` resolves every contract name with one)
        self._groups: dict[int, list[list[VisibleName]]] = {}
        self._by_name: dict[int, dict[str, list[VisibleName]]] = {}

    @property
    def col(self) -> PatternCollector:
        if self._collector is None:
            self._collector = PatternCollector()
        return self._collector

    # Each method returns the symbol groups (scopes) of one construct, innermost scope
    # first; the symbols of a group in declaration order. Visibility at an offset is
    # decided by ``visible``.
    def groups(self, node: Node, anchor: Token) -> list[list[VisibleName]]:
        k = node.kind
        if k == K.MATCHES:
            return [self._matches(node, anchor)]  # depends on the anchor: not cached
        key = id(node)
        found = self._groups.get(key)
        if found is None:
            found = self._groups[key] = self._compute(node)
        return found

    def by_name(self, group: list[VisibleName]) -> dict[str, list[VisibleName]]:
        key = id(group)
        found = self._by_name.get(key)
        if found is None:
            found = {}
            for sym in group:
                found.setdefault(sym.name, []).append(sym)
            self._by_name[key] = found
        return found

    def _compute(self, node: Node) -> list[list[VisibleName]]:
        k = node.kind
        if k == K.NEW:
            return [self._new(node)]
        if k == K.CONTRACT:
            return [self._contract(node)]
        if k == K.FOR:
            return self._for(node)
        if k == K.CASE:
            return [self._case(node)]
        if k == K.LET:
            return [self._let(node)]
        if k == K.BRANCH:
            return [self._branch(node)]
        if k == K.AGENT_DECL:
            return [self._agent_decl(node)]
        return []

    def _new(self, node: Node) -> list[VisibleName]:
        out: list[VisibleName] = []
        decls = ast.New(node).decls
        # the node binds plain names first, then URI names by URI; the last one wins
        order = sorted(
            ((i, i, ast.NameDecl(d).uri) for i, d in enumerate(decls)), key=new_binding_key
        )
        for i, _i, _uri in order:
            d = decls[i]
            decl = ast.NameDecl(d)
            tok = decl.ident
            if tok is None:
                continue
            uri = decl.uri
            kind = SymbolKind.NEW_URI if uri is not None else SymbolKind.NEW
            out.append(
                VisibleName(tok.text, Sort.NAME, kind, tok.start, tok.end, d.start, d.end, uri)
            )
        return out

    def _contract(self, node: Node) -> list[VisibleName]:
        formals = ast.Contract(node).formals
        if formals is None:
            return []
        p = self.col.state(SymbolKind.CONTRACT_FORMAL, (formals.start, formals.end), receive=True)
        self.col.collect([formals], p, name_pattern=True)
        return [_visible(s) for s in self.col.symbols(p)]

    def _binds(self, binds: list[Node], p: PatState) -> None:
        for bind in binds:
            pats = ast.Bind(bind).patterns
            self.col.collect([pats] if pats is not None else [], p, name_pattern=True)

    def _for(self, node: Node) -> list[list[VisibleName]]:
        out: list[list[VisibleName]] = []
        for r in ast.For(node).receipts:
            binds = receipt_binds(r)
            # the guard (after the binds) sees the receipt's own binders
            p = self.col.state(SymbolKind.RECEIVE, (r.start, binds[-1].end), receive=True)
            self._binds(binds, p)
            out.append([_visible(s) for s in self.col.symbols(p)])
        out.reverse()  # a later receipt is an inner scope
        return out

    def _branch(self, node: Node) -> list[VisibleName]:
        p = self.col.state(SymbolKind.SELECT, (node.start, node.start), receive=True)
        self._binds(ast.Branch(node).binds, p)
        return [_visible(s) for s in self.col.symbols(p)]

    def _case(self, node: Node) -> list[VisibleName]:
        pattern = ast.Case(node).pattern
        if pattern is None:
            return []
        p = self.col.state(SymbolKind.MATCH_CASE, (pattern.start, pattern.end), match_case=True)
        self.col.collect([pattern], p, name_pattern=False)
        return [_visible(s) for s in self.col.symbols(p)]

    def _matches(self, node: Node, anchor: Token) -> list[VisibleName]:
        # the binders of a `matches` pattern are never visible, except `...rest`
        # remainders, which are visible to the rest of the pattern
        patterns = ast.Matches(node).patterns
        if not patterns:
            return []
        pat = patterns[0]
        closer = anchor.kind in _CLOSERS
        if not (pat.start <= anchor.start and anchor.end <= pat.end) or (
            closer and anchor.end == pat.end
        ):
            return []
        p = self.col.state(SymbolKind.PATTERN, (0, 0), match_case=True)
        self.col.collect(patterns, p, name_pattern=False)
        return [_visible(s) for s in self.col.symbols(p)]

    def _let(self, node: Node) -> list[VisibleName]:
        let = ast.Let(node)
        concurrent = let.concurrent
        col = self.col
        shared = col.state(SymbolKind.LET, (node.start, node.start))
        syms: list[Symbol] = []
        for d in let.decls:
            p = shared if concurrent else col.state(SymbolKind.LET, (d.start, d.end))
            p.decl_start, p.decl_end = d.start, d.end
            decl = ast.LetDecl(d)
            if decl.is_assign:
                tok = decl.assign_ident
                if tok is not None:
                    col.bind(tok, p, Sort.PROC)
            else:
                col.collect(decl.patterns, p, name_pattern=True)
            if not concurrent:
                syms.extend(col.symbols(p))
        if concurrent:
            syms = col.symbols(shared)
        return [_visible(s) for s in syms]

    def _agent_decl(self, node: Node) -> list[VisibleName]:
        s = node.start
        implicits = agent_implicit_names(node)
        out = [VisibleName(n, Sort.NAME, SymbolKind.AGENT, s, s, s, s) for n in implicits]
        p = self.col.state(SymbolKind.AGENT, (s, s), receive=True)
        self.col.collect(ast.AgentDecl(node).formals, p, name_pattern=True)
        out.extend(_visible(sym) for sym in self.col.symbols(p))
        return out

    # ------------------------------------------------------------------ the walk
    def visible(
        self, offset: int, anchor: Token | None, only: str | None = None
    ) -> list[VisibleName]:
        if anchor is None:
            return []
        # after a closer that ends a scope, its binders are out of sight; inside a `,)` token
        # (an auto-closed paren after a comma) the cursor is still before the `)`
        closer = anchor.kind in _CLOSERS and offset >= anchor.end
        seen: set[str] = set()
        out: list[VisibleName] = []
        node = anchor.parent
        while node is not None:
            if (
                node.kind in _SCOPE_NODES
                and not (closer and anchor.end == node.end)
                and _may_see(node, offset)
            ):
                if node.kind == K.CASE and not any(isinstance(c, Node) for c in node.children):
                    node = node.parent
                    continue
                for group in self.groups(node, anchor):
                    if only is not None:
                        group = self.by_name(group).get(only, [])
                    for sym in reversed(group):
                        if sym.kind == SymbolKind.PATTERN or sym.end > offset or sym.name in seen:
                            continue
                        if sym.kind not in _NEW_KINDS and sym.decl_start <= offset <= sym.decl_end:
                            continue  # inside its own pattern
                        seen.add(sym.name)
                        out.append(sym)
                        if only is not None:
                            return out
            node = node.parent
        return out


_FIRST_BINDING_PART = {K.CONTRACT: K.NAME_PATTERNS, K.FOR: K.RECEIPT, K.LET: K.LET_DECL}


def _may_see(node: Node, offset: int) -> bool:
    """False when no binder of ``node`` can be visible at ``offset`` (a cheap pre-check:
    a binder is visible only after the end of its declaring part, and the first
    declaring part ends first)."""
    part = _FIRST_BINDING_PART.get(node.kind)
    if part is not None:
        first = node.first_child(part)
        if first is None:
            return False
        if isinstance(first, Node) and first.kind == K.RECEIPT:
            binds = first.children_of(K.BIND)
            if binds:  # the declaring part ends with the binds: the guard sees them
                return offset > binds[-1].end
        return offset > first.end
    if node.kind == K.CASE:
        first_node = next((c for c in node.children if isinstance(c, Node)), None)
        return first_node is not None and (first_node.kind == K.GUARD or offset > first_node.end)
    return True


def _root(src: ParseResult | Node) -> Node:
    return src if isinstance(src, Node) else src.tree


def names_in_scope_at(
    src: ParseResult | Node, offset: int, *, anchor: Token | None = None
) -> list[VisibleName]:
    """The binders visible at ``offset``, innermost first, shadowed outer names dropped.

    ``anchor``: the token the scope is read from (default: the last token before
    ``offset``). Works on broken trees; never binds the whole file.
    """
    if anchor is None:
        anchor = token_before(_root(src), offset)
    return _Query(src).visible(offset, anchor)


def resolve_name_at(src: ParseResult | Node, ident: Token) -> VisibleName | None:
    """The binder an identifier token refers to (None: unbound / free)."""
    q = _Query(src)
    found = q.visible(ident.start, token_before(q.root, ident.start), only=ident.text)
    return found[0] if found else None


# ---------------------------------------------------------------------- contracts
@dataclass(slots=True)
class LocalContract:
    """A contract of the current file found syntactically.

    ``info.symbol`` is always None (there is no model); ``channel`` is the binder of a
    plain-identifier contract name (None for a quoted name, or when the name is free:
    then ``info.free_name`` is set).
    """

    info: ContractInfo
    channel: VisibleName | None


_CONTRACT_KW = re.compile(r"\bcontract\b")


def _start(el: Node | Token) -> int:
    return el.start


def _token_at(root: Node, offset: int) -> Token | None:
    """The token with ``start <= offset < end`` (O(depth * log(children)))."""
    node = root
    while True:
        ch = node.children
        i = bisect.bisect_right(ch, offset, key=_start) - 1
        # empty children may share a start with the element we want: step back over them
        while i >= 0 and ch[i].end <= offset and ch[i].start == offset:
            i -= 1
        if i < 0:
            return None
        c = ch[i]
        if not c.start <= offset < c.end:
            return None
        if isinstance(c, Token):
            return c
        node = c


def file_contracts(
    result: ParseResult, *, name: str | None = None, resolve: bool = True, docs: bool = True
) -> list[LocalContract]:
    """The contracts of the file, in source order.

    ``name``: only the contracts named so (a plain identifier, or the canonical key of a
    quoted name such as ``@"Registry"``). ``resolve=False``: leave ``channel`` unset
    (and ``free_name`` False) instead of resolving plain names. ``docs=False``: leave
    ``info.doc`` unset.
    """
    text = result.text
    root = result.tree
    out: list[LocalContract] = []
    q = _Query(result) if resolve else None
    head = None if name is None else (name[0] if name[0] == "@" else name)
    for m in _CONTRACT_KW.finditer(text):
        if head is not None:
            j = m.end()
            while j < len(text) and text[j] in " \t\r\n":
                j += 1
            if not text.startswith(head, j) and not text.startswith("/", j):
                continue  # cheap pre-filter: another name follows (a comment: check the tree)
        tok = _token_at(root, m.start())
        if tok is None or tok.kind != K.KW_CONTRACT or tok.start != m.start():
            continue  # in a comment or a string
        node = tok.parent
        if node is None or node.kind != K.CONTRACT:
            continue
        lc = _contract(q, text, node, name, tok, docs)
        if lc is not None:
            out.append(lc)
    return out


def _contract(
    q: _Query | None,
    text: str,
    node: Node,
    only: str | None,
    kw: Token | None = None,
    docs: bool = True,
) -> LocalContract | None:
    contract = ast.Contract(node)
    name_node, formals_node = contract.name, contract.formals
    display = ""
    ns = ne = node.start
    global_key: str | None = None
    channel: VisibleName | None = None
    free = False
    if name_node is not None:
        tok = _ident_token(name_node)
        if tok is not None:
            if only is not None and tok.text != only:
                return None
            display, ns, ne = tok.text, tok.start, tok.end
            if q is not None:
                anchor = kw if kw is not None else token_before(q.root, tok.start)
                found = q.visible(tok.start, anchor, only=tok.text)
                channel = found[0] if found else None
                free = channel is None
        else:
            quoted = name_process(name_node)
            g = ground_text(quoted) if quoted is not None else None
            if quoted is not None and g is not None:
                global_key = "@" + g
                display = global_key
                ns, ne = ground_name_range(quoted)
            if only is not None and display != only and global_key != only:
                return None
    elif only is not None:
        return None
    info = contract_info(
        text,
        node,
        name_node,
        formals_node,
        (display, ns, ne),
        symbol=None,
        global_key=global_key,
        free=free,
        doc=doc_for(node) if docs else None,
    )
    return LocalContract(info, channel)


def contract_at(result: ParseResult, name_start: int) -> LocalContract | None:
    """The contract whose name starts at ``name_start`` (for a quoted string name: the
    text after the opening quote), without resolving its channel."""
    tok = _token_at(result.tree, name_start)
    node = tok.parent if tok is not None else None
    while node is not None and node.kind != K.CONTRACT:
        node = node.parent
    if node is None:
        return None
    lc = _contract(None, result.text, node, None)
    return lc if lc is not None and lc.info.name_start == name_start else None


def new_declaration_at(result: ParseResult | Node, start: int) -> tuple[Node, Node] | None:
    """``(NEW node, NAME_DECL node)`` of the `new` name whose identifier starts at ``start``."""
    tok = _token_at(_root(result), start)
    decl = tok.parent if tok is not None and tok.start == start else None
    if decl is None or decl.kind != K.NAME_DECL or decl.parent is None:
        return None
    return decl.parent, decl
