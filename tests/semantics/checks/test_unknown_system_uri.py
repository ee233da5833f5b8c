from __future__ import annotations

from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Severity

_URI_CODES = ("unknown-system-uri", "uri-not-on-target", "registry-shorthand-in-new")


def _found(text: str, target: str) -> list[tuple[str, Severity, int, int]]:
    return [
        (d.code, d.severity, d.start, d.end) for d in diags(text, target) if d.code in _URI_CODES
    ]


def test_unknown_and_known_system_uris() -> None:
    text, labels = mark("new out(`rho:io:stdout`), bad(«u:`rho:io:nope`») in { out!(1) | bad!(2) }")
    (d,) = diags(text)
    assert d.code == "unknown-system-uri" and d.severity == Severity.WARNING
    assert (d.start, d.end) == labels["u"]
    assert diags("new r(`rho:id:abc`) in { r!(1) }") == []


def test_registry_shorthand_in_new_fails_the_deploy() -> None:
    # `rho:rchain:revVault` is a key of Registry.rho's lookup map, not in RNode's urnMap
    text, labels = mark("new v(«u:`rho:rchain:revVault`») in { v!(1) }")
    assert _found(text, "rnode") == [("registry-shorthand-in-new", Severity.ERROR, *labels["u"])]


def test_uris_the_target_node_does_not_bind() -> None:
    text, labels = mark(
        "new g(«a:`rho:ai:gpt4`»), o(«o:`rho:ollama:chat`»), t(«t:`rho:io:grpcTell`»), "
        "x(«x:`rho:execution:abort`»), m(«m:`rho:system:bitmaskMergeableTag`») in "
        "{ g!(1) | o!(1) | t!(1) | x!(1) | m!(1) }"
    )
    want = [("uri-not-on-target", Severity.ERROR, *labels[k]) for k in "aotxm"]
    assert _found(text, "rnode") == want
    assert _found(text, "f1r3fly") == []
    text, labels = mark("new r(«r:`rho:rev:address`») in { r!(1) }")
    assert _found(text, "f1r3fly") == [("uri-not-on-target", Severity.ERROR, *labels["r"])]
    assert _found(text, "rnode") == []


def test_test_harness_and_legacy_deploy_uris_are_accepted_on_both() -> None:
    text = (
        "new log(`rho:io:stdlog`), a(`rho:test:assertAck`), d(`rho:rchain:deployerId`), "
        "i(`rho:rchain:deployId`) in { log!(1) | a!(1) | d!(1) | i!(1) }"
    )
    for target in ("rnode", "f1r3fly"):
        assert _found(text, target) == []


def test_every_uri_bound_channel_is_among_the_system_uris() -> None:
    """``unknown_lookup_uri`` skips the sends of a file whose system URIs hold no
    `rho:registry:lookup`: that needs every channel bound to a URI to have its URI there."""
    from pathlib import Path

    from rholang_lsp.semantics.binder import bind

    corpus = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
    # the corpus where present (read in place); the two programs below in any case
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(corpus.rglob("*.rho"))]
    texts.append("new a(`rho:registry:lookup`), a(`rho:io:stdout`), b in { a!(1) | b!(2) }")
    texts.append(
        "new x(`rho:registry:lookup`) in { new y(`rho:io:nope`) in { x!(`rho:lang:listOps`, *y) } }"
    )
    for text in texts:
        m = bind(parse(text))
        uris = {f.text for f in m.facts.system_uris}
        assert {s.uri for s in m.symbols if s.uri is not None} <= uris
