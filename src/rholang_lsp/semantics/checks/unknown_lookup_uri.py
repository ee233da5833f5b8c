"""``unknown-lookup-uri`` (warning): `rl!(`rho:rchain:revVaul`, *ch)` on a channel bound to
`rho:registry:lookup` with a URI the registry does not hold.

The registry answers the shorthands of its lookup map (``system_channels`` kind
``SHORTHAND``: `rho:rchain:revVault`, `rho:lang:listOps`, ...) and the `rho:id:...` URIs
of contracts inserted at run time; for any other URI the lookup never answers and the
receive on ``ch`` waits forever. A warning (the table may lag behind a node).
"""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.spelling import closest
from rholang_lsp.semantics.system_channels import SYSTEM_CHANNELS, Kind
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity

LOOKUP_URI = "rho:registry:lookup"
_RUNTIME_PREFIXES = ("rho:id:", "rho:registry:v1:")
#: keys of the genesis lookup map (RChain ``casper/src/main/resources/Registry.rho``) that
#: are neither shorthands nor system channels of the table
_MORE_KEYS = frozenset({"rho:rchain:configPublicKeyCheck"})


def _namespace(uri: str) -> str:
    return uri.rsplit(":", 1)[0] + ":" if ":" in uri else uri


def shorthands(target: str) -> list[str]:
    """The registry shorthands of the table, ``target``'s node's first. Those of the other
    node are not warned about: which names a node's registry holds changes with its
    genesis more than its runtime (the table may lag), so only unknown URIs are judged."""
    own = [u for u, ch in SYSTEM_CHANNELS.items() if ch.kind is Kind.SHORTHAND and ch.on(target)]
    other = [u for u, ch in SYSTEM_CHANNELS.items() if ch.kind is Kind.SHORTHAND and u not in own]
    return own + other


def _namespaces() -> set[str]:
    return {_namespace(u) for u, ch in SYSTEM_CHANNELS.items() if ch.kind is Kind.SHORTHAND}


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    model = ctx.model
    # a channel is bound to a URI only by `new x(`uri`)`, which records the URI among the
    # system URIs: without a `rho:registry:lookup` there, no send is a lookup (the sends of
    # a large file are not looked at)
    if not any(f.text == LOOKUP_URI for f in model.facts.system_uris):
        return
    known: set[str] | None = None
    for s in model.sends:
        if not s.is_send or s.symbol is None or not s.args:
            continue
        first = s.args[0]
        if first is None or not first.startswith("`"):
            continue
        if model.symbols[s.symbol].uri != LOOKUP_URI:
            continue
        uri = first.strip("`")
        if known is None:
            known = set(shorthands(ctx.target))
        if uri in known or uri in SYSTEM_CHANNELS or uri in _MORE_KEYS:
            continue
        # only a namespace the registry uses (`rho:rchain:`, `rho:lang:`, ...): others are
        # run-time ids or placeholders a deploy template fills in (`rho:arg:entryUri`)
        if uri.startswith(_RUNTIME_PREFIXES) or _namespace(uri) not in _namespaces():
            continue
        at = ctx.text.find(first, s.end)
        if at < 0:
            continue
        near = closest(uri, shorthands(ctx.target), limit=3)
        hint = f" Did you mean `{near[0]}`?" if near else ""
        yield diagnostic(
            at,
            at + len(first),
            Severity.WARNING,
            f"The registry holds no `{uri}`: the lookup never answers.{hint}",
            C.UNKNOWN_LOOKUP_URI,
        )
