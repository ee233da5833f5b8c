from __future__ import annotations

from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax.diagnostic import Severity
from rholang_lsp.workspace.analysis import summarize_text
from rholang_lsp.workspace.index import WorkspaceIndex

LIB = 'contract @"Registry"(@key, ret) = { ret!(key) }'


def test_send_arity_to_local_contract() -> None:
    text, labels = mark("new f in { contract «c:f»(@a, @b) = { Nil } | «s:f»!(1) | f!(1, 2) }")
    (d,) = diags(text)
    assert d.code == "arity-mismatch" and d.severity == Severity.WARNING
    assert (d.start, d.end) == labels["s"]
    assert "`f` takes 1 argument (known: 2)" in d.message
    assert [(r.start, r.end) for r in d.related] == [labels["c"]]
    # a remainder accepts any longer message
    assert diags("new f in { contract f(@a, ...@r) = { Nil } | f!(1, 2, 3) }") == []


def test_a_receive_of_that_arity_on_the_channel_excuses_the_send() -> None:
    text = "new f in { contract f(@a) = { Nil } | for (@x, @y <- f) { Nil } | f!(1, 2) }"
    assert [d for d in diags(text) if d.code == "arity-mismatch"] == []


def test_quoted_name_against_contracts_in_this_file_and_the_index() -> None:
    app, labels = mark('new r in { «s:@"Registry"»!("a", "b", *r) | @"Registry"!("a", *r) }')
    index = WorkspaceIndex()
    index.update("file:///lib.rho", summarize_text("file:///lib.rho", LIB))
    (d,) = diags(app, uri="file:///app.rho", index=index)
    assert d.code == "arity-mismatch" and "takes 3 arguments (known: 2)" in d.message
    assert [r.uri for r in d.related] == ["file:///lib.rho"]
    # without an index (and no local contract) the name is unknown: nothing to say
    assert diags(app, uri="file:///app.rho") == []
    local = LIB + ' | @"Registry"!(1)'
    assert [d.code for d in diags(local)] == ["arity-mismatch"]


def test_silent_while_the_file_has_syntax_errors() -> None:
    text = "new f in { contract f(@a, @b) = { Nil } | f!(1) | f!( }"
    assert [d for d in diags(text) if d.code == "arity-mismatch"] == []


def test_sends_to_system_processes_against_the_target_nodes_arity() -> None:
    # RhoRuntime installs `rho:io:stdout` with one pattern variable and no remainder
    text, labels = mark(
        "new out(`rho:io:stdout`), h(`rho:crypto:sha256Hash`), ret in {\n"
        "  out!(1) | «a:out»!(1, 2) | «b:out»!?(1). | h!([1].toByteArray(), *ret) | «c:h»!(1)\n"
        "}"
    )
    for target in ("rnode", "f1r3fly"):
        found = [d for d in diags(text, target) if d.code == "arity-mismatch"]
        assert [(d.start, d.end) for d in found] == [labels["a"], labels["b"], labels["c"]]
        assert "takes 1 argument" in found[0].message and "never matches" in found[0].message
    # the registry entry points are not judged (Registry.rho bootstraps them with one value)
    assert [
        d
        for d in diags("new rl(`rho:registry:lookup`) in { rl!(1) }", "rnode")
        if d.code == "arity-mismatch"
    ] == []
