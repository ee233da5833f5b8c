from __future__ import annotations

import pytest

from rholang_lsp.syntax import Node, ParseResult, parse
from rholang_lsp.syntax import SyntaxKind as K

from .conftest import roundtrip


def errors(res: ParseResult) -> list[str]:
    return [d.message for d in res.diagnostics if d.severity == 1]


def kinds_in(res: ParseResult) -> set[K]:
    return {n.kind for n in res.tree.walk()}


def find(res: ParseResult, kind: K) -> Node:
    return next(n for n in res.tree.walk() if n.kind is kind)


CONSTRUCTS = [
    ("new x, out(`rho:io:stdout`) in { out!(1) }", {K.NEW, K.NAME_DECL, K.SEND, K.ARGS}),
    (
        "contract c(@a, b, ...@rest) = { b!(a) }",
        {K.CONTRACT, K.NAME_PATTERNS, K.REMAINDER, K.QUOTE},
    ),
    ("for (x <- a & @y <- b; z <= c; w <<- d) { Nil }", {K.FOR, K.RECEIPT, K.BIND, K.SOURCE}),
    ("for (<- ch) { Nil }", {K.FOR}),
    ("for (x <- ch?!) { Nil } | for (y <- ch!?(1)) { Nil }", {K.SOURCE}),
    (
        "match x { [h ...t] => h  {a: 1, ...r} => r  _ => Nil }",
        {K.MATCH, K.CASE, K.LIST, K.MAP, K.REMAINDER},
    ),
    ("if (a and not b) { Nil } else if (c) Nil else Nil", {K.IF, K.BINARY_EXPR, K.UNARY_EXPR}),
    ("x!?(1). | y!?(2); z!(3)", {K.SYNC_SEND, K.SYNC_CONT}),
    ("bundle+ { Nil } | bundle0 { Nil }", {K.BUNDLE}),
    ("let x <- 1; y <- 2 in { Nil }", {K.LET, K.LET_DECL}),
    ("let x <- 1 & y <- 2 in { Nil }", {K.LET, K.LET_DECL}),
    (
        'x!((1,), (1, 2), [], {}, Set(1, 2), Nil, true, `u`, "s")',
        {K.TUPLE, K.LIST, K.MAP, K.SET, K.LITERAL},
    ),
    ("x!(*y, =z, =*w, a /\\ b \\/ ~c, Int)", {K.EVAL, K.VAR_REF, K.SIMPLE_TYPE}),
    ('x!(a.nth(1).slice(0, 2), "a" %% {"k": 1})', {K.METHOD_CALL, K.MAP_ENTRY}),
    ("x!(a matches [_, _])", {K.MATCHES, K.WILDCARD}),
    ('@"chan"!!(1)', {K.SEND, K.QUOTE}),
    ("x!((1 + 2) * 3)", {K.PAREN}),
]


@pytest.mark.parametrize(("text", "expected"), CONSTRUCTS)
def test_constructs_parse_clean(text: str, expected: set[K]) -> None:
    for target in ("rnode", "f1r3fly"):
        res = parse(text, target=target)
        assert errors(res) == [], (target, res.diagnostics)
        assert expected <= kinds_in(res)
        assert roundtrip(res) == text


RS_ONLY = [
    ("new x in { x!get(1). }", K.SYNC_SEND),
    ("for (x <- ch!get(1)) { Nil }", K.SOURCE),
    ("for (@x <- c where x > 0) { Nil }", K.GUARD),
    ("match x { y where y > 1 => Nil }", K.GUARD),
    ("let x = 1 in { Nil }", K.LET_DECL),
    ("x!({| 1, 2 |})", K.PATHMAP),
    ("x!(())", K.UNIT),
    (
        "new C in { agent C { constructor(x) { Nil } | method m(a) { Nil } | default(...@r) "
        "{ Nil } } }",
        K.AGENT,
    ),
    ("x!(1) y!(2)", K.PAR),
]


@pytest.mark.parametrize(("text", "kind"), RS_ONLY)
def test_rholang_rs_constructs(text: str, kind: K) -> None:
    fl = parse(text, target="f1r3fly")
    assert errors(fl) == [], fl.diagnostics
    assert kind in kinds_in(fl)
    assert errors(parse(text, target="rnode"))


