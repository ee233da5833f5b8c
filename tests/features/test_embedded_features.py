"""Embedded MeTTa features answer in the parent's offsets, exactly."""

from __future__ import annotations

from rholang_lsp.features import embedded as emb
from rholang_lsp.features.folding import FoldRange
from rholang_lsp.features.semantic_tokens import T_FUNCTION, T_STRING
from rholang_lsp.features.symbols import outline as rholang_outline
from rholang_lsp.semantics.binder import Binder
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.embedded import EmbeddedFile, EmbeddedRegistry

TEXT = (
    "// ünïcödé 😀 before\n"
    "new mc(`rho:metta:compile`), ret in {\n"
    '  contract run(@x) = { mc!("; é\\n(= (sq $x) (* $x $x \\"é\\"))\n(= (bad $a) (sq $b $a))", *ret) } |\n'
    '  @"rho:metta:eval"!("!(sq 1 2)")\n'
    "}\n"
)


def embedded(text: str = TEXT) -> EmbeddedFile:
    p = parse(text)
    return EmbeddedRegistry().refresh("s", "file:///t.rho", 1, p, Binder(p).run())


def test_definition_and_references_across_regions_in_parent_offsets() -> None:
    ef = embedded()
    call = TEXT.index("!(sq") + 2
    [(s, e)] = emb.definition(ef, call)
    assert TEXT[s:e] == "sq" and s == TEXT.index("(sq") + 1
    refs = emb.references(ef, call)
    assert [TEXT[s:e] for s, e in refs] == ["sq", "sq", "sq"]
    assert emb.definition(ef, TEXT.index("contract")) == []  # Rholang: not a region


def test_variable_with_escaped_quotes_maps_to_its_source() -> None:
    ef = embedded()
    off = TEXT.index("$x") + 1
    refs = emb.references(ef, off)
    assert [TEXT[s:e] for s, e in refs] == ["$x"] * 3
    h = emb.hover(ef, TEXT.index("(sq") + 2)
    assert h is not None and TEXT[h.start : h.end] == "sq"
    assert '(= (sq $x) (* $x $x "é"))' in h.markdown  # decoded MeTTa in the hover


def test_diagnostics_in_parent_offsets() -> None:
    ef = embedded()
    diags = {(d.code, TEXT[d.start : d.end]) for d in emb.diagnostics(ef)}
    assert ("metta-unbound-variable", "$b") in diags
    assert ("metta-arity", "sq") in diags  # the call in the same region
    assert len(diags) == 2  # `!(sq 1 2)` is another document: no arity check across


def test_no_syntax_diagnostic_across_a_hole() -> None:
    text = 'new b in { @"rho:metta:compile"!("(= (f $x) (g " ++ *b ++ "))") }'
    assert emb.diagnostics(embedded(text)) == []
    unclosed = 'new b in { @"rho:metta:compile"!("(= (f $x) " ++ *b ++ "(g") }'
    codes = [d.code for d in emb.diagnostics(embedded(unclosed))]
    assert codes == ["metta-unclosed-paren"]  # after the hole: nothing can close it


def test_rename_escapes_for_the_literal() -> None:
    ef = embedded()
    edits = emb.rename(ef, TEXT.index("(sq") + 1, "square")
    assert [TEXT[e.start : e.end] for e in edits] == ["sq", "sq", "sq"]
    slashed = emb.rename(ef, TEXT.index("(sq") + 1, "a\\b")
    assert {e.new_text for e in slashed} == {"a\\\\b"}  # one MeTTa backslash, escaped
    var = emb.rename(ef, TEXT.index("$x") + 1, "n")
    assert {e.new_text for e in var} == {"$n"}


def test_semantic_tokens_replace_the_literal() -> None:
    ef = embedded()
    host = [(TEXT.index('"; é'), 10, T_STRING, 0), (0, 2, 10, 0)]
    merged = emb.semantic_tokens(ef, host)
    assert (TEXT.index('"; é'), 10, T_STRING, 0) not in merged
    sq = TEXT.index("(sq") + 1
    assert (sq, 2, T_FUNCTION, 1) in merged
    assert merged == sorted(merged, key=lambda t: (t[0], t[1]))


def test_folding_and_outline() -> None:
    text = 'new mc(`rho:metta:eval`) in {\n  mc!("(= (f $x)\n  (g $x)\n)")\n}'
    ef = embedded(text)
    li = LineIndex(text)
    assert emb.folding(ef, li.line_of) == [FoldRange(1, 2)]
    p = parse(text)
    tree = emb.outline(ef, rholang_outline(Binder(p).run()))
    names = []
    stack = list(tree)
    while stack:
        s = stack.pop()
        names.append(s.name)
        stack.extend(s.children)
    assert "MeTTa" in names and "f" in names


def test_a_token_split_over_two_joined_literals_stays_inside_them() -> None:
    text = '@"rho:metta:eval"!("!(lo" ++ "ng 1)")'
    ef = embedded(text)
    assert ef.docs[0].text == "!(long 1)"
    merged = emb.semantic_tokens(ef, [])
    pieces = [text[s : s + n] for s, n, _, _ in merged]
    assert "lo" in pieces and "ng" in pieces  # `long` in two pieces, not over `" ++ "`
    assert all('"' not in p or p == '"' for p in pieces)


def test_metta_uris_are_system_channels_for_completion_and_hover() -> None:
    from rholang_lsp.features import completion
    from rholang_lsp.features.hover import hover as rholang_hover
    from rholang_lsp.workspace.documents import TextDocument
    from rholang_lsp.workspace.snapshot import Snapshot

    uri = "file:///x.rho"
    typing = "new mc(`rho:me"
    snap = Snapshot({uri: TextDocument(uri, typing, 1)})
    labels = [i.label for i in completion.complete(snap, uri, len(typing)).items]
    assert {"rho:metta:compile", "rho:metta:eval", "rho:metta:repl"} <= set(labels)
    text = 'new mc(`rho:metta:compile`) in { mc!("(f)") }'
    snap = Snapshot({uri: TextDocument(uri, text, 1)})
    h = rholang_hover(snap, uri, text.index("metta:compile"))
    assert h is not None and "compiles MeTTa" in h.markdown
