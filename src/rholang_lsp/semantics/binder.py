"""The binder: resolves every variable occurrence of a syntax tree to its binder.

Follows RHOLANG_SYNTAX.md section 4. The walk is iterative (an explicit work
stack); only patterns nested inside patterns recurse, and that recursion is
bounded (``MAX_PATTERN_DEPTH``).

The binder judges nothing: what a check needs it records as facts
(``SemanticModel.facts``); ``bind`` then runs the file checks of
``semantics/checks/`` over them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final

from rholang_lsp.semantics.checks import CheckContext, run_file_checks
from rholang_lsp.semantics.doc_comments import DocComment, parse_doc_lines
from rholang_lsp.semantics.facts import (
    DuplicateBinder,
    OutsidePattern,
    PatternBundle,
    RepeatedJoinChannel,
    Shadowing,
    SortMismatch,
    Span,
    UnboundUse,
)
from rholang_lsp.semantics.model import (
    ContractInfo,
    Formal,
    Reference,
    Role,
    Scope,
    ScopeKind,
    SemanticModel,
    SendInfo,
    Sort,
    Symbol,
    SymbolKind,
)
from rholang_lsp.semantics.patterns import (
    MAX_PATTERN_DEPTH,
    Env,
    MatchCase,
    PatState,
    agent_implicit_names,
    ground_name_range,
    ground_text,
    literal_text,
    name_process,
    new_binding_key,
    receipt_binds,
)
from rholang_lsp.syntax import ast, checkpoint
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.kinds import K
from rholang_lsp.syntax.parser import CHECK_EVERY, full_gc_paused
from rholang_lsp.syntax.tree import Node, Token

if TYPE_CHECKING:
    from rholang_lsp.syntax import ParseResult

# work item: (node, env, pattern state or None, inside \/ or ~)
_Item = tuple[Node, Env, PatState | None, bool]

#: what a `{ … }` block outside every pattern was walked with: (env, inside \/ or ~, symbol
#: count and scope count when the walk reached it); see ``BindState``
BlockEntry = tuple[Env, bool, int, int]


class BindState:
    """What a bind leaves behind so that one block can be bound again alone
    (``semantics/rebind.py``): the file's root env, the scope of every env, and per
    `{ … }` block (outside patterns) the env in force there and the first symbol and scope
    ids its walk created. The envs hold symbol ids only; the block keys are tree nodes."""

    __slots__ = ("root_env", "env_scope", "envs", "blocks", "fresh_envs")

    def __init__(
        self,
        root_env: Env,
        env_scope: dict[int, int],
        envs: list[Env],
        blocks: dict[Node, BlockEntry],
    ) -> None:
        self.root_env = root_env
        self.env_scope = env_scope
        self.envs = envs
        self.blocks = blocks
        #: how many envs the full bind made (the rebinds of blocks add theirs)
        self.fresh_envs = len(envs)


_ident_token = ast.ident_of
_nodes = ast.nodes


class _SiblingNews:
    """Per bind, what `_new_sibling_declaring` needs, each piece computed once:
    per `|` node the first `new` child declaring each name (``tables``), and per node
    the nearest `|` level above it where an earlier sibling is a `new` (``up``:
    (the `|`, its child on the path), None at the root). A query climbs those levels
    only, not every ancestor, so many unbound names cost one pass over the tree plus
    the `new`-sibling levels each name crosses; ``work`` counts the steps (tests)."""

    __slots__ = ("first_new", "tables", "up", "work")

    def __init__(self) -> None:
        self.first_new: dict[int, int] = {}  # `|` id -> start of its first `new` child (-1: none)
        self.tables: dict[int, dict[str, Node]] = {}
        self.up: dict[int, tuple[Node, Node] | None] = {}
        self.work = 0

    def _first_new(self, par: Node) -> int:
        start = self.first_new.get(id(par))
        if start is None:
            start = -1
            for sib in par.children:
                self.work += 1
                if isinstance(sib, Node) and sib.kind == K.NEW:
                    start = sib.start
                    break
            self.first_new[id(par)] = start
        return start

    def table(self, par: Node) -> dict[str, Node]:
        table = self.tables.get(id(par))
        if table is None:
            table = {}
            for sib in par.children:
                self.work += 1
                if isinstance(sib, Node) and sib.kind == K.NEW:
                    for d in ast.New(sib).decls:
                        t = _ident_token(d)
                        if t is not None:
                            table.setdefault(t.text, sib)
            self.tables[id(par)] = table
        return table

    def level_above(self, node: Node) -> tuple[Node, Node] | None:
        """The nearest (`|`, child) strictly above ``node`` whose child (``node`` or an
        ancestor of it) has an earlier `new` sibling."""
        up = self.up
        path: list[Node] = []
        x = node
        while True:
            self.work += 1
            key = id(x)
            if key in up:
                found = up[key]
                break
            path.append(x)
            p = x.parent
            if p is None:
                found = None
                break
            if p.kind == K.PAR and -1 < self._first_new(p) < x.start:
                found = (p, x)
                break
            x = p
        for y in path:
            up[id(y)] = found
        return found


def _new_sibling_declaring(tok: Token, name: str, news: _SiblingNews | None = None) -> Node | None:
    """A `new` declaring ``name`` that is an earlier sibling (in a `|` composition) of an
    ancestor of ``tok``: the classic `new x in P | Q` scoping mistake.

    ``news`` (one per bind) memoises the `|` tables and the levels above each node, so
    the cost over all unbound names of a file is linear in it (see ``_SiblingNews``)."""
    if tok.parent is None:
        return None
    if news is None:
        news = _SiblingNews()
    level = news.level_above(tok.parent)
    while level is not None:
        par, child = level
        sib_new = news.table(par).get(name)
        if sib_new is not None and sib_new.start < child.start:
            return sib_new
        level = news.level_above(par)
    return None


def _var_ref_text(binder_sort: Sort, outer_sort: Sort, name: str) -> str:
    """What compares with the outer variable at a binder's place: `=x` for a process,
    `=*x` for a name, in a process position; `@=x` / `@=*x` in a name position."""
    ref = ("=*" if outer_sort == Sort.NAME else "=") + name
    return ref if binder_sort == Sort.PROC else "@" + ref


def _comparison_intent(
    tok: Token, sym: Symbol, outer: Symbol, case: MatchCase
) -> tuple[str | None, tuple[int, int, str] | None]:
    """Why a match-case binder named like an outer variable was evidently meant as a
    comparison with it, and the edit that compares: ``(intent, (start, end, text))``."""
    var = tok.parent
    if var is None:
        return None, None
    node: Node = var
    if var.kind == K.VAR and var.parent is not None and var.parent.kind == K.NAME:
        name = var.parent
        if name.parent is not None and name.parent.kind == K.EVAL:
            node = name.parent  # `*x`: binds the name x
    if node.kind == K.EVAL:
        text = ("=*" if outer.sort == Sort.NAME else "=") + sym.name
    elif node.kind == K.VAR:
        text = _var_ref_text(sym.sort, outer.sort, sym.name)
    else:
        return None, None
    fix = (node.start, node.end, text)
    if node is case.pattern:
        return ("eval" if node.kind == K.EVAL else "whole"), fix
    parent = node.parent
    if (
        parent is case.pattern
        and case.literal_positions
        and parent.kind in (K.TUPLE, K.LIST)
        and _nodes(parent).index(node) in case.literal_positions
    ):
        return "literal", fix
    return None, fix


def _unwrap(node: Node) -> Node:
    """``{ P }`` / ``( P )`` -> ``P`` (the BNFC grammar needs braces around `*x` in a case)."""
    while node.kind in (K.BLOCK, K.PAREN) and len(_nodes(node)) == 1:
        node = _nodes(node)[0]
    return node


def _match_facts(target: Node | None, cases: list[Node]) -> tuple[frozenset[str], frozenset[int]]:
    """The identifiers of a match target, and the element positions of top-level
    tuple/list case patterns where some case has a literal (once per `match`)."""
    names = frozenset(
        t.text for t in (target.tokens() if target is not None else ()) if t.kind == K.IDENT
    )
    lits: set[int] = set()
    for p in map(_unwrap, cases):
        if p.kind in (K.TUPLE, K.LIST):
            for i, el in enumerate(_nodes(p)):
                if literal_text(el) is not None:
                    lits.add(i)
    return names, frozenset(lits)


def doc_for(node: Node) -> DocComment | None:
    """The doc comment directly above ``node`` (a `new` or `contract`), parsed."""
    tok = node.first_token()
    if tok is None:
        return None
    text = tok.doc_comment()
    if not text:
        return None
    return parse_doc_lines(text.split("\n"))


def contract_formals(text: str, formals_node: Node | None) -> tuple[list[Formal], str | None]:
    """The formals (text + literal pattern) and the remainder text of a contract's NAME_PATTERNS."""
    formals: list[Formal] = []
    remainder: str | None = None
    if formals_node is None:
        return formals, remainder
    for f in _nodes(formals_node):
        if f.kind == K.REMAINDER:
            remainder = text[f.start : f.end]
        else:
            lit = None
            quoted = name_process(f)
            if quoted is not None and f.children and f.children[0].kind in (K.AT, K.QUOTE):
                lit = literal_text(quoted)  # `@P` (a token `@` or a QUOTE node first)
            formals.append(Formal(text[f.start : f.end], lit))
    return formals, remainder


