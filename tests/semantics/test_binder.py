"""Binder: scopes, symbols, references and file-local semantic diagnostics."""

from __future__ import annotations

import re

import pytest

from rholang_lsp.semantics.binder import bind
from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.semantics.model import Role, SemanticModel, Sort, SymbolKind
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity, Tag

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


def test_new_extends_only_over_next_process() -> None:
    text, labels = mark("new x in { x!(1) } | «y:x»!(2)")
    ds = diags(text)
    errs = [d for d in ds if d.severity == Severity.ERROR]
    assert [(d.start, d.end) for d in errs] == [labels["y"]]
    assert "not in scope" in errs[0].message and "`{ }`" in errs[0].message


def test_shadowing_inner_wins_and_is_hinted() -> None:
    text = "new «a:x» in { «a1:x»!() | new «b:x» in { «b1:x»!() } }"
    resolves(text, "a1", "a")
    resolves(text, "b1", "b")
    plain, labels = mark(text)
    hints = [d for d in diags(plain) if d.code == "shadowing"]
    assert [(d.start, d.end) for d in hints] == [labels["b"]]
    assert hints[0].severity == Severity.HINT


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


def test_join_same_channel_twice_is_an_error() -> None:
    text, labels = mark("new x in { for (a <- x & b <- «x2:x») { Nil } }")
    ds = [d for d in diags(text) if d.code == "join-same-channel"]
    assert [(d.start, d.end) for d in ds] == [labels["x2"]]


def test_duplicate_binder_across_join_and_formals() -> None:
    assert "duplicate-binder" in codes("new x, y in { for (@a <- x & @a <- y) { Nil } }")
    assert "duplicate-binder" in codes("new c in { contract c(@a, @a) = { Nil } }")
    assert "duplicate-binder" in codes("new c, c in { c!(1) }")


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


def test_match_pattern_identifier_shadows_with_hint() -> None:
    text, labels = mark("new out in { for (@x <- out) { match 1 { «p:x» => out!(x) } } }")
    hints = [d for d in diags(text) if d.code == "shadowing"]
    assert [(d.start, d.end) for d in hints] == [labels["p"]]
    assert "`=x`" in hints[0].message


def test_var_ref_resolves_to_nearest_binding_and_checks_sort() -> None:
    text = "new out in { for (@«v:v» <- out) { match 1 { =«r:v» => Nil } } }"
    resolves(text, "r", "v")
    assert codes(mark(text)[0]) == []
    # `=*x` must refer to a name; the nearest `x` is a process variable: sort error
    bad = "new x, c in { for (@x <- c) { match 1 { =*x => Nil } } }"
    assert "process-in-name-position" in codes(bad)


def test_var_ref_unbound() -> None:
    assert "unbound-variable" in codes("new c in { for (@{=y} <- c) { Nil } }")


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


# ---------------------------------------------------------------------- diagnostics


def test_unbound_every_occurrence_and_nil_hint() -> None:
    text, labels = mark("new x in { «a:y»!(1) | «b:y»!(2) | x!(«n:nil») }")
    errs = [d for d in diags(text) if d.severity == Severity.ERROR]
    assert sorted((d.start, d.end) for d in errs) == sorted([labels["a"], labels["b"], labels["n"]])
    nil = next(d for d in errs if (d.start, d.end) == labels["n"])
    assert "`Nil`" in nil.message
    assert all(d.source == "rholang-semantic" for d in errs)


def test_top_level_free_variable() -> None:
    (d,) = diags("x!(42)")
    assert d.code == "top-level-free-variable" and d.severity == Severity.ERROR
    assert "free variable" in d.message.lower()
    assert diags("new x in { x!(42) }") == []


def test_sort_mismatch_messages() -> None:
    text, labels = mark("new out in { for (msg <- out) { out!(«m:msg») } }")
    (d,) = [d for d in diags(text) if d.severity == Severity.ERROR]
    assert d.code == "name-in-process-position" and (d.start, d.end) == labels["m"]
    assert "`*msg`" in d.message
    text, labels = mark("new out in { for (@p <- out) { «p1:p»!(1) } }")
    (d,) = [d for d in diags(text) if d.severity == Severity.ERROR]
    assert d.code == "process-in-name-position" and (d.start, d.end) == labels["p1"]
    assert "`@p`" in d.message


def test_unused_new_name_warning() -> None:
    text, labels = mark("new «u:unused», used in { used!(1) }")
    (d,) = diags(text)
    assert d.code == "unused-name" and d.severity == Severity.WARNING
    assert d.tags == (Tag.UNNECESSARY,) and (d.start, d.end) == labels["u"]


def test_wildcard_and_connectives_outside_patterns() -> None:
    assert "wildcard-outside-pattern" in codes("new x in { x!(_) }")
    assert "connective-outside-pattern" in codes("new x in { x!(1 /\\ 2) }")
    assert codes("new x in { for (@{Int /\\ y} <- x) { x!(y) } }") == []


def test_disjunction_in_receive_pattern() -> None:
    cs = codes('new c in { for (@{"a" \\/ "b"} <- c) { Nil } }')
    assert cs == ["receive-pattern-connective"]
    assert codes("new out in { match 1 { 1 \\/ 2 => out!(1) } }") == []