def test_agent_tokens_rekinded() -> None:
    res = parse("agent A { private method m() { Nil } | default() { Nil } }")
    ks = [t.kind for t in res.tokens()]
    assert {K.KW_AGENT, K.KW_PRIVATE, K.KW_METHOD, K.KW_DEFAULT} <= set(ks)
    # outside an agent block the words are identifiers
    res = parse("new method, default in { method!(default) }")
    assert errors(res) == []


def test_rnode_only_warns_under_f1r3fly() -> None:
    for text in (
        "f!(a,)",
        "new a, in { Nil }",
        "match x { -1 => Nil }",
        "for (a <- x & b <= y) { Nil }",
        "@(1 + 2)!(1)",
    ):
        rn = parse(text, target="rnode")
        fl = parse(text, target="f1r3fly")
        assert errors(rn), text
        assert not errors(fl) and fl.diagnostics, text


def test_rc_only_constructs() -> None:
    assert not errors(parse("x!(a && b || BigInt(5))", target="rnode"))
    assert errors(parse("x!(a && b)", target="f1r3fly"))


def test_select_is_reported() -> None:
    text = "select { a <- x & b <- y => Nil }"
    assert errors(parse(text, target="rnode"))
    fl = parse(text, target="f1r3fly")
    assert not errors(fl) and fl.diagnostics and K.BRANCH in kinds_in(fl)


def test_precedence() -> None:
    res = parse("x!(1 + 2 * 3 - 4)")
    top = find(res, K.ARGS).child_nodes()[0]
    assert top.kind is K.BINARY_EXPR and top.children[1].text == "-"
    left = top.child_nodes()[0]
    assert left.children[1].text == "+" and left.child_nodes()[1].children[1].text == "*"
    res = parse("x!(not a == b)")
    top = find(res, K.ARGS).child_nodes()[0]
    assert top.children[1].text == "==" and top.child_nodes()[0].kind is K.UNARY_EXPR
    res = parse("x!(a or b and c)")
    top = find(res, K.ARGS).child_nodes()[0]
    assert top.children[1].text == "or"
    res = parse("x!(-1.abs())")
    top = find(res, K.ARGS).child_nodes()[0]
    assert top.kind is K.UNARY_EXPR and top.child_nodes()[0].kind is K.METHOD_CALL
    res = parse("x!(*y.len())")
    top = find(res, K.ARGS).child_nodes()[0]
    assert top.kind is K.METHOD_CALL and top.child_nodes()[0].kind is K.EVAL
    res = parse("x!(a matches b == c)")
    top = find(res, K.ARGS).child_nodes()[0]
    assert top.kind is K.BINARY_EXPR and top.child_nodes()[0].kind is K.MATCHES


def test_new_scope_is_level1() -> None:
    res = parse("new x in a!(1) | b!(2)")
    par = res.tree.child_nodes()[0]
    assert par.kind is K.PAR and par.child_nodes()[0].kind is K.NEW


def test_block_vs_map() -> None:
    assert find(parse("x!({})"), K.MAP)
    assert find(parse('x!({"a": 1, "b": 2})'), K.MAP)
    assert find(parse("x!({ Nil })"), K.BLOCK)


ANCHOR = 'new x in { x!("Hello") '


def test_anchor_missing_brace() -> None:
    res = parse(ANCHOR)
    errs = [d for d in res.diagnostics if d.severity == 1]
    assert len(errs) == 1
    assert 22 <= errs[0].start <= 24
    assert "Missing token: `}`" in errs[0].message
    assert "opened at 1:10" in errs[0].message
    assert parse(ANCHOR + "}").diagnostics == []


RECOVERY = [
    ("a!(1) b!(2)", "Missing `|` between parallel processes", "rnode"),
    ("{ a!(1) b!(2) }", "Missing `|` between parallel processes", "f1r3fly"),
    ("new x in { x!(1) | }", "Dangling `|`", "f1r3fly"),
    ("for (x <- c) x!(1)", "must be enclosed in `{ }`", "f1r3fly"),
    ("contract f(x) = { }", "Empty block", "f1r3fly"),
    ("match v { 1 => a, 2 => b }", "Cases are not separated", "f1r3fly"),
    ("for (x <- c; ) { Nil }", "Dangling `;`", "f1r3fly"),
    ("if (x = 1) { Nil }", "Did you mean `==`?", "f1r3fly"),
    ("bundle + { Nil }", "Write `bundle+` without a space", "f1r3fly"),
    ("f(x)", "Contracts are invoked by sending", "f1r3fly"),
    ("x!(y.length)", "Method calls need parentheses", "f1r3fly"),
    ("for (x <! c) { Nil }", "Peek is written `<<-`", "f1r3fly"),
    ("$$name$$!(1)", "template placeholder", "f1r3fly"),
    ("ch!(@x)", "Arguments are processes", "f1r3fly"),
    ('"chan"!(1)', "Only names can be channels", "f1r3fly"),
    ("import X in { Nil }", "`import`/`export` are not Rholang", "f1r3fly"),
    ("new x in { x!(1) ) }", "no matching opening bracket", "f1r3fly"),
    ("new a b in { Nil }", "Missing token: `,`", "f1r3fly"),
]