def contract_signature(
    text: str, name_node: Node | None, formals: list[Formal], remainder: str | None
) -> str:
    """``contract name(f1, f2, ...rest)`` as shown by hover and completion."""
    sig = "contract " + (text[name_node.start : name_node.end] if name_node else "?")
    return (
        sig + "(" + ", ".join([f.text for f in formals] + ([remainder] if remainder else [])) + ")"
    )


def contract_info(
    text: str,
    node: Node,
    name_node: Node | None,
    formals_node: Node | None,
    name: tuple[str, int, int],
    *,
    symbol: int | None,
    global_key: str | None,
    free: bool,
    doc: DocComment | None,
) -> ContractInfo:
    """The ``ContractInfo`` of a CONTRACT node whose name is ``(display, start, end)``."""
    formals, remainder = contract_formals(text, formals_node)
    display, name_start, name_end = name
    return ContractInfo(
        name=display,
        name_start=name_start,
        name_end=name_end,
        start=node.start,
        end=node.end,
        formals=tuple(formals),
        remainder=remainder,
        signature=contract_signature(text, name_node, formals, remainder),
        symbol=symbol,
        global_key=global_key,
        free_name=free,
        doc=doc,
    )


class Binder:
    def __init__(
        self, result: ParseResult | None, *, target: str = "f1r3fly", for_summary: bool = False
    ) -> None:
        self.result = result  # None: patterns only (``PatternCollector``)
        #: bind only what ``build_summary`` reads (``bind_for_summary``): symbols, scopes,
        #: contracts, global names and the sends on them; no references, no facts, no doc
        #: comments but those of contracts on global names
        self.for_summary = for_summary
        self.text: str = result.text if result is not None else ""
        self.target = target
        self.m = SemanticModel()
        self.facts = self.m.facts
        self.root_env = Env({}, None)
        self._stack: list[_Item] = []
        self._env_scope: dict[int, int] = {}
        self._envs: list[Env] = [self.root_env]
        self._bundles_in_patterns: list[tuple[Node, PatState]] = []
        self._sibling_news = _SiblingNews()  # see _new_sibling_declaring
        self._blocks: dict[Node, BlockEntry] | None = None  # recorded when a state is kept

    def state(self) -> BindState:
        assert self._blocks is not None
        return BindState(self.root_env, self._env_scope, self._envs, self._blocks)

    # ------------------------------------------------------------------ helpers
    def _scope(self, kind: ScopeKind, node: Node, parent: Env, label: str | None = None) -> Scope:
        sc = Scope(
            id=len(self.m.scopes),
            kind=kind,
            parent=self._scope_of_env(parent),
            start=node.start,
            end=node.end,
            label=label,
            sel_start=node.start,
            sel_end=node.start,
        )
        self.m.scopes.append(sc)
        return sc

    def _scope_of_env(self, env: Env) -> int:
        return self._env_scope.get(id(env), 0)

    def _new_env(self, vars: dict[str, int], parent: Env, scope: Scope) -> Env:
        env = Env(vars, parent)
        self._env_scope[id(env)] = scope.id
        self._envs.append(env)  # keep alive so ids stay unique
        return env

    def _declare(
        self,
        tok_start: int,
        tok_end: int,
        name: str,
        sort: Sort,
        kind: SymbolKind,
        scope: Scope,
        decl: tuple[int, int],
        uri: str | None = None,
        doc: DocComment | None = None,
    ) -> Symbol:
        sym = Symbol(
            id=len(self.m.symbols),
            name=name,
            sort=sort,
            kind=kind,
            start=tok_start,
            end=tok_end,
            scope=scope.id,
            decl_start=decl[0],
            decl_end=decl[1],
            uri=uri,
            doc=doc,
        )
        self.m.symbols.append(sym)
        scope.symbols.append(sym.id)
        if not self.for_summary:
            self.m.references.append(Reference(tok_start, tok_end, name, sym.id, Role.WRITE, sort))
        return sym

    def _shadow_hint(
        self,
        sym: Symbol,
        outer: Env,
        match_case: bool,
        tok: Token | None = None,
        case: MatchCase | None = None,
    ) -> None:
        if self.for_summary:
            return
        prev = outer.lookup(sym.name)
        if prev is None:
            return
        if case is None or tok is None:
            self.facts.shadowing.append(Shadowing(sym.id, prev, match_case))
            return
        o = self.m.symbols[prev]
        intent, fix = _comparison_intent(tok, sym, o, case)
        self.facts.shadowing.append(
            Shadowing(sym.id, prev, match_case, sym.name in case.target_names, intent, fix)
        )

    def _doc_for(self, node: Node) -> DocComment | None:
        return doc_for(node)

    # ------------------------------------------------------------------ entry
    def run(self) -> SemanticModel:
        """Bind the whole tree (facts only: ``bind`` also runs the file checks)."""
        result = self.result
        assert result is not None, "a PatternCollector's binder has no tree"
        root = result.tree
        file_scope = Scope(0, ScopeKind.FILE, None, root.start, root.end, label=None)
        self.m.scopes.append(file_scope)
        self._env_scope[id(self.root_env)] = 0
        self.m.has_syntax_errors = any(d.severity == Severity.ERROR for d in result.diagnostics)
        if self.for_summary:
            self._walk(root, self.root_env, None, False)
            self.m.finish_for_summary()
            return self.m
        if self.m.has_syntax_errors:
            self.m.broken = broken_blocks(root, result.text, result.diagnostics)
        self._walk(root, self.root_env, None, False)
        self._finish()
        self.m.finish()
        return self.m

    def _walk(self, root: Node, env: Env, pat: PatState | None, neg: bool) -> None:
        """Visit ``root`` and everything below it (iteratively)."""
        stack: list[_Item] = [(root, env, pat, neg)]
        pop = stack.pop
        push = stack.append
        visits = 0
        while stack:
            node, env, pat, neg = pop()
            visits += 1
            if visits == CHECK_EVERY:  # compiled builds: GIL hand-over and cancellation
                visits = 0
                checkpoint()
            k = node.kind
            handler = _HANDLERS.get(k)
            if handler is not None:
                handler(self, node, env, pat, neg, push)
            else:
                if k is K.BLOCK and pat is None and self._blocks is not None:
                    m = self.m
                    self._blocks[node] = (env, neg, len(m.symbols), len(m.scopes))
                for c in reversed(node.children):
                    if isinstance(c, Node):
                        push((c, env, pat, neg))

    # ------------------------------------------------------------------ identifiers
    def _use(self, tok: Token, env: Env, pat: PatState | None, neg: bool, position: Sort) -> None:
        """An identifier in a process (``position`` PROC) or name (NAME) position."""
        name = tok.text
        if pat is not None:
            sid = env.lookup(name, stop=pat.base)
            if sid is None:
                self._pattern_binder(tok, pat, position, neg)
                return
        if self.for_summary:  # a use: it makes references and facts only
            return
        if pat is None:
            sid = env.lookup(name)
        if sid is None:
            self.m.references.append(Reference(tok.start, tok.end, name, None, Role.READ, position))
            self._unbound(tok, env)
            return
        sym = self.m.symbols[sid]
        sym.used = True
        self.m.references.append(Reference(tok.start, tok.end, name, sid, Role.READ, position))
        self._sort_check(tok, sym, position)

    def _sort_check(self, tok: Token, sym: Symbol, position: Sort, var_ref: bool = False) -> None:
        if sym.sort != position:
            self.facts.sort_mismatches.append(
                SortMismatch(tok.start, tok.end, sym.id, position, var_ref)
            )

    def _unbound(self, tok: Token, env: Env) -> None:
        new_node = _new_sibling_declaring(tok, tok.text, self._sibling_news)
        self.facts.unbound.append(
            UnboundUse(
                tok.start,
                tok.end,
                tok.text,
                top_level=env is self.root_env,
                new_sibling=None if new_node is None else (new_node.start, new_node.start + 3),
            )
        )

    def _pattern_binder(
        self, tok: Token, pat: PatState, sort: Sort, neg: bool, kind: SymbolKind | None = None
    ) -> None:
        name = tok.text
        scope = self.m.scopes[pat.scope]
        prev = pat.names.get(name)
        sym = self._declare(
            tok.start, tok.end, name, sort, kind or pat.kind, scope, (pat.decl_start, pat.decl_end)
        )
        sym.in_pattern_depth = pat.depth
        if pat.free_log is not None:
            pat.free_log.append((tok.start, tok.end, name))
        if prev is not None:
            self.facts.duplicate_binders.append(
                DuplicateBinder(tok.start, tok.end, name, prev, in_new=False)
            )
            return
        if neg:
            # RNode normalises each side of `\/` (and the body of `~`) with an empty free
            # map and discards it: the variable binds nothing, a use in the body is free
            self.facts.disjunction_binders.append(Span(tok.start, tok.end, name))
            return
        pat.names[name] = sym.id
        if pat.depth == 0:
            self._shadow_hint(sym, pat.base, pat.match_case, tok, pat.case)

    # ------------------------------------------------------------------ patterns
    def _pattern(
        self,
        nodes: list[Node],
        env: Env,
        pat: PatState,
        *,
        name_pattern: bool,
    ) -> None:
        """Collect the binders of pattern nodes into ``pat`` (synchronously)."""
        if pat.depth > MAX_PATTERN_DEPTH:
            return
        for n in nodes:
            if name_pattern and n.kind == K.NAME_PATTERNS:
                for c in _nodes(n):
                    self._walk(c, env, pat, False)
            else:
                self._walk(n, env, pat, False)

    def _bind_env(self, env: Env, pat: PatState, scope: Scope) -> Env:
        return self._new_env(dict(pat.names), env, scope)

    # ------------------------------------------------------------------ finish
    def _finish(self) -> None:
        # a bundle's content against the free variables of its pattern (known only now)
        for node, pat in self._bundles_in_patterns:
            kw = node.children[0]
            lo, hi = kw.end, node.end
            frees = tuple(Span(*f) for f in pat.free_log or () if lo <= f[0] and f[1] <= hi)
            self.facts.pattern_bundles.append(PatternBundle(kw.start, kw.end, frees))


