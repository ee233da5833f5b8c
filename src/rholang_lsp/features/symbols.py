"""textDocument/documentSymbol (hierarchical) and workspace/symbol (fuzzy, best first)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rholang_lsp.semantics.model import ContractInfo, ScopeKind, SemanticModel, Symbol, SymbolKind
from rholang_lsp.semantics.patterns import ground_text
from rholang_lsp.semantics.summary import SK_CONSTANT, SK_FUNCTION, SK_VARIABLE
from rholang_lsp.syntax import Node, SyntaxKind, ast
from rholang_lsp.workspace.index import SymbolHit
from rholang_lsp.workspace.snapshot import Snapshot


@dataclass(slots=True, eq=False)
class DocSymbol:
    name: str
    kind: int  # LSP SymbolKind
    start: int
    end: int
    sel_start: int
    sel_end: int
    detail: str | None = None
    children: list[DocSymbol] = field(default_factory=list)


# The outline lists declarations, not statements (as rust-analyzer's file structure does):
# contracts, nested where they are defined, and the names a structure declares for itself.
# A structure is the file or a contract. A contract's declarations are its plain formals and
# the names of the `new`s / `let`s of its own body, reached without entering a receive, a match
# case or a `select`: those run per message, and listing each of their binders (or each `for`
# / `new` as a node) is what made the outline of a 300-line system contract unreadable. The
# file's declarations are its `new` / `let` names outside contracts, also under receives: a
# system contract keeps its state under the join that receives its registry imports.
# Contracts are listed wherever they are, under their structure, and so is a receive that
# answers one method string (`for (@"createWithBalance", … <- RevVault)`): it is an overload.
_DECLARING_SCOPES = {ScopeKind.NEW, ScopeKind.LET}
_BARRIER_SCOPES = {
    ScopeKind.RECEIVE,
    ScopeKind.MATCH_CASE,
    ScopeKind.SELECT,
    ScopeKind.PATTERN,
    ScopeKind.AGENT,
}
_DECLARED_SYMBOLS = {SymbolKind.NEW, SymbolKind.NEW_URI, SymbolKind.LET}


def document_symbols(snap: Snapshot, uri: str) -> list[DocSymbol]:
    a = snap.analysis(uri)
    if a is None:
        return []
    return outline(a.model, a.parse.tree)


def outline(m: SemanticModel, tree: Node | None = None) -> list[DocSymbol]:
    """The outline of a file (``tree``: its parse, to list method handlers written as
    receives, `for (@"createWithBalance", … <- RevVault)`, as the overloads they are)."""
    roots: list[DocSymbol] = []
    # scope id -> (the list receiving its outline children, whether its declarations are
    # listed, whether it is inside a contract)
    holder: dict[int, tuple[list[DocSymbol], bool, bool]] = {0: (roots, True, False)}
    contracts_by_name_start = {(c.name_start, c.start): c for c in m.contracts}
    for sc in m.scopes[1:]:
        parent_list, direct, in_contract = holder[sc.parent if sc.parent is not None else 0]
        if sc.kind == ScopeKind.CONTRACT:
            c = contracts_by_name_start.get((sc.sel_start, sc.start))
            node = DocSymbol(
                _contract_label(sc.label or "contract", c),
                SK_FUNCTION,
                sc.start,
                sc.end,
                sc.sel_start,
                sc.sel_end,
                detail=c.signature if c is not None else None,
            )
            _add_formals(m, sc.id, c, node)
            parent_list.append(node)
            holder[sc.id] = (node.children, True, True)
        elif (
            sc.kind == ScopeKind.RECEIVE
            and tree is not None
            and (handler := _method_handler(tree, sc.sel_start)) is not None
        ):
            label, detail, plain = handler
            node = DocSymbol(
                label, SK_FUNCTION, sc.start, sc.end, sc.sel_start, sc.sel_end, detail=detail
            )
            _add_plain_binders(m, sc.id, plain, (SymbolKind.RECEIVE, SymbolKind.REMAINDER), node)
            parent_list.append(node)
            holder[sc.id] = (node.children, True, True)
        elif sc.kind in _DECLARING_SCOPES:
            if direct:
                _add_declared(m, sc.id, parent_list)
            holder[sc.id] = (parent_list, direct, in_contract)
        else:
            barrier = sc.kind == ScopeKind.PATTERN or (in_contract and sc.kind in _BARRIER_SCOPES)
            holder[sc.id] = (parent_list, direct and not barrier, in_contract)
    _sort(roots)
    return roots


def _contract_label(name: str, c: ContractInfo | None) -> str:
    """An overload of the string-method idiom is named by its method:
    `RevVault("findOrCreate")`, so the outline tells the overloads apart. A contract on
    a computed name (`contract @{ownRevAddress | bundle0{…}}(…)`) is named by that name's
    text, shortened."""
    if c is not None and name == "contract":
        name = _channel_text(c.signature) or name
    if c is not None and c.formals:
        lit = c.formals[0].literal
        if lit is not None and lit.startswith('"') and len(lit) <= 64:
            return f"{name}({lit})"
    return name


def _channel_text(signature: str, width: int = 32) -> str | None:
    """The channel of a `contract <channel>(formals)` signature, at most ``width`` long."""
    text = signature.removeprefix("contract ").strip()
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(" and depth == 0 and text[:i].strip() not in ("", "@"):
            text = text[:i].strip()
            break
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
    else:
        return None
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _symbol_node(s: Symbol) -> DocSymbol:
    kind = SK_CONSTANT if s.kind == SymbolKind.NEW_URI else SK_VARIABLE
    return DocSymbol(
        s.name,
        kind,
        s.decl_start if s.decl_end > s.decl_start else s.start,
        max(s.decl_end, s.end),
        s.start,
        s.end,
        detail=s.uri,
    )


def _add_declared(m: SemanticModel, scope_id: int, into: list[DocSymbol]) -> None:
    for sid in m.scopes[scope_id].symbols:
        s = m.symbols[sid]
        if s.kind in _DECLARED_SYMBOLS and s.start < s.end:
            into.append(_symbol_node(s))


def _add_formals(m: SemanticModel, scope_id: int, c: ContractInfo | None, node: DocSymbol) -> None:
    """The formals that are a plain name (`ret`, `@amount`, `...@rest`); the binders inside
    a structured formal (`@(a, b)`, `@{x | y}`) are pattern detail, shown by the signature."""
    plain: set[str] | None = None
    if c is not None:
        texts = [f.text for f in c.formals] + ([c.remainder] if c.remainder else [])
        plain = _plain_names(texts)
    kinds = (SymbolKind.CONTRACT_FORMAL, SymbolKind.REMAINDER)
    _add_plain_binders(m, scope_id, plain, kinds, node)


def _plain_names(texts: list[str]) -> set[str]:
    return {t.removeprefix("...").removeprefix("@").strip() for t in texts}


def _add_plain_binders(
    m: SemanticModel,
    scope_id: int,
    plain: set[str] | None,
    kinds: tuple[SymbolKind, ...],
    node: DocSymbol,
) -> None:
    for sid in m.scopes[scope_id].symbols:
        s = m.symbols[sid]
        if s.kind in kinds and s.start < s.end and (plain is None or s.name in plain):
            node.children.append(_symbol_node(s))


def _method_handler(tree: Node, for_start: int) -> tuple[str, str, set[str]] | None:
    """A receive that answers one method, as a contract overload does: one bind whose first
    pattern is a string, `for (@"createWithBalance", @amount, ret <- RevVault)`, or whose
    channel is a method of an object, `for (ret <- @(*RevVault, "extractState"))`. Its label
    (`RevVault("createWithBalance")`, `@(*RevVault, "extractState")`), detail (the receive's
    head) and the names of its plain patterns; None for any other receive."""
    tok = tree.token_at(for_start)
    receive = ast.For.cast(tok.parent if tok is not None else None)
    receipts = receive.receipts if receive is not None else []
    binds = ast.Receipt(receipts[0]).binds if len(receipts) == 1 else []
    if len(binds) != 1:
        return None
    bind = ast.Bind(binds[0])
    pats = bind.patterns
    names = ast.NamePatterns(pats).names if pats is not None else []
    sources = bind.sources
    if not sources:
        return None
    channel = ast.source_channel(sources[0])
    first = ast.Name(names[0]).quoted if names else None
    lit = ground_text(first) if first is not None else None
    head = " ".join(binds[0].text.split())
    detail = f"for ({head if len(head) <= 96 else head[:95] + '…'})"
    if lit is not None and lit.startswith('"') and len(lit) <= 64:
        chan = _shorten(" ".join(channel.text.split()), 32)
        return f"{chan}({lit})", detail, _plain_names([n.text for n in names[1:]])
    if _is_object_method(channel):
        label = _shorten(" ".join(channel.text.split()), 48)
        return label, detail, _plain_names([n.text for n in names])
    return None


def _is_object_method(channel: Node) -> bool:
    """`@(*RevVault, "extractState")`: a channel quoting a tuple that ends in a string."""
    quoted = ast.Name(channel).quoted if channel.kind == SyntaxKind.NAME else None
    if quoted is None or quoted.kind != SyntaxKind.TUPLE:
        return False
    elems = ast.nodes(quoted)
    last = ground_text(elems[-1]) if elems else None
    return last is not None and last.startswith('"')


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _sort(items: list[DocSymbol]) -> None:
    stack = [items]
    while stack:
        lst = stack.pop()
        lst.sort(key=lambda d: (d.sel_start, d.start))
        for d in lst:
            # an LSP range must contain its selection range
            d.start = min(d.start, d.sel_start)
            d.end = max(d.end, d.sel_end)
            if d.children:
                stack.append(d.children)


def workspace_symbols(snap: Snapshot, query: str, *, limit: int = 256) -> list[SymbolHit]:
    return snap.search_symbols(query, limit=limit)
