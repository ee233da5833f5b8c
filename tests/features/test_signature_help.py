"""Signature help as a pure function."""

from __future__ import annotations

from rholang_lsp.features.signature_help import SignatureHelpResult, signature_help
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/a.rho"
DOC = """new x, out(`rho:io:stdoutAck`) in {
  /// Adds things.
  /// @param a the first
  /// @param ret where to reply
  contract x(@a, ret) = { Nil } |
  contract x(@a, @b, ret) = { Nil } |
"""


def run(src: str, others: dict[str, str] | None = None) -> SignatureHelpResult | None:
    off = src.index("|^|")
    docs = {URI: SimpleDocument(URI, src.replace("|^|", ""))}
    for u, t in (others or {}).items():
        docs[u] = SimpleDocument(u, t)
    return signature_help(Snapshot(docs), URI, off)


def test_unclosed_send_lists_overloads_with_docs() -> None:
    res = run(DOC + "  x!(|^|")
    assert res is not None
    assert [s.label for s in res.signatures] == ["x!(@a, ret)", "x!(@a, @b, ret)"]
    assert res.active_signature == 0 and res.active_parameter == 0
    first = res.signatures[0]
    assert first.documentation == "Adds things."
    assert first.parameters[0].documentation == "the first"
    assert first.parameters[1].documentation == "where to reply"
    p = first.parameters[1]
    assert first.label[p.start : p.end] == "ret"


def test_active_parameter_and_overload_follow_commas() -> None:
    res = run(DOC + "  x!(1, |^|")
    assert res is not None and res.active_parameter == 1 and res.active_signature == 0
    res = run(DOC + "  x!(1, 2, |^|")
    assert res is not None and res.active_parameter == 2 and res.active_signature == 1


def test_sync_send_drops_the_reply_channel() -> None:
    # `x!?(1)` sends `(*reply, 1)`: the reply channel is the contract's FIRST formal
    # (RNode's PSendSynchNormalizer prepends it; so does F1R3FLY's Rust normalizer)
    res = run('new api in { contract api(ret, @"get") = { Nil } | api!?(|^|) }')
    assert res is not None
    assert res.signatures[0].label == 'api!?(@"get")'
    res = run(DOC + "  x!?(1|^|) }")
    assert res is not None
    assert res.signatures[0].label == "x!?(ret)"  # `@a` receives the reply channel


def test_persistent_send_and_system_channel() -> None:
    res = run(DOC + "  x!!(|^|")
    assert res is not None and res.signatures[0].label.startswith("x!!(")
    res = run(DOC + "  out!(|^|")
    assert res is not None and res.signatures[0].label == "out!(v, ack)"


def test_method_call_and_outside_of_arguments() -> None:
    res = run("new x in { x!([1].nth(|^|")
    assert res is not None and res.signatures[0].label == ".nth(index)"
    assert run(DOC + "  x!(1)|^|") is None
    assert run("new x in { x|^| }") is None


def test_global_contract_from_other_file() -> None:
    lib = "file:///w/lib.rho"
    res = run(
        'new x in { @"greet"!("bob", |^|', others={lib: 'contract @"greet"(@who, ret) = { Nil }'}
    )
    assert res is not None and res.signatures[0].label == '@"greet"!(@who, ret)'
    assert res.active_parameter == 1


def test_receive_source_sync_send() -> None:
    res = run("new x in { contract x(ret, @a) = { Nil } | for (@r <- x!?(|^|")
    assert res is not None and res.signatures[0].label == "x!?(@a)"


def test_sync_send_to_a_global_contract_of_another_file() -> None:
    lib = "file:///w/lib.rho"
    res = run('new x in { @"get"!?(|^|', others={lib: 'contract @"get"(ret, @key) = { Nil }'})
    assert res is not None and res.signatures[0].label == '@"get"!?(@key)'