# ---------------------------------------------------------------------- handlers
Push = Callable[[_Item], None]


def _h_var(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    if pat is None and b.for_summary:  # a use (outside patterns): nothing to record
        return
    tok = _ident_token(node)
    if tok is not None:
        b._use(tok, env, pat, neg, Sort.PROC)


def _h_name(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    """A name: `_`, an identifier (name position) or `@P` (quote)."""
    ch = node.children
    if not ch:
        return
    first = ch[0]
    if (
        isinstance(first, Token)
        and first.kind == K.AT
        or (isinstance(first, Node) and first.kind == K.QUOTE)
    ):
        quote = first if isinstance(first, Node) else node
        inner = [c for c in quote.children if isinstance(c, Node)]
        if inner:
            g = ground_text(inner[0]) if pat is None else None  # patterns are not channel uses
            if g is not None:
                _record_global(b, inner[0], g, is_def=False)
            for c in reversed(inner):
                push((c, env, pat, neg))
        return
    if (isinstance(first, Token) and first.kind == K.UNDERSCORE) or (
        isinstance(first, Node) and first.kind == K.WILDCARD
    ):
        if pat is None:
            b.facts.outside_pattern.append(OutsidePattern(node.start, node.end, "wildcard", "_"))
        elif pat.free_log is not None:
            pat.free_log.append((node.start, node.end, "_"))
        return
    tok = _ident_token(node)
    if tok is not None:
        b._use(tok, env, pat, neg, Sort.NAME)
        return
    for el in reversed(ch):
        if isinstance(el, Node):
            push((el, env, pat, neg))


def _record_global(b: Binder, inner: Node, key_text: str, *, is_def: bool) -> tuple[str, int, int]:
    key = "@" + key_text
    s, e = ground_name_range(inner)
    b.m.global_refs.append((key, s, e, is_def))
    return key, s, e


def _h_wildcard(
    b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push
) -> None:
    if pat is None:
        b.facts.outside_pattern.append(OutsidePattern(node.start, node.end, "wildcard", "_"))
    elif pat.free_log is not None:
        pat.free_log.append((node.start, node.end, "_"))


def _h_var_ref(
    b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push
) -> None:
    tok = _ident_token(node)
    if tok is None or b.for_summary:  # a use: references and facts only
        return
    star = any(isinstance(c, Token) and c.kind in (K.EQ_STAR, K.STAR) for c in node.children)
    want = Sort.NAME if star else Sort.PROC
    look_env = pat.base if pat is not None else env
    op = "=*" if star else "="
    if pat is None:
        b.facts.outside_pattern.append(
            OutsidePattern(node.start, node.end, "var-ref", op + tok.text)
        )
    sid = look_env.lookup(tok.text)
    if sid is None:
        b.m.references.append(Reference(tok.start, tok.end, tok.text, None, Role.READ, want, True))
        b.facts.unbound.append(
            UnboundUse(tok.start, tok.end, tok.text, top_level=False, var_ref=op)
        )
        return
    sym = b.m.symbols[sid]
    sym.used = True
    b.m.references.append(Reference(tok.start, tok.end, tok.text, sid, Role.READ, want, True))
    b._sort_check(tok, sym, want, var_ref=True)


def _h_remainder(
    b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push
) -> None:
    tok = _ident_token(node)
    if tok is None:
        wild = node.first_child(K.WILDCARD)
        if wild is not None and pat is None:
            b.facts.outside_pattern.append(OutsidePattern(wild.start, wild.end, "wildcard", "_"))
        elif wild is not None and pat is not None and pat.free_log is not None:
            pat.free_log.append((wild.start, wild.end, "_"))  # `..._`
        return
    if pat is None:
        # RNode's RemainderNormalizeMatcher always makes `...x` a new free variable (it
        # never looks `x` up): outside a pattern that is a top-level free variable
        b.m.references.append(Reference(tok.start, tok.end, tok.text, None, Role.READ, Sort.PROC))
        b.facts.outside_pattern.append(OutsidePattern(tok.start, tok.end, "remainder", tok.text))
    elif env.lookup(tok.text, stop=pat.base) is None:
        b._pattern_binder(tok, pat, Sort.PROC, neg, SymbolKind.REMAINDER)
    else:
        b._use(tok, env, pat, neg, Sort.PROC)


def _h_new(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    new = ast.New(node)
    decls, body = new.decls, new.body
    kw = node.children[0]
    sc = b._scope(ScopeKind.NEW, node, env, "new")
    sc.sel_start, sc.sel_end = kw.start, kw.end
    doc = None if b.for_summary else b._doc_for(node)  # the summary keeps no symbol's doc
    names: dict[str, int] = {}
    # (declaration index, symbol id, uri) in source order; bound below in the node's order
    declared: list[tuple[int, int, str | None]] = []
    for i, d in enumerate(decls):
        decl = ast.NameDecl(d)
        tok = decl.ident
        if tok is None:
            continue
        uri_tok, uri = decl.uri_token, decl.uri
        sym = b._declare(
            tok.start,
            tok.end,
            tok.text,
            Sort.NAME,
            SymbolKind.NEW_URI if uri is not None else SymbolKind.NEW,
            sc,
            (d.start, d.end),
            uri=uri,
            doc=doc if i == 0 or len(decls) == 1 else None,
        )
        if doc is not None and len(decls) > 1:
            sym.doc = doc
        if tok.text in names:
            b.facts.duplicate_binders.append(
                DuplicateBinder(tok.start, tok.end, tok.text, names[tok.text], in_new=True)
            )
            b.m.symbols[names[tok.text]].used = True  # avoid a second, misleading warning
        else:
            if pat is None or pat.depth == 0:
                b._shadow_hint(sym, env, False)
        names[tok.text] = sym.id
        declared.append((i, sym.id, uri))
        if uri is not None and uri_tok is not None:
            b.facts.system_uris.append(Span(uri_tok.start, uri_tok.end, uri))
    # PNewNormalizer sorts plain names first, then URI names by URI, and binds them in
    # that order: of two declarations of one name the later one in that order wins
    # (`new out(`rho:io:stdout`), out in` binds `out` to stdout in the body)
    order = [sid for _i, sid, _uri in sorted(declared, key=new_binding_key)]
    for sid in order:
        names[b.m.symbols[sid].name] = sid
    sc.symbols[:] = order  # the scope lists them in binding order too (scope_at agrees)
    new_env = b._new_env(names, env, sc)
    for c in reversed(body):
        push((c, new_env, pat, neg))


def _h_contract(
    b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push
) -> None:
    contract = ast.Contract(node)
    name_node, formals_node, body = contract.name, contract.formals, contract.body
    symbol: int | None = None
    global_key: str | None = None
    free = False
    display = ""
    ns, ne = node.start, node.start
    if name_node is not None:
        tok = _ident_token(name_node)
        if tok is not None:
            display = tok.text
            ns, ne = tok.start, tok.end
            lookup_env = env
            sid = lookup_env.lookup(tok.text, stop=pat.base if pat is not None else None)
            if sid is None and pat is not None:
                b._pattern_binder(tok, pat, Sort.NAME, neg)
            else:
                b._use(tok, env, pat, neg, Sort.NAME)
                symbol = sid
                free = sid is None
        else:
            quoted = name_process(name_node)
            g = ground_text(quoted) if quoted is not None else None
            if quoted is not None and g is not None:
                global_key, ns, ne = _record_global(b, quoted, g, is_def=True)
                display = global_key
            else:
                b._walk(name_node, env, pat, neg)
    sc = b._scope(ScopeKind.CONTRACT, node, env, display or "contract")
    sc.sel_start, sc.sel_end = ns, ne
    p = PatState.nested(
        pat,
        env,
        sc.id,
        SymbolKind.CONTRACT_FORMAL,
        formals_node.start if formals_node else node.start,
        formals_node.end if formals_node else node.start,
        receive=True,
    )
    if formals_node is not None:
        b._pattern([formals_node], env, p, name_pattern=True)
    info = contract_info(
        b.text,
        node,
        name_node,
        formals_node,
        (display, ns, ne),
        symbol=symbol,
        global_key=global_key,
        free=free,
        # the summary keeps the doc of a contract on a global name only
        doc=b._doc_for(node) if global_key is not None or not b.for_summary else None,
    )
    b.m.contracts.append(info)
    body_env = b._bind_env(env, p, sc)
    for c in reversed(body):
        push((c, body_env, pat, neg))


def _unquote_eval(name_node: Node) -> Node:
    """``@{*a}``, ``@*a``, ``@(*a)`` -> ``a``: RNode normalises the quote of an eval of a
    name to that name (NameNormalizeMatcher + PEvalNormalizer), so they are one channel."""
    for _ in range(MAX_PATTERN_DEPTH):
        inner = name_process(name_node)
        if (
            inner is None
            or name_node.first_child(K.AT) is None
            and (name_node.first_child(K.QUOTE) is None)
        ):
            return name_node
        while inner.kind in (K.BLOCK, K.PAREN) and len(_nodes(inner)) == 1:
            inner = _nodes(inner)[0]
        if inner.kind != K.EVAL:
            return name_node
        nxt = inner.first_child(K.NAME)
        if not isinstance(nxt, Node):
            return name_node
        name_node = nxt
    return name_node


def _channel_key(b: Binder, name_node: Node, env: Env) -> tuple[str, int | str] | None:
    name_node = _unquote_eval(name_node)
    tok = _ident_token(name_node)
    if tok is not None:
        sid = env.lookup(tok.text)
        return ("sym", sid) if sid is not None else ("free", tok.text)
    quoted = name_process(name_node)
    if quoted is not None:
        g = ground_text(quoted)
        if g is not None:
            return ("global", g)
    return None


def _do_binds(
    b: Binder,
    binds: list[Node],
    env: Env,
    pat: PatState | None,
    neg: bool,
    p: PatState,
    check_join: bool,
) -> None:
    """Sources in ``env`` (before the receipt), patterns into ``p``."""
    seen: dict[tuple[str, int | str], Node] = {}
    for bind in binds:
        view = ast.Bind(bind)
        pats = [view.patterns] if view.patterns is not None else []
        arrow = view.arrow
        n_formals: int | None = None
        has_rem = False
        if pats:
            n_formals, has_rem = ast.NamePatterns(pats[0]).arity
        for src in view.sources:
            b._walk(src, env, pat, neg)
            if b.for_summary:
                continue
            chan = ast.source_channel(src)
            if chan.kind == K.NAME:
                key = _channel_key(b, chan, env)
                if key is not None and key[0] == "sym" and isinstance(key[1], int):
                    b.facts.receives.append((chan.start, key[1], None if has_rem else n_formals))
                if check_join and key is not None and arrow is not None:
                    if key in seen:
                        first = seen[key]
                        b.facts.repeated_join_channels.append(
                            RepeatedJoinChannel(chan.start, chan.end, first.start, first.end)
                        )
                    else:
                        seen[key] = chan
        b._pattern(pats, env, p, name_pattern=True)


def _h_for(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    view = ast.For(node)
    receipts, body = view.receipts, view.body
    cur = env
    for r in receipts:
        sc = b._scope(ScopeKind.RECEIVE, r, cur, "for")
        kw = node.children[0]
        sc.sel_start, sc.sel_end = kw.start, kw.end
        sc.start, sc.end = node.start, node.end
        binds = receipt_binds(r)
        # the declaring construct is the receipt's binds (not its guard, which sees them)
        p = PatState.nested(
            pat, cur, sc.id, SymbolKind.RECEIVE, r.start, binds[-1].end, receive=True
        )
        _do_binds(b, binds, cur, pat, neg, p, check_join=len(binds) > 1)
        cur = b._bind_env(cur, p, sc)
        # sec. 4.3: a guard sees its own receipt (all `&` binds) and the earlier receipts,
        # never a later one: it is walked now, before the next receipt is bound
        for g in ast.Receipt(r).guards:
            b._walk(g, cur, pat, neg)
    for c in reversed(body):
        push((c, cur, pat, neg))


def _h_select(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    # the "select is not compiled" diagnostic comes from the parser (target-dependent)
    for br in ast.Select(node).branches:
        sc = b._scope(ScopeKind.SELECT, br, env, "select")
        p = PatState.nested(pat, env, sc.id, SymbolKind.SELECT, br.start, br.start, receive=True)
        branch = ast.Branch(br)
        binds = branch.binds
        _do_binds(b, binds, env, pat, neg, p, check_join=len(binds) > 1)
        benv = b._bind_env(env, p, sc)
        for c in branch.rest:
            push((c, benv, pat, neg))


def _h_match(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    nodes = _nodes(node)
    view = ast.Match(node)
    facts: tuple[frozenset[str], frozenset[int]] | None = None
    for c in nodes:
        if c.kind != K.CASE:
            push((c, env, pat, neg))
            continue
        case = ast.Case(c)
        pattern, rest = case.pattern, case.rest
        if pattern is None and not rest:
            continue
        sc = b._scope(ScopeKind.MATCH_CASE, c, env, "case")
        p = PatState.nested(
            pat,
            env,
            sc.id,
            SymbolKind.MATCH_CASE,
            pattern.start if pattern else c.start,
            pattern.end if pattern else c.start,
            match_case=True,
        )
        if pattern is not None:
            if not b.for_summary:  # what the shadowing facts need
                if facts is None:
                    cases = (ast.Case(x).pattern for x in view.cases)
                    patterns = [p for p in cases if p is not None]
                    facts = _match_facts(view.target, patterns)
                p.case = MatchCase(_unwrap(pattern), *facts)
            b._pattern([pattern], env, p, name_pattern=False)
        cenv = b._bind_env(env, p, sc)
        for r in reversed(rest):
            push((r, cenv, pat, neg))


def _h_matches(
    b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push
) -> None:
    view = ast.Matches(node)
    left, patterns = view.left, view.patterns
    if left is None:
        return
    push((left, env, pat, neg))
    if patterns:
        sc = b._scope(ScopeKind.PATTERN, patterns[0], env, None)
        p = PatState.nested(pat, env, sc.id, SymbolKind.PATTERN, match_case=True)
        b._pattern(patterns, env, p, name_pattern=False)


def _h_let(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    let = ast.Let(node)
    decls, body, concurrent = let.decls, let.body, let.concurrent
    kw = node.children[0]
    sc = b._scope(ScopeKind.LET, node, env, "let")
    sc.sel_start, sc.sel_end = kw.start, kw.end
    cur = env
    shared = PatState.nested(pat, env, sc.id, SymbolKind.LET, node.start, node.start)
    for d in decls:
        p = (
            shared
            if concurrent
            else PatState(
                base=cur,
                scope=sc.id,
                kind=SymbolKind.LET,
                depth=shared.depth,
                decl_start=d.start,
                decl_end=d.end,
            )
        )
        p.decl_start, p.decl_end = d.start, d.end
        value_env = env if concurrent else cur
        decl = ast.LetDecl(d)
        if decl.is_assign:
            # `let x = P`: x is a process variable (= `let @x <- P`)
            tok = decl.assign_ident
            for v in decl.assign_values:
                b._walk(v, value_env, pat, neg)
            if tok is not None:
                b._pattern_binder(tok, p, Sort.PROC, False)
        else:
            for v in decl.values:
                b._walk(v, value_env, pat, neg)
            b._pattern(decl.patterns, value_env, p, name_pattern=True)
        if not concurrent:
            cur = b._bind_env(cur, p, sc)
    if concurrent:
        cur = b._bind_env(env, shared, sc)
    for c in reversed(body):
        push((c, cur, pat, neg))


def _h_send(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    send = ast.Send(node)
    chan = send.channel
    if chan is not None and pat is None and b.for_summary:
        _summary_send(b, node, send, chan, env)
    elif chan is not None and pat is None:
        args = send.args
        tok = _ident_token(chan)
        sid = env.lookup(tok.text) if tok is not None else None
        gkey = None
        s, e = chan.start, chan.end
        if tok is not None:
            s, e = tok.start, tok.end
        else:
            k = _channel_key(b, chan, env)
            if k is not None and k[0] == "global":
                gkey = "@" + str(k[1])
        lits = _sync_prefix(node, send) + tuple(literal_text(a) for a in args)
        b.m.sends.append(SendInfo(s, e, sid, gkey, lits))
    for c in reversed(ast.nodes(node)):
        push((c, env, pat, neg))


def _sync_prefix(node: Node, send: ast.Send) -> tuple[str | None, ...]:
    """The values a synchronous send sends before its arguments (literal texts, None for
    what is not a literal). `ch!?(a)` sends `(*reply, a)`: the reply channel comes first
    (RNode's PSendSynchNormalizer prepends it, as F1R3FLY's p_send_sync_normalizer.rs
    does); `ch!m(a)` is sugar for `ch!?("m", a)`."""
    if node.kind != K.SYNC_SEND:
        return ()
    meth = send.method
    return (None,) if meth is None else (None, f'"{meth.text}"')


def _summary_send(b: Binder, node: Node, send: ast.Send, chan: Node, env: Env) -> None:
    """``_h_send`` for ``bind_for_summary``: only a send on a global name is recorded (the
    summary's calls), its arguments as many Nones (the summary keeps their count)."""
    if _ident_token(chan) is not None:
        return
    k = _channel_key(b, chan, env)
    if k is None or k[0] != "global":
        return
    n = len(_sync_prefix(node, send)) + len(send.args)
    b.m.sends.append(SendInfo(chan.start, chan.end, None, "@" + str(k[1]), (None,) * n))


def _h_connective(
    b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push
) -> None:
    op = next(
        (t for t in node.children if isinstance(t, Token) and t.kind in (K.CONJ, K.DISJ, K.TILDE)),
        None,
    )
    inner_neg = neg
    if op is not None:
        if pat is None:
            b.facts.outside_pattern.append(OutsidePattern(op.start, op.end, "connective", op.text))
        elif op.kind in (K.DISJ, K.TILDE):
            inner_neg = True
            # RNode's failOnInvalidConnective: a receive (or contract) that is not itself
            # inside a pattern (bound-map depth 0) rejects `\/` and `~` anywhere in its
            # patterns, at any quote depth; a receive nested in a pattern accepts them
            if pat.receive and pat.depth == 0:
                b.facts.receive_connectives.append(Span(op.start, op.end, op.text))
    for c in reversed(node.children):
        if isinstance(c, Node):
            push((c, env, pat, inner_neg))


def _h_agent(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    b.facts.agents.append(node)
    nodes = _nodes(node)
    for c in nodes:
        if c.kind == K.NAME:
            b._walk(c, env, pat, neg)
        elif c.kind == K.AGENT_DECL:
            sc = b._scope(ScopeKind.AGENT, c, env, "agent")
            p = PatState.nested(pat, env, sc.id, SymbolKind.AGENT, c.start, c.start, receive=True)
            names: dict[str, int] = {}
            decl = ast.AgentDecl(c)
            for implicit in agent_implicit_names(c):
                sym = Symbol(
                    len(b.m.symbols),
                    implicit,
                    Sort.NAME,
                    SymbolKind.AGENT,
                    c.start,
                    c.start,
                    sc.id,
                    c.start,
                    c.start,
                    used=True,
                )
                b.m.symbols.append(sym)
                sc.symbols.append(sym.id)
                names[implicit] = sym.id
            penv = b._new_env(names, env, sc)
            p.base = penv
            b._pattern(decl.formals, penv, p, name_pattern=True)
            denv = b._bind_env(penv, p, sc)
            for x in reversed(decl.body):
                push((x, denv, pat, neg))
        else:
            push((c, env, pat, neg))


def _h_bundle(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    if pat is not None and node.children and isinstance(node.children[0], Token):
        if pat.free_log is None:
            pat.free_log = []
        b._bundles_in_patterns.append((node, pat))
    for c in reversed(node.children):
        if isinstance(c, Node):
            push((c, env, pat, neg))


def _h_unary(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    if any(isinstance(t, Token) and t.kind == K.TILDE for t in node.children):
        _h_connective(b, node, env, pat, neg, push)
        return
    for c in reversed(node.children):
        if isinstance(c, Node):
            push((c, env, pat, neg))


def _h_binary(b: Binder, node: Node, env: Env, pat: PatState | None, neg: bool, push: Push) -> None:
    if any(isinstance(t, Token) and t.kind in (K.CONJ, K.DISJ) for t in node.children):
        _h_connective(b, node, env, pat, neg, push)
        return
    for c in reversed(node.children):
        if isinstance(c, Node):
            push((c, env, pat, neg))


_HANDLERS: Final = {
    K.VAR: _h_var,
    K.NAME: _h_name,
    K.WILDCARD: _h_wildcard,
    K.VAR_REF: _h_var_ref,
    K.REMAINDER: _h_remainder,
    K.NEW: _h_new,
    K.CONTRACT: _h_contract,
    K.FOR: _h_for,
    K.SELECT: _h_select,
    K.MATCH: _h_match,
    K.MATCHES: _h_matches,
    K.LET: _h_let,
    K.SEND: _h_send,
    K.SYNC_SEND: _h_send,
    K.UNARY_EXPR: _h_unary,
    K.BINARY_EXPR: _h_binary,
    K.AGENT: _h_agent,
    K.BUNDLE: _h_bundle,
}


def broken_blocks(
    root: Node, text: str, diagnostics: Iterable[Diagnostic]
) -> list[tuple[int, int]]:
    """The innermost `{ … }` block around each syntax error (at top level, outside every
    block: the error's lines)."""
    spans: set[tuple[int, int]] = set()
    for d in diagnostics:
        if d.severity != Severity.ERROR:
            continue
        el = root.covering_element(d.start, d.end)
        node: Node | None = el if isinstance(el, Node) else el.parent
        while node is not None and node.kind is not K.BLOCK:
            node = node.parent
        if node is not None:
            spans.add((node.start, node.end))
        else:
            end = text.find("\n", d.end)
            spans.add((text.rfind("\n", 0, d.start) + 1, len(text) if end < 0 else end))
    return sorted(spans)


def bind(result: ParseResult, *, target: str = "f1r3fly") -> SemanticModel:
    """Bind a parse result: symbols, scopes, references, contracts, file-local diagnostics.

    The cyclic GC's full collections are paused meanwhile (``full_gc_paused``, as while a
    tree is built): the model of a large file is hundreds of thousands of new objects, and
    as they pile up full collections would rescan every tree held."""
    with full_gc_paused():
        model = Binder(result, target=target).run()
        model.diagnostics = run_file_checks(CheckContext(model, result.text, target))
    return model


def bind_for_summary(result: ParseResult, *, target: str = "f1r3fly") -> SemanticModel:
    """A partial model holding exactly what ``summarize.build_summary`` reads (the indexer's
    path for a closed file): the symbols, scopes and contracts, the global names and the
    sends on them. No references, facts, doc comments but those of contracts on global
    names, lookup tables or file checks; ``build_summary`` of it equals that of ``bind``
    (``tests/workspace/test_summary_path.py``). Never hand it to a feature."""
    with full_gc_paused():
        return Binder(result, target=target, for_summary=True).run()


def bind_keeping_state(
    result: ParseResult, *, target: str = "f1r3fly"
) -> tuple[SemanticModel, BindState]:
    """``bind``, also returning what ``semantics.rebind`` needs to re-bind one block."""
    with full_gc_paused():
        binder = Binder(result, target=target)
        binder._blocks = {}
        model = binder.run()
        model.diagnostics = run_file_checks(CheckContext(model, result.text, target))
    return model, binder.state()


class PatternCollector:
    """The binder's pattern walk, run on patterns alone: which identifiers of a pattern
    bind (and with which sort) never depends on the environment outside it. Used by walks
    that do not bind the whole file (``scope_at``)."""

    def __init__(self) -> None:
        self._b = Binder(None)
        self._b.m.scopes.append(Scope(0, ScopeKind.FILE, None, 0, 0))

    def state(
        self,
        kind: SymbolKind,
        decl: tuple[int, int],
        *,
        receive: bool = False,
        match_case: bool = False,
    ) -> PatState:
        """A fresh pattern (its own scope) declared by the construct ``decl``."""
        m = self._b.m
        sc = Scope(len(m.scopes), ScopeKind.PATTERN, 0, 0, 0)
        m.scopes.append(sc)
        return PatState(
            base=self._b.root_env,
            scope=sc.id,
            kind=kind,
            receive=receive,
            match_case=match_case,
            decl_start=decl[0],
            decl_end=decl[1],
        )

    def collect(self, nodes: list[Node], p: PatState, *, name_pattern: bool) -> None:
        """Collect the binders of pattern ``nodes`` (a NAME_PATTERNS list when
        ``name_pattern``) into ``p``."""
        self._b._pattern(nodes, self._b.root_env, p, name_pattern=name_pattern)

    def bind(self, tok: Token, p: PatState, sort: Sort) -> None:
        """Bind one identifier (e.g. the variable of `let x = P`)."""
        self._b._pattern_binder(tok, p, sort, False)

    def symbols(self, p: PatState) -> list[Symbol]:
        m = self._b.m
        return [m.symbols[i] for i in m.scopes[p.scope].symbols]
