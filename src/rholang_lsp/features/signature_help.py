"""textDocument/signatureHelp on `name!(`, `name!!(`, `name!?(`, `for (x <- ch!?(` and
method calls `x.m(`: the overloads of the contract (by arity), the active overload
and parameter, doc comments with their `@param` text. Works while the argument
list is still unclosed (the parser keeps the open ARGS node).

Parameter ranges are code-point offsets into the signature label; the server
converts them to the client's encoding.

``signature_help`` does not bind the document: it reads the latest parse tree,
resolves the channel with the local scope query (``scope_at.resolve_name_at``) and
finds the current file's contracts syntactically (``scope_at.file_contracts``);
other files come from the workspace index. ``channel_signatures`` (model-based) is
kept for callers that already hold a full analysis (inlay hints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rholang_lsp.features.builtin_methods import BUILTIN_METHODS
from rholang_lsp.features.completion.items import formals_from_signature
from rholang_lsp.features.completion.workspace_contracts import other_files_definitions
from rholang_lsp.semantics.model import ContractInfo, SemanticModel
from rholang_lsp.semantics.patterns import ground_text
from rholang_lsp.semantics.registry_values import registry_value
from rholang_lsp.semantics.scope_at import file_contracts, resolve_name_at, token_before
from rholang_lsp.semantics.system_channels import lookup as lookup_system
from rholang_lsp.syntax import Node, ParseResult, Token, ast
from rholang_lsp.syntax.kinds import K
from rholang_lsp.workspace.analysis import DocumentAnalysis
from rholang_lsp.workspace.snapshot import Snapshot

_SYS_PARAMS = re.compile(r"^`(?:\w+!)?\(([^)]*)\)`")


@dataclass(frozen=True, slots=True)
class Parameter:
    label: str
    start: int  # offsets into the signature label
    end: int
    documentation: str | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    label: str
    parameters: tuple[Parameter, ...]
    documentation: str | None = None
    variadic: bool = False
    system: bool = False  # a system channel, not a contract
    #: canonical literal pattern per parameter (`"set"` of `@"set"`), None where a binder
    literals: tuple[str | None, ...] = ()

    @property
    def arity(self) -> int:
        return len(self.parameters)

    def accepts(self, n: int) -> bool:
        return n == self.arity or (self.variadic and n >= self.arity)


@dataclass(slots=True)
class SignatureHelpResult:
    signatures: list[Signature] = field(default_factory=list)
    active_signature: int = 0
    active_parameter: int = 0


def _make_signature(
    head: str,
    params: list[str],
    docs: dict[str, str],
    doc: str | None,
    remainder: str | None = None,
) -> Signature:
    label = head + "("
    out: list[Parameter] = []
    shown = params + ([f"...{remainder}"] if remainder else [])
    for i, p in enumerate(shown):
        if i:
            label += ", "
        start = len(label)
        label += p
        key = p.lstrip("@.").lstrip("@")
        out.append(Parameter(p, start, len(label), docs.get(key)))
    label += ")"
    if remainder:
        out = out[:-1]
    return Signature(label, tuple(out), doc, remainder is not None)


def _contract_signature(display: str, c: ContractInfo, op: str) -> Signature:
    docs: dict[str, str] = {}
    doc_md: str | None = None
    if c.doc is not None:
        docs = {n: d for n, d in c.doc.params if d}
        doc_md = c.doc.summary or None
        if c.doc.returns:
            doc_md = (doc_md + "\n\n" if doc_md else "") + "Returns: " + c.doc.returns
    params = [f.text for f in c.formals]
    literals = tuple(f.literal for f in c.formals)
    if op == "!?" and params:
        params = params[1:]  # `!?` supplies the reply channel as the first argument
        literals = literals[1:]
    sig = _make_signature(f"{display}{op}", params, docs, doc_md, c.remainder)
    return replace(sig, literals=literals)


def channel_signatures(
    snap: Snapshot, a: DocumentAnalysis, name: Node, op: str = "!"
) -> list[Signature]:
    """Signatures of the contracts (or system channel) behind the channel ``name`` (a NAME node)."""
    model: SemanticModel = a.model
    inner = ast.Name(name).inner
    if inner is None:
        return []
    if inner.kind == K.VAR:
        ident = inner.first_token()
        if ident is None:
            return []
        ref = model.reference_at(ident.start)
        if ref is None or ref.start != ident.start:
            return []
        if ref.symbol is None:
            cs = [c for c in model.contracts if c.free_name and c.name == ident.text]
            return sorted(
                (_contract_signature(ident.text, c, op) for c in cs), key=lambda s: s.arity
            )
        cs = model.contracts_on(ref.symbol)
        if cs:
            return sorted(
                (_contract_signature(ident.text, c, op) for c in cs), key=lambda s: s.arity
            )
        sym_uri = model.symbol(ref.symbol).uri
        if sym_uri is None:
            return _registry_signatures(a.parse, ident, ident.text, op)
        return _system_signature(ident.text, sym_uri, op, snap.target)
    if inner.kind == K.QUOTE:
        g = model.global_at(inner.start + 1)
        if g is None:
            quoted = ast.Quote(inner).process
            q_ident = quoted.first_token() if quoted is not None and quoted.kind == K.VAR else None
            if q_ident is None or q_ident.kind != K.IDENT:
                return []
            return _registry_signatures(a.parse, q_ident, "@" + q_ident.text, op)
        display = a.text[inner.start : inner.end]
        return _global_signatures(snap, a.uri, g[0], display, model.contracts_global(g[0]), op)
    return []


def _system_signature(name: str, sys_uri: str | None, op: str, target: str) -> list[Signature]:
    if sys_uri is None:
        return []
    ch = lookup_system(sys_uri)
    arity = ch.arity_on(target) if ch is not None else None
    if ch is None or arity is None:
        return []
    m = _SYS_PARAMS.match(ch.description)
    params = [p.strip() for p in m.group(1).split(",")] if m else []
    if len(params) != arity:
        params = [f"arg{i + 1}" for i in range(arity)]
    sig = _make_signature(f"{name}{op}", params, {}, ch.hover_markdown())
    return [Signature(sig.label, sig.parameters, sig.documentation, False, True)]


def _global_signatures(
    snap: Snapshot, uri: str, key: str, display: str, local: list[ContractInfo], op: str
) -> list[Signature]:
    sigs: list[Signature] = []
    seen: set[tuple[str, ...]] = set()
    for c in local:
        s = _contract_signature(display, c, op)
        seen.add((s.label,))
        sigs.append(s)
    for _u, gc in other_files_definitions(snap, uri, key):
        params = formals_from_signature(gc.signature)
        if op == "!?" and params:
            params = params[1:]  # the reply channel, supplied by `!?`
        s = _make_signature(
            f"{display}{op}", params, {}, gc.doc_markdown, "rest" if gc.remainder else None
        )
        if (s.label,) in seen:
            continue
        seen.add((s.label,))
        literals = gc.literals[1:] if op == "!?" else gc.literals
        sigs.append(replace(s, literals=tuple(literals)))
    return sorted(sigs, key=lambda s: s.arity)


def local_channel_signatures(
    snap: Snapshot, uri: str, parsed: ParseResult, name: Node, op: str = "!"
) -> list[Signature]:
    """Like ``channel_signatures``, from the parse tree alone (no bind)."""
    inner = ast.Name(name).inner
    if inner is None:
        return []
    if inner.kind == K.VAR:
        ident = inner.first_token()
        if ident is None or ident.kind != K.IDENT:
            return []
        binder = resolve_name_at(parsed, ident)
        cs = [
            lc.info
            for lc in file_contracts(parsed, name=ident.text)
            if (lc.channel.start if lc.channel is not None else None)
            == (binder.start if binder is not None else None)
        ]
        if cs:
            return sorted(
                (_contract_signature(ident.text, c, op) for c in cs), key=lambda s: s.arity
            )
        if binder is None:
            return []
        if binder.uri is None:
            return _registry_signatures(parsed, ident, ident.text, op)
        return _system_signature(ident.text, binder.uri, op, snap.target)
    if inner.kind == K.QUOTE:
        quoted = ast.Quote(inner).process
        g = ground_text(quoted) if quoted is not None else None
        if g is None:
            # `@revVault!(`: a process variable holding a contract from the registry
            ident = quoted.first_token() if quoted is not None and quoted.kind == K.VAR else None
            if ident is None or ident.kind != K.IDENT:
                return []
            return _registry_signatures(parsed, ident, "@" + ident.text, op)
        key = "@" + g
        local = [lc.info for lc in file_contracts(parsed, name=key)]
        return _global_signatures(snap, uri, key, parsed.text[inner.start : inner.end], local, op)
    return []


def _registry_signatures(
    parsed: ParseResult, ident: Token, display: str, op: str
) -> list[Signature]:
    """The overloads of the system contract ``ident`` was received as from the registry, or
    of the object one of its methods returned (the vault of `findOrCreate`)."""
    value = registry_value(parsed, ident)
    if value is None:
        return []
    rc = value.contract
    how = "Looked up as" if not value.path else "Returned by"
    doc = f"{rc.description}\n\n{how} {value.origin} (`{rc.source}` in the node's genesis)."
    out: list[Signature] = []
    for formals in rc.overloads:
        params = list(formals[1:] if op == "!?" else formals)
        sig = _make_signature(f"{display}{op}", params, {}, doc)
        lits = tuple(f[1:] if f.startswith('@"') else None for f in params)
        out.append(replace(sig, literals=lits))
    return sorted(out, key=lambda s: s.arity)


def enclosing_args(root: Node, offset: int) -> Node | None:
    """The innermost ARGS whose parentheses enclose ``offset`` (open lists included)."""
    tok = token_before(root, offset)
    node: Node | None = tok.parent if tok is not None else None
    while node is not None:
        if node.kind == K.ARGS:
            lp = ast.Args(node).open
            rp = ast.Args(node).close
            # the `)` of a `,)` token (an auto-closed paren after a comma) is its last character
            close_at = rp.end - 1 if rp is not None else None
            if lp is not None and lp.start < offset and (close_at is None or offset <= close_at):
                return node
        node = node.parent
    return None


def signatures_for_args(
    snap: Snapshot, uri: str, parsed: ParseResult, args: Node
) -> list[Signature]:
    parent = args.parent
    if parent is None:
        return []
    if parent.kind == K.METHOD_CALL:
        ident = ast.MethodCall(parent).method
        mth = BUILTIN_METHODS.get(ident.text) if ident is not None else None
        if mth is None:
            return []
        return [_make_signature("." + mth.name, list(mth.params), {}, mth.doc)]
    if parent.kind in (K.SEND, K.SYNC_SEND, K.SOURCE):
        name = parent.first_child(K.NAME)
        if not isinstance(name, Node):
            return []
        op_tok = ast.child_token(parent, K.BANG, K.BANG_BANG, K.BANG_QUESTION)
        if parent.first_child(K.IDENT) is not None:
            return []  # method-send sugar `ch!m(..)`
        op = op_tok.text if isinstance(op_tok, Token) else "!"
        return local_channel_signatures(snap, uri, parsed, name, op)
    return []


def signature_help(snap: Snapshot, uri: str, offset: int) -> SignatureHelpResult | None:
    parsed = snap.parse(uri)
    if parsed is None:
        return None
    args = enclosing_args(parsed.tree, offset)
    if args is None:
        return None
    sigs = signatures_for_args(snap, uri, parsed, args)
    if not sigs:
        return None
    commas = [c for c in args.children if c.kind in (K.COMMA, K.COMMA_RPAREN)]
    active = sum(1 for c in commas if c.start < offset)
    n_args = sum(1 for c in args.children if isinstance(c, Node) and c.end > c.start)
    closed = any(c.kind in (K.RPAREN, K.COMMA_RPAREN) for c in args.children)
    wanted = max(n_args, active + 1) if not closed else max(n_args, active + 1)
    by_literal = chosen_by_literals(sigs, args)
    if by_literal is not None:
        return SignatureHelpResult(sigs, by_literal, active)
    best = 0
    for i, s in enumerate(sigs):
        if s.accepts(wanted):
            best = i
            break
    else:
        for i, s in enumerate(sigs):
            if s.arity > active or s.variadic:
                best = i
                break
    return SignatureHelpResult(sigs, best, active)


def chosen_by_literals(sigs: list[Signature], args: Node) -> int | None:
    """The overload a method string (or another literal argument) picks: `api!("set", |`
    is the `@"set"` overload whatever the count typed so far. None when no literal
    argument tells the overloads apart."""
    typed = [ground_text(c) for c in args.children if isinstance(c, Node) and c.end > c.start]
    best: tuple[int, int] | None = None  # (score, index)
    for i, s in enumerate(sigs):
        score = 0
        for lit, arg in zip(s.literals, typed, strict=False):
            if lit is None or arg is None:
                continue
            if lit != arg:
                score = -1
                break
            score += 1
        if score > 0 and (best is None or score > best[0]):
            best = (score, i)
    return best[1] if best is not None else None
