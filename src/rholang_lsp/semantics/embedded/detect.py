"""Where a Rholang file carries MeTTa code, in the reference server's priority order:

1. a comment directive ``// @metta`` or ``// @language: metta`` directly above a string
   literal (the first literal of the construct that follows the comment);
2. a literal sent on a MeTTa system channel, written ``@"rho:metta:compile"`` or as a
   name bound to the backquoted URI in ``new``;
3. flow: a name received from such a channel (``for (c <- @"rho:metta:compile")``),
   then literals sent on it.

An argument ``"..." ++ x ++ "..."`` is one region with holes. A file that does not
mention ``metta`` anywhere has no region: the check is three substring scans.
"""

from __future__ import annotations

import re
from typing import Final

from rholang_lsp.semantics.embedded.regions import Region
from rholang_lsp.semantics.model import SemanticModel
from rholang_lsp.syntax import Node, ParseResult, Token
from rholang_lsp.syntax.kinds import K

METTA_URIS: Final = frozenset(
    {"rho:metta:compile", "rho:metta:compile:sync", "rho:metta:eval", "rho:metta:repl"}
)
#: the spellings a directive may use (and the lowercase of the URIs)
_SPELLINGS: Final = "metta|MeTTa|METTA|Metta"
_DIRECTIVE: Final = re.compile(rf"//\s*@(?:language\s*:\s*)?(?:{_SPELLINGS})\b")
_SENDS: Final = frozenset({K.SEND, K.SYNC_SEND})


def mentions_metta(text: str) -> bool:
    """Whether ``text`` could hold a MeTTa region: substring scans, no regex (this runs on
    every Rholang file; each spelling of ``_SPELLINGS`` contains one of these)."""
    return "etta" in text or "eTTa" in text or "ETTA" in text


def detect_metta_regions(parse: ParseResult, model: SemanticModel | None) -> list[Region]:
    """The MeTTa regions of one Rholang file, in document order. Never raises.

    ``model`` (the binder's result) resolves names bound to the MeTTa URIs; without it
    only directives and quoted channels are found.
    """
    if not mentions_metta(parse.text):
        return []
    found: dict[int, Region] = {}  # first literal start -> region
    sends: list[Node] = []
    binds: list[Node] = []
    directive_tokens: list[Token] = []
    for el in parse.tree.walk_elements():
        if isinstance(el, Node):
            if el.kind in _SENDS:
                sends.append(el)
            elif el.kind == K.BIND:
                binds.append(el)
        elif el._trivia and any(k == K.LINE_COMMENT and _DIRECTIVE.match(t) for k, t in el._trivia):
            directive_tokens.append(el)
    # 1. directives
    for tok in directive_tokens:
        if not _directive_is_adjacent(tok):
            continue
        lit = _first_string_after(tok)
        if lit is not None:
            _add(found, _region_of_literal(lit, "directive"))
    # 2. and 3. channels and names flowing from them
    metta_syms: set[int] = set()
    if model is not None:
        metta_syms = {s.id for s in model.symbols if s.uri in METTA_URIS}
        for _ in range(8):  # names received from MeTTa channels (transitively)
            before = len(metta_syms)
            for b in binds:
                src = b.first_child(K.SOURCE)
                chan = src.first_child(K.NAME) if isinstance(src, Node) else None
                if not isinstance(chan, Node) or not _is_metta_channel(chan, model, metta_syms):
                    continue
                pats = b.first_child(K.NAME_PATTERNS)
                if isinstance(pats, Node):
                    for name in pats.child_nodes():
                        sid = _var_symbol(name, model) if name.kind == K.NAME else None
                        if sid is not None:
                            metta_syms.add(sid)
            if len(metta_syms) == before:
                break
    flow_syms = metta_syms - (
        {s.id for s in model.symbols if s.uri in METTA_URIS} if model else set()
    )
    for send in sends:
        chan = send.first_child(K.NAME)
        if not isinstance(chan, Node) or not _is_metta_channel(chan, model, metta_syms):
            continue
        sid = _var_symbol(chan, model) if model is not None else None
        kind = "flow" if sid is not None and sid in flow_syms else "channel"
        args = send.first_child(K.ARGS)
        if not isinstance(args, Node):
            continue
        for arg in args.child_nodes():
            region = _region_of_process(arg, kind)
            if region is not None:
                _add(found, region)
    return [found[k] for k in sorted(found)]


