"""textDocument/hover: kind of the variable, its declaration / contract signature,
the doc comment as Markdown, "declared in <file>" for other files, and system
URIs with their description."""

from __future__ import annotations

from dataclasses import dataclass

from rholang_lsp.features.signature_help import chosen_by_literals, signatures_for_args
from rholang_lsp.features.target import (
    FreeTarget,
    GlobalTarget,
    LocalTarget,
    select_global_overloads,
    select_local_overloads,
    send_at,
    target_at,
    uri_basename,
)
from rholang_lsp.semantics.model import ContractInfo, Sort, Symbol, SymbolKind
from rholang_lsp.semantics.registry_contracts import RegistryContract, registry_contract
from rholang_lsp.semantics.registry_values import registry_value
from rholang_lsp.semantics.system_channels import lookup as lookup_system
from rholang_lsp.syntax import Token, ast
from rholang_lsp.syntax.kinds import SyntaxKind
from rholang_lsp.workspace.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class HoverResult:
    markdown: str
    start: int
    end: int


_KIND_TEXT = {
    SymbolKind.NEW: "name bound by `new`",
    SymbolKind.NEW_URI: "system channel bound by `new`",
    SymbolKind.CONTRACT_FORMAL: "contract parameter",
    SymbolKind.RECEIVE: "bound by a receive (`for`)",
    SymbolKind.MATCH_CASE: "bound by a `match` case pattern",
    SymbolKind.LET: "bound by `let`",
    SymbolKind.SELECT: "bound by a `select` branch",
    SymbolKind.REMAINDER: "remainder bound by a pattern",
    SymbolKind.AGENT: "bound by an agent declaration",
    SymbolKind.PATTERN: "pattern variable",
}


def _code(text: str) -> str:
    return "```rholang\n" + text + "\n```"


def _line_of(text: str, offset: int) -> str:
    s = text.rfind("\n", 0, offset) + 1
    e = text.find("\n", offset)
    return text[s : e if e >= 0 else len(text)].strip()


def _contract_md(c: ContractInfo) -> str:
    parts = [_code(c.signature)]
    if c.doc is not None:
        parts.append(c.doc.to_markdown())
    return "\n\n".join(parts)


def hover(snap: Snapshot, uri: str, offset: int) -> HoverResult | None:
    a = snap.analysis(uri)
    if a is None:
        return None
    tok = a.parse.tree.token_at(offset)
    if tok is not None and tok.kind == SyntaxKind.URI and tok.start <= offset <= tok.end:
        ch = lookup_system(tok.text[1:-1])
        if ch is not None:
            md = ch.hover_markdown()
            rc = registry_contract(ch.uri)
            if rc is not None:
                md += "\n\n" + _registry_md(rc)
            return HoverResult(md, tok.start, tok.end)
    if tok is not None and tok.kind == SyntaxKind.STRING and tok.start <= offset < tok.end:
        method = _method_string_hover(snap, uri, tok)
        if method is not None:
            return method
    t = target_at(snap, uri, offset)
    if t is None:
        return None
    if isinstance(t, LocalTarget):
        return HoverResult(_symbol_md(t, a.text), t.ref.start, t.ref.end)
    if isinstance(t, GlobalTarget):
        return _global_hover(snap, t)
    return _free_hover(snap, t)


def _symbol_md(t: LocalTarget, text: str) -> str:
    sym: Symbol = t.symbol
    m = t.analysis.model
    sort = "name" if sym.sort == Sort.NAME else "process"
    head = f"**{sym.name}** — {sort} variable, {_KIND_TEXT.get(sym.kind, sym.kind.value)}"
    parts = [head]
    contracts = m.contracts_on(sym.id)
    if contracts:
        send = send_at(m, t.ref.start, t.ref.end)
        chosen = select_local_overloads(contracts, send)
        for c in chosen:
            parts.append(_contract_md(c))
    else:
        parts.append(_code(_line_of(text, sym.start)))
    if sym.uri is not None:
        ch = lookup_system(sym.uri)
        if ch is not None:
            parts.append(ch.hover_markdown())
        else:
            parts.append(f"Unknown system URI `{sym.uri}`.")
    if sym.doc is not None and not contracts:
        parts.append(sym.doc.to_markdown())
    if not contracts and sym.uri is None:
        ident = t.analysis.parse.tree.token_at(t.ref.start)
        value = registry_value(t.analysis.parse, ident) if ident is not None else None
        if value is not None and not value.path:
            parts.append(
                f"Received from the registry as {value.origin}.\n\n" + _registry_md(value.contract)
            )
        elif value is not None:
            parts.append(f"Returned by {value.origin}.\n\n" + _registry_md(value.contract))
    return "\n\n".join(parts)


def _registry_md(rc: RegistryContract) -> str:
    """The looked-up system contract: what it is and the methods it answers."""
    lines = [f"**{rc.name}** (`{rc.source}` in the node's genesis): {rc.description}", ""]
    lines += [f"- `{rc.name}!({', '.join(f)})`" for f in rc.overloads]
    return "\n".join(lines)


def _method_string_hover(snap: Snapshot, uri: str, tok: Token) -> HoverResult | None:
    """`"findOrCreate"` as the first argument of a send: the overload it selects."""
    send = ast.send_of_first_arg(tok)
    args = send.args_node if send is not None else None
    if args is None:
        return None
    parsed = snap.parse(uri)
    if parsed is None:
        return None
    sigs = signatures_for_args(snap, uri, parsed, args)
    chosen = chosen_by_literals(sigs, args)
    if chosen is None:
        return None
    sig = sigs[chosen]
    parts = [_code(sig.label)]
    if sig.documentation:
        parts.append(sig.documentation)
    return HoverResult("\n\n".join(parts), tok.start, tok.end)


def _global_hover(snap: Snapshot, t: GlobalTarget) -> HoverResult:
    uri = t.analysis.uri
    m = t.analysis.model
    local = m.contracts_global(t.key)
    parts = [f"**{t.key}** — quoted name (shared across files)"]
    if t.is_def:
        cs = [c for c in local if c.name_start == t.start]
        for c in cs:
            parts.append(_contract_md(c))
        return HoverResult("\n\n".join(parts), t.start, t.end)
    cands = select_global_overloads(snap.global_definitions(t.key), send_at(m, t.start, t.end))
    for u, gc in cands:
        piece = _code(gc.signature)
        if gc.doc_markdown:
            piece += "\n\n" + gc.doc_markdown
        if u != uri:
            piece += f"\n\n*declared in {uri_basename(u)}*"
        parts.append(piece)
    if not cands:
        parts.append("No contract on this name is known in the workspace.")
    return HoverResult("\n\n".join(parts), t.start, t.end)


def _free_hover(snap: Snapshot, t: FreeTarget) -> HoverResult:
    uri = t.analysis.uri
    m = t.analysis.model
    local = [c for c in m.contracts if c.free_name and c.name == t.name]
    parts: list[str] = []
    if local:
        chosen = select_local_overloads(local, send_at(m, t.ref.start, t.ref.end))
        parts.append(f"**{t.name}** — contract on a free name (not bound in this file)")
        parts.extend(_contract_md(c) for c in chosen)
    else:
        parts.append(f"**{t.name}** — unbound variable")
        others = [(u, c) for u, c in snap.contracts_named(t.name) if u != uri]
        for u, c in others[:5]:
            parts.append(
                f"A contract `{c.name}` is defined in {uri_basename(u)}; plain names are not shared "
                f'between files: use a quoted name such as `@"{c.name}"`.'
            )
    return HoverResult("\n\n".join(parts), t.ref.start, t.ref.end)