@pytest.mark.parametrize(("text", "needle", "target"), RECOVERY)
def test_recovery_one_diagnostic(text: str, needle: str, target: str) -> None:
    res = parse(text, target=target)
    errs = errors(res)
    assert len(errs) == 1, res.diagnostics
    assert needle in errs[0]
    assert roundtrip(res) == text


def test_recovery_keeps_rest_parsed() -> None:
    res = parse("new x in { x!(1 +) | for (y <- x) { y!(2) } }")
    assert len(errors(res)) == 1
    assert K.FOR in kinds_in(res) and K.ERROR in kinds_in(res)


def test_keyword_as_name() -> None:
    assert "keyword" in errors(parse("contract match(x) = { Nil }"))[0]
    assert "keyword" in errors(parse("new Set in { Nil }", target="rnode"))[0]
    assert not errors(parse("new Set in { Nil }", target="f1r3fly"))


def test_empty_program() -> None:
    assert errors(parse("", target="rnode"))
    assert parse("  // nothing\n", target="f1r3fly").diagnostics == []


DEEP_OPENERS = ["{", "(", "[", "@", "- ", "*@", "~", "not ", "new x in ", "{|", "x!(", "if (a) "]


@pytest.mark.parametrize("opener", DEEP_OPENERS)
def test_deep_nesting_no_recursion_error(opener: str) -> None:
    text = opener * 100_000
    res = parse(text)
    assert any("Nesting too deep" in d.message for d in res.diagnostics)
    assert sum("Nesting too deep" in d.message for d in res.diagnostics) == 1
    assert roundtrip(res) == text
    assert sum(1 for _ in res.tree.walk()) > 0


def test_deep_nesting_fits_a_small_thread_stack() -> None:
    """The compiled parser (mypyc, ``rholang_lsp.compiled``) recurses on the C stack, not the
    interpreter's frames: at the nesting bound it needs about 200 KiB of it (measured), so a
    thread with 1 MiB (the server's workers have 64) parses the deepest input. A segfault
    here, in the run against the compiled build, means ``MAX_DEPTH`` grew past what threads
    can hold."""
    import threading

    failures: list[BaseException] = []

    def run() -> None:
        try:
            for opener in DEEP_OPENERS:
                res = parse(opener * 100_000)
                assert sum("Nesting too deep" in d.message for d in res.diagnostics) == 1
            res = parse("x!(" + "1 + (" * 100_000 + "1" + ")" * 100_000 + ")")
            assert roundtrip(res).startswith("x!(1 + (")
        except BaseException as e:  # noqa: BLE001 - reported by the test's thread
            failures.append(e)

    old = threading.stack_size(1 << 20)
    try:
        thread = threading.Thread(target=run)
        thread.start()
    finally:
        threading.stack_size(old)
    thread.join()
    assert not failures, failures


def test_deep_balanced_nesting() -> None:
    text = "{" * 50_000 + "Nil" + "}" * 50_000
    res = parse(text)
    assert roundtrip(res) == text
    assert len(errors(res)) == 1


def test_binary_garbage() -> None:
    text = bytes(range(256)).decode("latin-1") * 20 + "\x00\x00{(["
    res = parse(text)
    assert roundtrip(res) == text
    assert errors(res)


def test_large_input() -> None:
    # ~10 MB: a big comment and a big string plus some code; must not hang
    text = "/* " + "x" * 5_000_000 + ' */ new a in { a!("' + "y" * 5_000_000 + '") }'
    res = parse(text)
    assert res.diagnostics == []
    unit = 'new a in { a!(1, "s") | for (x <- a) { Nil } } |\n'
    text = unit * 20_000 + "Nil"  # ~1 MB of dense code
    res = parse(text)
    assert res.diagnostics == []


