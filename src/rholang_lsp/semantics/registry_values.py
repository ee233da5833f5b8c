"""Follow a value out of the registry: which lookup URI a received name holds.

``rl!(`rho:rchain:revVault`, *revVaultCh) | for (@(_, revVault) <- revVaultCh) { … }``:
``revVault`` is whatever the registry sends on ``revVaultCh`` for that URI (the
``(_, x)`` or plain ``x`` pattern of the receive). Read from the parse tree with the
local scope query, without binding the file: the binder's receive, its channel's
declaration, and the sends on ``rho:registry:lookup`` that pass that channel.
"""

from __future__ import annotations

from rholang_lsp.semantics.scope_at import resolve_name_at
from rholang_lsp.syntax import Node, ParseResult, SyntaxKind, Token, ast

K = SyntaxKind
LOOKUP_URI = "rho:registry:lookup"


def _ident_in(node: Node) -> Token | None:
    for el in node.walk_elements():
        if isinstance(el, Token) and el.kind == K.IDENT:
            return el
    return None


def _bind_of(parsed: ParseResult, start: int) -> Node | None:
    tok = parsed.tree.token_at(start)
    node = tok.parent if tok is not None else None
    while node is not None and node.kind != K.BIND:
        if node.kind in (K.CONTRACT, K.NEW):
            return None
        node = node.parent
    return node


def looked_up_uri(parsed: ParseResult, ident: Token) -> str | None:
    """The registry URI whose contract the name ``ident`` was received as, if any."""
    binder = resolve_name_at(parsed, ident)
    if binder is None:
        return None
    bind = _bind_of(parsed, binder.start)
    if bind is None:
        return None
    sources = ast.Bind(bind).sources
    if not sources:
        return None
    ch_ident = _ident_in(ast.source_channel(sources[0]))
    ch = resolve_name_at(parsed, ch_ident) if ch_ident is not None else None
    if ch is None:
        return None
    for node in parsed.tree.walk():
        send = ast.Send.cast(node)
        if send is None:
            continue
        chan = send.channel
        args = send.args
        if chan is None or len(args) != 2:
            continue
        rl_ident = _ident_in(chan)
        uri_tok = args[0].first_token()
        if rl_ident is None or uri_tok is None or uri_tok.kind != K.URI:
            continue
        passed = _ident_in(args[1])
        if passed is None or passed.text != ch.name:
            continue
        rl = resolve_name_at(parsed, rl_ident)
        if rl is None or rl.uri != LOOKUP_URI:
            continue
        target = resolve_name_at(parsed, passed)
        if target is not None and target.start == ch.start:
            return uri_tok.text.strip("`")
    return None
