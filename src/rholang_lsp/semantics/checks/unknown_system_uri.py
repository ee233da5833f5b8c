"""URIs in `new x(`uri`)` that the target's node does not bind.

Both nodes fail the deploy for a URI that is neither in their ``urnMap`` nor injected by
the deploy (RNode ``Reduce.eval(New)``: "No value set for `urn`"; F1R3FLY ``reduce.rs``
the same); see ``semantics/system_channels.py`` for the per-node table.

* ``registry-shorthand-in-new`` (error): a registry shorthand (`rho:rchain:revVault`) is a
  key of the registry's lookup map, not a system channel;
* ``uri-not-on-target`` (error): a URI that only the other node binds (`rho:ai:gpt4` under
  "rnode", `rho:rev:address` under "f1r3fly");
* ``unknown-system-uri`` (warning): a URI no node of the table binds (the table may lag
  behind a node, hence a warning).

Test-harness URIs (`rho:test:*`, `rho:io:stdlog`) are accepted: test files run under RhoSpec.
"""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.system_channels import Kind, is_known, lookup
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity

_NODE = {"rnode": "RNode", "f1r3fly": "F1R3FLY nodes"}


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    node = _NODE.get(ctx.target, ctx.target)
    for f in ctx.model.facts.system_uris:
        ch = lookup(f.text)
        if ch is None:
            if not is_known(f.text):
                yield diagnostic(
                    f.start,
                    f.end,
                    Severity.WARNING,
                    f"Unknown system channel `{f.text}`: no Rholang node provides it (see the list of system URIs).",
                    C.UNKNOWN_SYSTEM_URI,
                )
        elif ch.kind is Kind.SHORTHAND:
            yield diagnostic(
                f.start,
                f.end,
                Severity.ERROR,
                f"`{f.text}` is a registry shorthand, not a system channel: `new` cannot bind "
                f"it and the node fails the deploy. Look it up instead: "
                f"`new rl(`rho:registry:lookup`), ch in {{ rl!(`{f.text}`, *ch) | for (x <- ch) {{ … }} }}`.",
                C.REGISTRY_SHORTHAND_IN_NEW,
            )
        elif not ch.on(ctx.target):
            other = "RNode" if ch.nodes == "rnode" else "F1R3FLY nodes"
            verb = "fails" if ctx.target == "rnode" else "fail"
            yield diagnostic(
                f.start,
                f.end,
                Severity.ERROR,
                f"`{f.text}` is bound only by {other}; {node} {verb} the deploy "
                f'("No value set for `{f.text}`"). Change the dialect target if this program '
                f"is meant for {other}.",
                C.URI_NOT_ON_TARGET,
            )
