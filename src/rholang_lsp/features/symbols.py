"""textDocument/documentSymbol (hierarchical) and workspace/symbol (fuzzy, best first)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rholang_lsp.semantics.model import ContractInfo, ScopeKind, SemanticModel, SymbolKind
from rholang_lsp.semantics.summary import SK_CONSTANT, SK_FUNCTION, SK_NAMESPACE, SK_VARIABLE
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


_CONTAINER_KINDS = {
    ScopeKind.NEW: "new",
    ScopeKind.LET: "let",
    ScopeKind.RECEIVE: "for",
    ScopeKind.SELECT: "select",
    ScopeKind.AGENT: "agent",
}
_LISTED_SYMBOLS = {
    SymbolKind.NEW,
    SymbolKind.NEW_URI,
    SymbolKind.CONTRACT_FORMAL,
    SymbolKind.LET,
    SymbolKind.RECEIVE,
    SymbolKind.SELECT,
    SymbolKind.REMAINDER,
    SymbolKind.AGENT,
}


def document_symbols(snap: Snapshot, uri: str) -> list[DocSymbol]:
    a = snap.analysis(uri)
    if a is None:
        return []
    return outline(a.model)


def outline(m: SemanticModel) -> list[DocSymbol]:
    roots: list[DocSymbol] = []
    node_of: dict[int, DocSymbol | None] = {}  # scope id -> its outline node (None: transparent)
    holder: dict[int, list[DocSymbol]] = {0: roots}  # scope id -> list receiving its children
    contracts_by_name_start = {(c.name_start, c.start): c for c in m.contracts}
    for sc in m.scopes[1:]:
        parent_list = holder.get(sc.parent if sc.parent is not None else 0, roots)
        node: DocSymbol | None = None
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
        elif sc.kind == ScopeKind.RECEIVE and sc.parent is not None:
            par = m.scopes[sc.parent]
            prev = node_of.get(par.id)
            if (
                par.kind == ScopeKind.RECEIVE
                and par.start == sc.start
                and par.end == sc.end
                and prev
            ):
                node_of[sc.id] = prev  # sequential receipts of one `for`: one outline node
                holder[sc.id] = prev.children
                _add_binders(m, sc.id, prev)
                continue
            node = DocSymbol("for", SK_NAMESPACE, sc.start, sc.end, sc.sel_start, sc.sel_end)
        elif sc.kind in _CONTAINER_KINDS:
            node = DocSymbol(
                _CONTAINER_KINDS[sc.kind], SK_NAMESPACE, sc.start, sc.end, sc.sel_start, sc.sel_end
            )
        if sc.kind == ScopeKind.PATTERN:
            node_of[sc.id] = None
            holder[sc.id] = []  # binders of `matches` patterns are not listed
            continue
        node_of[sc.id] = node
        if node is None:
            holder[sc.id] = parent_list  # transparent (match cases)
            continue
        _add_binders(m, sc.id, node)
        parent_list.append(node)
        holder[sc.id] = node.children
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
        if ch == "(" and depth == 0 and i > 0:
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


def _add_binders(m: SemanticModel, scope_id: int, node: DocSymbol) -> None:
    for sid in m.scopes[scope_id].symbols:
        s = m.symbols[sid]
        if s.kind not in _LISTED_SYMBOLS or s.start == s.end:
            continue
        kind = SK_CONSTANT if s.kind == SymbolKind.NEW_URI else SK_VARIABLE
        node.children.append(
            DocSymbol(
                s.name,
                kind,
                s.decl_start if s.decl_end > s.decl_start else s.start,
                max(s.decl_end, s.end),
                s.start,
                s.end,
                detail=s.uri,
            )
        )


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