def test_node_helpers() -> None:
    text = "new x in {\n  x!(1) | for (@y <- x) { Nil }\n}"
    res = parse(text)
    root = res.tree
    tok = root.token_at(text.index("for") + 1)
    assert tok is not None and tok.kind is K.KW_FOR
    node = root.node_at(text.index("@y") + 1)
    assert node.kind is K.VAR
    assert [a.kind for a in node.ancestors()][:3] == [K.QUOTE, K.NAME, K.NAME_PATTERNS]
    el = root.covering_element(text.index("x!("), text.index("x!(") + 5)
    assert isinstance(el, Node) and el.kind is K.SEND
    assert el.text == "x!(1)"
    new = root.first_child(K.NEW)
    assert isinstance(new, Node) and len(new.children_of(K.NAME_DECL)) == 1
    for n in root.walk():
        for c in n.children:
            assert c.parent is n
            assert n.start <= c.start and c.end <= n.end


def test_binary_operators_match_the_parser() -> None:
    from rholang_lsp.syntax.kinds import BINARY_OPERATORS
    from rholang_lsp.syntax.parser import BINOP_BP

    assert frozenset(BINOP_BP) | {K.CONJ, K.DISJ} == BINARY_OPERATORS


@pytest.mark.parametrize(
    "text",
    [
        "contract logAll(ret ...@rest) = { ret!(*rest) }",
        "for (@first ...@others <- events) { Nil }",
        "for (@a, @b ...@_ <- events) { Nil }",
        "for (@first, ...@others <- events) { Nil }",
    ],
)
def test_name_remainder_follows_the_last_name_with_or_without_comma(text: str) -> None:
    # grammar: `"(" [Name] NameRemainder ")"`: the remainder follows the last name directly
    for target in ("rnode", "f1r3fly"):
        res = parse(text, target=target)
        assert errors(res) == [], (target, res.diagnostics)
        pats = find(res, K.NAME_PATTERNS)
        kinds = [c.kind for c in pats.children if isinstance(c, Node)]
        assert kinds[-1] is K.REMAINDER and K.NAME in kinds
        assert roundtrip(res) == text


def test_shared_bracket_sets_match_the_parser_pairing() -> None:
    from rholang_lsp.syntax import kinds, parser

    assert frozenset(parser._OPEN_CLASS) == kinds.OPENERS
    assert frozenset(parser._CLOSE_CLASS) == kinds.CLOSERS


def test_recursion_limit_is_raised_while_parses_run_and_restored_after_the_last() -> None:
    """Parses run on several threads: the limit is raised for the parses in flight and
    restored only when the last one ends (a per-parse restore could cut another thread's
    stack; a limit left raised would weaken the protocol's guard against deep JSON)."""
    import sys
    import threading

    from rholang_lsp.syntax import parse
    from rholang_lsp.syntax.parser import recursion_headroom

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        deep = "[" * 130 + "]" * 130  # within MAX_DEPTH, beyond the default limit of 1000
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def work() -> None:
            try:
                start.wait()
                for _ in range(5):
                    res = parse("new x in { x!(" + deep + ") }")
                    assert not [d for d in res.diagnostics if d.code == "nesting-too-deep"]
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        with recursion_headroom():  # an outer parse in flight: nested use keeps the limit
            raised = sys.getrecursionlimit()
            threads = [threading.Thread(target=work) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sys.getrecursionlimit() == raised > 1000
        assert errors == []
        assert sys.getrecursionlimit() == 1000  # restored after the last one
    finally:
        sys.setrecursionlimit(old)


def test_gc_pause_is_counted_and_settle_waits_for_its_end() -> None:
    """``gc_paused`` blocks nest (the GC is on again after the last one, only if it was on
    before the first); ``settle_young`` asked inside a pause collects the young generations
    when the last one ends, and only when many objects were made."""
    import gc

    from rholang_lsp.syntax.parser import SETTLE_AFTER, gc_paused, settle_young

    was = gc.isenabled()
    gc.enable()
    try:
        gc.collect()
        with gc_paused():
            with gc_paused():
                assert not gc.isenabled()
                keep = [[i] for i in range(SETTLE_AFTER + 1000)]
                settle_young()
                assert gc.get_count()[0] > SETTLE_AFTER  # not while paused
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_count()[0] < 1000  # collected once, at the end of the last pause
        settle_young()  # few new objects: nothing to do
        gc.disable()
        with gc_paused():
            pass
        assert not gc.isenabled()  # left off when it was off
        del keep
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()
