"""textDocument/inlayHint: formal parameter names at the arguments of a send to a
known contract (``x!(1, *ret)`` shows ``a: 1, ret: *ret``).

Only when exactly one overload accepts the number of arguments, only for formals
that are plain names (``a`` / ``@a``), and not when the argument already spells
the name. The server keeps it off unless ``rholang.inlayHints.parameterNames``
is enabled. Offsets are code points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rholang_lsp.features.signature_help import Signature, channel_signatures
from rholang_lsp.syntax import Node, ast
from rholang_lsp.syntax.kinds import K
from rholang_lsp.workspace.analysis import DocumentAnalysis
from rholang_lsp.workspace.snapshot import Snapshot

_PLAIN = re.compile(r"@?([A-Za-z_'][\w']*)$")


@dataclass(frozen=True, slots=True)
class InlayHint:
    offset: int
    label: str  # e.g. "ret:"


def inlay_hints(
    snap: Snapshot, uri: str, start: int = 0, end: int | None = None
) -> list[InlayHint]:
    a = snap.analysis(uri)
    if a is None:
        return []
    hi = len(a.text) if end is None else end
    out: list[InlayHint] = []
    # signatures per (channel, operator, argument count): many sends to a channel with
    # many overloads cost one signature list, not one per send (linear in the file)
    memo: dict[tuple[object, str, int], list[Signature]] = {}
    for node in a.parse.tree.walk():
        if node.end < start or node.start > hi:
            continue
        send = ast.Send.cast(node)
        if send is None or send.method is not None:
            continue
        name = send.channel
        if name is None or send.args_node is None:
            continue
        values = send.written_args
        if not values:
            continue
        op_token = send.op
        op = op_token.text if op_token is not None else "!"
        key = (_channel_key(a, name), op, len(values))
        sigs = memo.get(key) if key[0] is not None else None
        if sigs is None:
            sigs = [
                s
                for s in channel_signatures(snap, a, name, op)
                if s.accepts(len(values)) and not s.system
            ]
            if key[0] is not None:
                memo[key] = sigs
        if len(sigs) != 1:
            continue
        sig = sigs[0]
        for value, param in zip(values, sig.parameters, strict=False):
            if not start <= value.start <= hi:
                continue
            m = _PLAIN.match(param.label)
            if m is None:
                continue
            pname = m.group(1)
            if re.fullmatch(r"arg\d+", pname):
                continue  # generated name (system channel without a documented shape)
            vtext = a.text[value.start : value.end].lstrip("*@")
            if vtext == pname:
                continue
            out.append(InlayHint(value.start, f"{pname}:"))
    out.sort(key=lambda h: h.offset)
    return out


def _channel_key(a: DocumentAnalysis, name: Node) -> object:
    """What the channel of a send resolves to (same key: same signatures), or None."""
    inner = ast.Name(name).inner
    if inner is None:
        return None
    if inner.kind == K.VAR:
        ident = inner.first_token()
        ref = a.model.reference_at(ident.start) if ident is not None else None
        if ident is None or ref is None or ref.start != ident.start:
            return None
        return ("var", ref.symbol, ident.text)
    if inner.kind == K.QUOTE:
        g = a.model.global_at(inner.start + 1)
        return None if g is None else ("quote", g[0], a.text[inner.start : inner.end])
    return None