def test_unknown_and_known_system_uris() -> None:
    text, labels = mark("new out(`rho:io:stdout`), bad(«u:`rho:io:nope`») in { out!(1) | bad!(2) }")
    (d,) = diags(text)
    assert d.code == "unknown-system-uri" and d.severity == Severity.WARNING
    assert (d.start, d.end) == labels["u"]
    assert diags("new r(`rho:id:abc`) in { r!(1) }") == []


def test_send_arity_to_known_contract() -> None:
    text, labels = mark("new f in { contract f(@a, @b) = { Nil } | «s:f»!(1) | f!(1, 2) }")
    (d,) = diags(text)
    assert d.code == "arity-mismatch" and d.severity == Severity.WARNING
    assert (d.start, d.end) == labels["s"]
    # a remainder accepts any longer message
    assert diags("new f in { contract f(@a, ...@r) = { Nil } | f!(1, 2, 3) }") == []


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


# ---------------------------------------------------------------------- bundles in patterns (4.5)
def _errs(text: str, code: str, target: str = "f1r3fly") -> list[str]:
    plain = text
    return [plain[d.start : d.end] for d in diags(plain, target) if d.code == code]


def test_bundle_in_pattern_with_free_variables_or_wildcards_is_an_error() -> None:
    text = (
        "new c in { for (@x <- c) { match x {"
        " {bundle+ { y | _ }} => Nil"
        " {bundle{[*d, =x, ...rest]}} => Nil"
        " {bundle0 { for (z <- e) { z!(1) } }} => Nil"
        " } } }"
    )
    found = [d for d in diags(text) if d.code == "bundle-free-variable"]
    assert [text[d.start : d.end] for d in found] == ["y", "_", "d", "rest", "e"]
    assert all(d.severity == Severity.ERROR for d in found)
    assert found[0].message.startswith("Bundle's content must not have free variables or wildcards")
    assert found[0].related and text[found[0].related[0].start : found[0].related[0].end] == (
        "bundle+"
    )
    # `=x` and the binders of a form nested in the bundle (`z`) are not free
    assert "bundle-in-pattern" not in codes(text)  # the error is enough


def test_bundle_in_receive_pattern_and_remainder_wildcard() -> None:
    text = "new c in { for (@{bundle+ {[1 ..._]}} <- c) { Nil } }"
    assert _errs(text, "bundle-free-variable") == ["_"]


def test_ground_bundle_in_pattern_is_a_dialect_warning() -> None:
    text = 'new c in { for (@x <- c) { match x { {bundle0{"a"}} => Nil  _ => Nil } } }'
    found = [d for d in diags(text) if d.code == "bundle-in-pattern"]
    assert [(text[d.start : d.end], d.severity) for d in found] == [("bundle0", Severity.WARNING)]
    assert "BundleInsidePattern" in found[0].message
    assert _errs(text, "bundle-in-pattern", target="rnode") == []  # the nodes accept it
    assert _errs(text, "bundle-free-variable") == []


def test_bundle_outside_patterns_is_unaffected() -> None:
    text = "new c, r in { for (x <- c) { r!(bundle+{*x}) } }"
    assert [c for c in codes(text) if c.startswith("bundle")] == []


# ---------------------------------------------------------------------- agent blocks (2.7)
_AGENT_OK = (
    "new A in { agent A { constructor(@i) { this!(i) } | method get() { return!(1) }"
    " | private method p() { Nil } | private default(...@a) { Nil }"
    " | default(...@args) { Nil } } }"
)


def _agent_codes(text: str) -> list[tuple[str, str]]:
    return [(d.code, text[d.start : d.end]) for d in diags(text) if d.code.startswith("agent-")]


def test_valid_agent_has_no_agent_errors() -> None:
    assert _agent_codes(_AGENT_OK) == []


def test_agent_missing_constructor_and_default() -> None:
    assert _agent_codes("new A in { agent A { default(...@a) { Nil } } }") == [
        ("agent-missing-constructor", "A")
    ]
    assert _agent_codes("new A in { agent A { constructor() { Nil } } }") == [
        ("agent-missing-default", "A")
    ]
    # a private default does not count as the public one
    text = "new A in { agent A { constructor() { Nil } | private default(x) { Nil } } }"
    assert _agent_codes(text) == [("agent-missing-default", "A")]


def test_agent_private_method_needs_private_default() -> None:
    text = (
        "new A in { agent A { constructor() { Nil } | private method m() { Nil }"
        " | default(...@a) { Nil } } }"
    )
    found = [d for d in diags(text) if d.code == "agent-missing-private-default"]
    assert len(found) == 1 and text[found[0].start : found[0].end] == "A"
    assert found[0].severity == Severity.ERROR
    assert [text[r.start : r.end] for r in found[0].related] == ["m"]


def test_agent_duplicate_declarations() -> None:
    text = (
        "new A in { agent A { constructor() { Nil } | constructor(x) { Nil }"
        " | method m() { Nil } | method m(y) { Nil } | private method m() { Nil }"
        " | private default(z) { Nil } | private default(w) { Nil }"
        " | default(...@a) { Nil } | default(...@b) { Nil } } }"
    )
    dups = [text[d.start : d.end] for d in diags(text) if d.code == "agent-duplicate-declaration"]
    # a public and a private method may share a name (two dispatchers)
    assert dups == ["constructor", "method m", "private default", "default"]


def test_agent_private_constructor_is_an_error() -> None:
    text = "new A in { agent A { private constructor() { Nil } | default(x) { Nil } } }"
    assert _agent_codes(text) == [("agent-private-constructor", "private")]


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
    from rholang_lsp.features.completion import names_in_scope
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
