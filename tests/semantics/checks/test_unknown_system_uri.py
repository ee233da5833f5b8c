from __future__ import annotations

from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax.diagnostic import Severity


def test_unknown_and_known_system_uris() -> None:
    text, labels = mark("new out(`rho:io:stdout`), bad(«u:`rho:io:nope`») in { out!(1) | bad!(2) }")
    (d,) = diags(text)
    assert d.code == "unknown-system-uri" and d.severity == Severity.WARNING
    assert (d.start, d.end) == labels["u"]
    assert diags("new r(`rho:id:abc`) in { r!(1) }") == []