def _add(found: dict[int, Region], region: Region | None) -> None:
    if region is not None and region.start not in found:
        found[region.start] = region


def _directive_is_adjacent(tok: Token) -> bool:
    """The directive is the last comment before ``tok``, with no blank line between."""
    seen_directive = False
    for kind, text in reversed(tok._trivia):
        if kind == K.WHITESPACE:
            if text.count("\n") > 1:
                return False
            continue
        seen_directive = kind == K.LINE_COMMENT and _DIRECTIVE.match(text) is not None
        break
    return seen_directive


def _first_string_after(tok: Token) -> Token | None:
    """The first string literal of the largest construct starting at ``tok``."""
    node: Node | None = tok.parent
    top: Node | None = None
    while node is not None and node.start == tok.start and node.kind != K.SOURCE_FILE:
        top = node
        node = node.parent
    if tok.kind == K.STRING:
        return tok
    if top is None:
        return None
    for t in top.tokens():
        if t.kind == K.STRING and not _is_channel_name(t):
            return t
    return None


def _is_channel_name(lit: Token) -> bool:
    """``@"name"``: a quoted string used as a channel, not a piece of code."""
    node = lit.parent
    return node is not None and node.parent is not None and node.parent.kind == K.QUOTE


def _region_of_literal(lit: Token, kind: str) -> Region | None:
    """The region of the literal, grown to the whole ``++`` chain it is an operand of."""
    node = lit.parent  # the LITERAL
    if node is None:
        return None
    top: Node = node
    while top.parent is not None and _is_concat(top.parent):
        top = top.parent
    return _region_of_process(top, kind)


def _is_concat(node: Node) -> bool:
    return node.kind == K.BINARY_EXPR and any(
        isinstance(c, Token) and c.kind == K.PLUS_PLUS for c in node.children
    )


def _region_of_process(proc: Node, kind: str) -> Region | None:
    """A string literal, or a ``++`` chain with at least one string literal operand."""
    operands: list[Node | Token] = []
    stack: list[Node | Token] = [proc]
    while stack:  # flatten the (left-nested) chain in source order
        el = stack.pop()
        if isinstance(el, Node) and _is_concat(el):
            stack.extend(reversed([c for c in el.children if c.kind != K.PLUS_PLUS]))
        else:
            operands.append(el)
    parts: list[tuple[int, int]] = []
    holes: list[tuple[int, int] | None] = []
    pending_hole: tuple[int, int] | None = None
    for op in operands:
        lit = _string_token(op)
        if lit is None:
            if pending_hole is None:
                pending_hole = (op.start, op.end)
            else:
                pending_hole = (pending_hole[0], op.end)
            continue
        if parts:
            holes.append(pending_hole)  # None: two literals joined directly
        pending_hole = None
        parts.append((lit.start, lit.end))
    if not parts:
        return None
    # a hole before the first or after the last literal splices nothing inside the region
    return Region(tuple(parts), tuple(holes), kind)


def _string_token(el: Node | Token) -> Token | None:
    if isinstance(el, Token):
        return el if el.kind == K.STRING else None
    if el.kind == K.LITERAL and len(el.children) == 1:
        tok = el.children[0]
        if isinstance(tok, Token) and tok.kind == K.STRING:
            return tok
    return None


def _quoted_uri(name: Node) -> str | None:
    quote = name.first_child(K.QUOTE)
    if not isinstance(quote, Node):
        return None
    for c in quote.child_nodes():
        tok = _string_token(c)
        if tok is not None and len(tok.text) >= 2:
            return tok.text[1:-1]
    return None


def _var_symbol(name: Node, model: SemanticModel | None) -> int | None:
    var = name.first_child(K.VAR)
    if not isinstance(var, Node) or model is None:
        return None
    ident = var.first_child(K.IDENT)
    if not isinstance(ident, Token):
        return None
    ref = model.reference_at(ident.start)
    return ref.symbol if ref is not None and ref.start == ident.start else None


def _is_metta_channel(name: Node, model: SemanticModel | None, syms: set[int]) -> bool:
    if _quoted_uri(name) in METTA_URIS:
        return True
    sid = _var_symbol(name, model)
    return sid is not None and sid in syms
