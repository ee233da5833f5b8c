"""Binder: scopes, symbols, references, contracts and the facts the checks judge."""

from __future__ import annotations

import re

import pytest

from rholang_lsp.semantics.binder import bind
from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.semantics.model import Role, SemanticModel, Sort, SymbolKind
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity

MARK = re.compile(r"«([A-Za-z0-9_]+):([^»]*)»")


def mark(marked: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """`«label:text»` markers -> plain text and label -> (start, end) offsets."""
    out = ""
    labels: dict[str, tuple[int, int]] = {}
    pos = 0
    for m in MARK.finditer(marked):
        out += marked[pos : m.start()]
        labels[m.group(1)] = (len(out), len(out) + len(m.group(2)))
        out += m.group(2)
        pos = m.end()
    return out + marked[pos:], labels


def model_of(text: str, target: str = "f1r3fly") -> SemanticModel:
    return bind(parse(text, target=target), target=target)


def diags(text: str, target: str = "f1r3fly") -> list[Diagnostic]:
    return semantic_diagnostics(parse(text, target=target), uri="file:///t.rho", target=target)


def codes(text: str) -> list[str]:
    return [d.code for d in diags(text) if d.severity <= Severity.WARNING]


def resolves(text: str, use: str, binder: str | None) -> None:
    """Assert that the occurrence labelled ``use`` resolves to the binder labelled ``binder``."""
    plain, labels = mark(text)
    m = model_of(plain)
    s, e = labels[use]
    ref = m.reference_at(s)
    assert ref is not None and (ref.start, ref.end) == (s, e), f"no reference at {use}"
    if binder is None:
        assert ref.symbol is None, f"{use} should be unbound"
        return
    assert ref.symbol is not None, f"{use} is unbound"
    sym = m.symbol(ref.symbol)
    assert (sym.start, sym.end) == labels[binder], f"{use} resolved to {sym}"


# ---------------------------------------------------------------------- scoping


def test_new_scope_and_uses() -> None:
    resolves("new «x0:x» in { «x1:x»!(1) }", "x1", "x0")


def test_shadowing_inner_wins_and_is_recorded() -> None:
    text = "new «a:x» in { «a1:x»!() | new «b:x» in { «b1:x»!() } }"
    resolves(text, "a1", "a")
    resolves(text, "b1", "b")
    plain, labels = mark(text)
    m = model_of(plain)
    (f,) = m.facts.shadowing
    assert (m.symbols[f.symbol].start, m.symbols[f.outer].start) == (labels["b"][0], labels["a"][0])


def test_contract_formals_and_name_use() -> None:
    text = "new «c:foo», out in { contract «cu:foo»(@«x:x», «r:ret») = { «r1:ret»!(«x1:x») } | out!(1) }"
    resolves(text, "cu", "c")
    resolves(text, "x1", "x")
    resolves(text, "r1", "r")
    plain, _ = mark(text)
    m = model_of(plain)
    (c,) = m.contracts
    assert c.symbol is not None and c.arity == 2 and c.signature == "contract foo(@x, ret)"
    kinds = {s.name: (s.kind, s.sort) for s in m.symbols}
    assert kinds["x"] == (SymbolKind.CONTRACT_FORMAL, Sort.PROC)
    assert kinds["ret"] == (SymbolKind.CONTRACT_FORMAL, Sort.NAME)


def test_sequential_receipts_nest_left_to_right() -> None:
    text = "new a, b in { for (@«x:x» <- a; @y <- @[«x1:x», *b]) { «x2:x»!(1) } }"
    resolves(text, "x1", "x")


def test_join_sources_evaluated_before_receipt() -> None:
    # `x` bound by the first bind is not visible in the source of its join sibling
    text = "new a in { for (@«x:x» <- a & @y <- @«xs:x») { Nil } }"
    resolves(text, "xs", None)


def test_match_case_binders_are_local_to_the_case() -> None:
    text = (
        "new out in { match [1, 2] { [«h:h» ...«t:t»] => out!(«h1:h», «t1:t») _ => out!(«h2:h») } }"
    )
    resolves(text, "h1", "h")
    resolves(text, "t1", "t")
    resolves(text, "h2", None)
    plain, labels = mark(text)
    m = model_of(plain)
    t = next(s for s in m.symbols if s.name == "t")
    assert t.kind == SymbolKind.REMAINDER and t.sort == Sort.PROC


def test_var_ref_resolves_to_nearest_binding_and_checks_sort() -> None:
    text = "new out in { for (@«v:v» <- out) { match 1 { =«r:v» => Nil } } }"
    resolves(text, "r", "v")
    assert codes(mark(text)[0]) == []
    # `=*x` must refer to a name; the nearest `x` is a process variable: sort error
    bad = "new x, c in { for (@x <- c) { match 1 { =*x => Nil } } }"
    assert "process-in-name-position" in codes(bad)


def test_name_pattern_in_quote_process_sorts() -> None:
    # inside @{...} in a name pattern: channel position binds a name, the rest processes
    text = "new c in { for (@{«ch:ch»!(«v:v»)} <- c) { «ch1:ch»!(«v1:v») } }"
    resolves(text, "ch1", "ch")
    resolves(text, "v1", "v")
    m = model_of(mark(text)[0])
    sorts = {s.name: s.sort for s in m.symbols}
    assert sorts["ch"] == Sort.NAME and sorts["v"] == Sort.PROC
    assert codes(mark(text)[0]) == []


def test_nested_binding_forms_inside_patterns_are_local() -> None:
    text = "new c, d in { match *d { {for (z <- «c1:c») { Nil }} => «z1:z»!(1) } | c!(1) }"
    # `c` in the pattern is a fresh binder of the case (a name), `z` is not visible in the body
    resolves(text, "z1", None)


def test_let_sequential_and_concurrent() -> None:
    seq = "new out in { let @«a:a» <- 1 ; @«b:b» <- «a1:a» in { out!(«a2:a», «b1:b») } }"
    resolves(seq, "a1", "a")
    resolves(seq, "a2", "a")
    resolves(seq, "b1", "b")
    conc = "new out in { let @a <- 1 & @b <- «a1:a» in { out!(b) } }"
    resolves(conc, "a1", None)
    assert "duplicate-binder" in codes("new out in { let @a <- 1 & @a <- 2 in { out!(a) } }")


def test_let_assign_binds_a_process_variable() -> None:
    text = "new out in { let «z:z» = 42 in { out!(«z1:z») } }"
    resolves(text, "z1", "z")
    m = model_of(mark(text)[0])
    z = next(s for s in m.symbols if s.name == "z")
    assert z.kind == SymbolKind.LET and z.sort == Sort.PROC


def test_select_branch_scopes() -> None:
    text = "new a, b, out in { select { @«x:x» <- a => out!(«x1:x») @y <- b => out!(«x2:x») } }"
    resolves(text, "x1", "x")
    resolves(text, "x2", None)
    # the target-dependent "select is not compiled" diagnostic comes from the parser
    assert any(d.code == "select" for d in parse(mark(text)[0]).diagnostics)


def test_remainder_in_name_list() -> None:
    text = "new c in { contract c(@a, ...@«r:rest») = { c!(«r1:rest») } }"
    resolves(text, "r1", "r")


def test_peek_and_repeated_binds() -> None:
    text = (
        "new c, out in { for (@«x:x» <<- c) { out!(«x1:x») } | for (@«y:y» <= c) { out!(«y1:y») } }"
    )
    resolves(text, "x1", "x")
    resolves(text, "y1", "y")


def test_agent_block_binds_this_and_return() -> None:
    text = (
        "new Foo, st in { agent Foo { constructor(@x) { @[*private, *st]!(x) } | "
        "method get() { for (@s <<- @[*private, *st]) { return!(s) } } | default(...@args) { Nil } } }"
    )
    assert codes(text) == []


# ---------------------------------------------------------------------- model
# (the diagnostics of each check are tested in tests/semantics/checks/)


def test_doc_comments_attach_to_contracts_and_new() -> None:
    text = (
        "/// Adds numbers.\n/// @param a first\n/// @param b second\n/// @return the sum\n"
        "new add in {\n  /// Adds two numbers\n  /// @param a the first\n  contract add(@a, @b) = { Nil }\n}"
    )
    m = model_of(text)
    (c,) = m.contracts
    assert c.doc is not None and c.doc.summary == "Adds two numbers"
    assert c.doc.params == (("a", "the first"),)
    new_sym = next(s for s in m.symbols if s.name == "add")
    assert new_sym.doc is not None and new_sym.doc.returns == "the sum"


def test_non_ascii_lines_keep_code_point_offsets() -> None:
    text, labels = mark('new «x0:x» in {\n  // 한국어 😀 comment\n  «x1:x»!("é😀") | «x2:x»!(1)\n}')
    m = model_of(text)
    for lab in ("x1", "x2"):
        ref = m.reference_at(labels[lab][0])
        assert ref is not None and (ref.start, ref.end) == labels[lab]
        assert text[ref.start : ref.end] == "x"


def test_syntax_errors_keep_answers_for_parsed_parts() -> None:
    text, labels = mark("new «x0:x» in {\n  «x1:x»!(42\n}")
    pr = parse(text)
    assert pr.has_errors
    m = bind(pr)
    ref = m.reference_at(labels["x1"][0])
    assert ref is not None and ref.symbol is not None
    assert m.symbol(ref.symbol).start == labels["x0"][0]
    # warnings and hints are suppressed while the file has syntax errors
    assert all(d.severity == Severity.ERROR for d in m.diagnostics)


def test_deep_nesting_does_not_recurse() -> None:
    depth = 120  # within the parser's nesting limit
    text = "new x in { " + "for (y <- x) { " * depth + "x!(1)" + " }" * depth + " }"
    m = model_of(text)
    assert len(m.symbols) == depth + 1
    assert not [d for d in m.diagnostics if d.severity == Severity.ERROR]


def test_binder_roles() -> None:
    m = model_of("new x in { x!(1) }")
    roles = [(r.start, r.role) for r in m.references]
    assert roles == [(4, Role.WRITE), (11, Role.READ)]


@pytest.mark.parametrize("target", ["rnode", "f1r3fly"])
def test_anchor_d9_programs_are_clean(target: str) -> None:
    programs = [
        "new myContract in { contract myContract(input, output) = { output!(*input) } }",
        "new outer in { outer!(42) | new inner in { inner!(100) | outer!(200) } }",
        "new ch in { for (x <- ch) { x!(42) } }",
        "new stdout(`rho:io:stdout`), helloWorld in {\n contract helloWorld(input) = {\n"
        '  for (msg <- input) { stdout!(*msg) }\n } |\n new ch in { helloWorld!(*ch) | ch!("Hi") }\n}',
    ]
    for p in programs:
        assert [d for d in diags(p, target) if d.severity <= Severity.WARNING] == [], p


# ---------------------------------------------------------------------- where guards (4.3)
def test_receipt_guard_sees_own_and_earlier_receipts_only() -> None:
    # own receipt (all `&` binds) and earlier receipts: bound
    resolves(
        "new c, d in { for (@«x:x» <- c & @«w:w» <- d where «xu:x» == «wu:w»; @y <- d"
        " where «xu2:x» < y) { Nil } }",
        "wu",
        "w",
    )
    resolves("new c, d in { for (@«x:x» <- c; @y <- d where «xu:x» < y) { Nil } }", "xu", "x")
    # a later receipt's binder is not visible in an earlier guard
    text = "new c, d in { for (@x <- c where y == 1; @y <- d) { d!(x, y) } }"
    found = [d for d in diags(text) if d.code == "unbound-variable"]
    assert [(text[d.start : d.end], d.start) for d in found] == [("y", text.index("y =="))]
    resolves(
        "new c, d in { for (@x <- c where «yu:y» == 1; @«y:y» <- d) { d!(x, «yb:y») } }",
        "yb",
        "y",
    )
    # ... and resolves to an outer binding of that spelling instead
    resolves(
        "new c, d in { match 1 { «o:y» => for (@x <- c where «yu:y» == 1; @y <- d) { Nil } } }",
        "yu",
        "o",
    )


def test_guard_completion_scope_includes_own_receipt() -> None:
    from tests.semantics.scope_oracle import names_in_scope

    from rholang_lsp.semantics.scope_at import names_in_scope_at, token_before

    text = "new c, d in { for (@x <- c & @w <- d where x == 1; @y <- d where y) { Nil } }"
    r = parse(text)
    m = bind(r)
    for marker, want in (("x == 1", {"x", "w"}), ("y) {", {"x", "w", "y"})):
        off = text.index(marker) + 1
        anchor = token_before(r.tree, off)
        got = {v.name for v in names_in_scope_at(r, off, anchor=anchor)}
        assert want <= got and got == {s.name for s in names_in_scope(m, anchor, off)}
    off = text.index("x == 1") + 1
    assert "y" not in {v.name for v in names_in_scope_at(r, off)}


def _binder_of(m: SemanticModel, start: int) -> int | None:
    ref = next(r for r in m.references if r.start == start and r.role == Role.READ)
    return ref.symbol


def test_new_binds_plain_names_first_then_uri_names_and_the_last_wins() -> None:
    # PNewNormalizer sorts plain names first, then URIs; the later binding of a name wins
    text, labels = mark("new «u:out»(`rho:io:stdout`), «p:out» in { «use:out»!(1) }")
    for target in ("rnode", "f1r3fly"):
        m = model_of(text, target)
        sid = _binder_of(m, labels["use"][0])
        assert sid is not None and (m.symbols[sid].start, m.symbols[sid].end) == labels["u"]
        assert m.symbols[sid].uri == "rho:io:stdout"
    # two URIs: sorted by URI (`rho:io:stderr` < `rho:io:stdout`): stdout wins
    text, labels = mark("new «a:o»(`rho:io:stdout`), «b:o»(`rho:io:stderr`) in { «use:o»!(1) }")
    m = model_of(text, "rnode")
    sid = _binder_of(m, labels["use"][0])
    assert sid is not None and m.symbols[sid].uri == "rho:io:stdout"
    # plain names: the later one in the source
    text, labels = mark("new «a:x», y, «b:x» in { «use:x»!(1) | y!(1) }")
    m = model_of(text, "rnode")
    sid = _binder_of(m, labels["use"][0])
    assert sid is not None and (m.symbols[sid].start, m.symbols[sid].end) == labels["b"]


def test_disjunction_binders_are_discarded() -> None:
    text, labels = mark("new out in { match [1] { [key] \\/ [key, _] => out!(«use:key») } }")
    m = model_of(text)
    assert _binder_of(m, labels["use"][0]) is None


def test_remainder_without_comma_binds_the_rest() -> None:
    for text in (
        "new logAll in { contract logAll(ret ...@rest) = { ret!(rest) } }",
        "new events, out in { for (@first ...@others <- events) { out!(first, others) } }",
    ):
        for target in ("rnode", "f1r3fly"):
            assert diags(text, target) == [], (text, target)


def test_list_remainder_outside_a_pattern_refers_to_nothing() -> None:
    text, labels = mark("new c in { for (@x <- c) { c!([1 ...«use:x»]) } }")
    m = model_of(text)
    assert _binder_of(m, labels["use"][0]) is None
