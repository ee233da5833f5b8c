from __future__ import annotations

from tests.semantics.checks.support import diags, mark

from rholang_lsp.syntax.diagnostic import Severity
from rholang_lsp.workspace.analysis import summarize_text
from rholang_lsp.workspace.index import WorkspaceIndex


def _index() -> WorkspaceIndex:
    index = WorkspaceIndex()
    lib = "contract helper(x) = { Nil }"
    index.update("file:///lib.rho", summarize_text("file:///lib.rho", lib))
    return index


def test_plain_name_defined_as_a_contract_elsewhere_gets_a_hint() -> None:
    text, labels = mark("«h:helper»!(1)")
    found = [
        d
        for d in diags(text, uri="file:///app.rho", index=_index())
        if d.code == "cross-file-contract-hint"
    ]
    assert [(d.start, d.end, d.severity) for d in found] == [(*labels["h"], Severity.HINT)]
    assert '`@"helper"`' in found[0].message
    assert [r.uri for r in found[0].related] == ["file:///lib.rho"]


def test_no_hint_without_an_index_for_bound_names_or_the_same_file() -> None:
    assert [d.code for d in diags("helper!(1)")] == ["top-level-free-variable"]
    bound = "new helper in { helper!(1) }"
    assert [
        d
        for d in diags(bound, uri="file:///app.rho", index=_index())
        if d.severity == Severity.HINT
    ] == []
    same = [d for d in diags("helper!(1)", uri="file:///lib.rho", index=_index())]
    assert [d.code for d in same] == ["top-level-free-variable"]
