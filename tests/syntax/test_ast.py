"""The typed views of ``syntax/ast.py`` agree with TREE.md and with the parser's trees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rholang_lsp.syntax import Node, ast, parse
from rholang_lsp.syntax.kinds import SyntaxKind as K

from .conftest import corpus_rows, read_corpus

TREE_MD = Path(ast.__file__).with_name("TREE.md").read_text(encoding="utf-8")
# token kinds TREE.md writes as their text in backticks
_TOKEN_TEXT = {
    K.AMP: "`&`",
    K.EQ: "`=`",
    K.FAT_ARROW: "`=>`",
    K.EQ_STAR: "`=*`",
    K.STAR: "`*`",
    K.KW_IN: "`in`",
    K.AT: "`@`",
    K.LPAREN: "`(`",
    K.RPAREN: "`)`",
}


def _rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in TREE_MD.splitlines():
        m = re.match(r"\| ([A-Z_]+) \| (.*) \|$", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


@pytest.mark.parametrize("view", ast.VIEWS, ids=lambda v: v.__name__)
def test_view_reads_only_children_tree_md_documents(view: type[ast.AstNode]) -> None:
    rows = _rows()
    kinds = [view.KIND] + ([K.SYNC_SEND] if view is ast.Send else [])
    for kind in kinds:
        assert kind.name in rows, f"{kind.name} is not documented in TREE.md"
        row = rows[kind.name]
        for child in view.READS:
            assert re.search(rf"\b{child.name}\b", row) or _TOKEN_TEXT.get(child, "\0") in row, (
                f"{view.__name__} reads {child.name}, which TREE.md's {kind.name} row does not list"
            )


def test_cast_checks_the_kind() -> None:
    tree = parse("new x in { x!(1) }").tree
    new = next(n for n in tree.walk() if n.kind == K.NEW)
    assert ast.New.cast(new) is not None and ast.Contract.cast(new) is None
    assert ast.New.cast(None) is None


def test_accessors_on_every_binding_form() -> None:
    text = (
        "new out(`rho:io:stdout`), c in {\n"
        "  contract c(@a, ...@rest) = { out!(a) } |\n"
        "  for (@x <- c & @y <<- out; z <= c where x > 1) { Nil } |\n"
        "  match 1 { =x => Nil  [h ...t] where h > 0 => Nil } |\n"
        "  let a <- 1 ; b = 2 in { Nil } | let p <- 1 & q <- 2 in { Nil } |\n"
        "  c!?(1, 2). |\n"
        "  select { @v <- c => Nil }\n"
        "}"
    )
    tree = parse(text).tree

    def first(kind: K) -> Node:
        return next(n for n in tree.walk() if n.kind == kind)

    def src(n: Node | None) -> str:
        assert n is not None
        return text[n.start : n.end]

    new = ast.New(first(K.NEW))
    decls = [ast.NameDecl(d) for d in new.decls]
    assert [d.ident.text for d in decls if d.ident] == ["out", "c"]
    assert [d.uri for d in decls] == ["rho:io:stdout", None]
    assert new.kw_in is not None and len(new.body) == 1
    contract = ast.Contract(first(K.CONTRACT))
    assert src(contract.name) == "c" and src(contract.formals) == "@a, ...@rest"
    formals = ast.NamePatterns(contract.formals) if contract.formals else None
    assert formals is not None and formals.arity == (1, True)
    assert [src(b) for b in contract.body] == ["{ out!(a) }"]
    receipts = ast.For(first(K.FOR)).receipts
    r0, r1 = (ast.Receipt(r) for r in receipts)
    assert [src(b) for b in r0.binds] == ["@x <- c", "@y <<- out"]
    assert [src(g) for g in r1.guards] == ["where x > 1"]
    bind = ast.Bind(r0.binds[1])
    assert bind.arrow is not None and bind.arrow.kind == K.PEEK_ARROW
    assert src(ast.source_channel(bind.sources[0])) == "out"
    cases = [ast.Case(c) for c in ast.Match(first(K.MATCH)).cases]
    assert [src(c.pattern) for c in cases] == ["=x", "[h ...t]"]
    assert [[src(n) for n in c.rest] for c in cases][1] == ["where h > 0", "Nil"]
    var_ref = ast.VarRef(first(K.VAR_REF))
    assert var_ref.ident is not None and var_ref.ident.text == "x" and not var_ref.star
    lets = [ast.Let(n) for n in tree.walk() if n.kind == K.LET]
    assert [le.concurrent for le in lets] == [False, True]
    d0, d1 = (ast.LetDecl(d) for d in lets[0].decls)
    assert not d0.is_assign and [src(p) for p in d0.patterns] == ["a"]
    assert d1.is_assign and d1.assign_ident is not None and d1.assign_ident.text == "b"
    assert [src(v) for v in d1.assign_values] == ["2"]
    send = ast.Send.cast(first(K.SYNC_SEND))
    assert send is not None and send.is_sync and [src(a) for a in send.args] == ["1", "2"]
    branch = ast.Branch(ast.Select(first(K.SELECT)).branches[0])
    assert [src(b) for b in branch.binds] == ["@v <- c"]


def test_agent_views() -> None:
    text = "new A in { agent A { private method m(@x) { Nil } | default(...@a) { Nil } } }"
    tree = parse(text).tree
    agent = ast.Agent(next(n for n in tree.walk() if n.kind == K.AGENT))
    assert agent.name is not None and text[agent.name.start : agent.name.end] == "A"
    d0, d1 = (ast.AgentDecl(d) for d in agent.decls)
    assert d0.is_private and d0.method_name is not None and d0.method_name.text == "m"
    assert d0.decl_keyword is not None and d0.decl_keyword.kind == K.KW_METHOD
    assert (
        not d1.is_private and d1.decl_keyword is not None and d1.decl_keyword.kind == K.KW_DEFAULT
    )


_ROWS = [r for r in corpus_rows() if r.get("category", "") == "valid"][:80]


@pytest.mark.skipif(not _ROWS, reason="corpus not available")
def test_views_find_the_required_parts_in_valid_corpus_files() -> None:
    """On files without errors every always-present part is found."""
    checked = 0
    for row in _ROWS:
        res = parse(read_corpus(row["path"]))
        if res.has_errors:
            continue
        for n in res.tree.walk():
            if n.kind == K.CONTRACT:
                c = ast.Contract(n)
                assert c.name is not None and c.formals is not None and len(c.body) == 1
            elif n.kind == K.NEW:
                new = ast.New(n)
                assert new.decls and all(ast.NameDecl(d).ident for d in new.decls)
                assert len(new.body) == 1
            elif n.kind == K.BIND:
                b = ast.Bind(n)
                assert b.patterns is not None and b.arrow is not None and len(b.sources) == 1
            elif n.kind == K.CASE:
                assert ast.Case(n).pattern is not None
            elif n.kind in (K.SEND, K.SYNC_SEND):
                s = ast.Send(n)
                assert s.channel is not None and s.args_node is not None
            checked += 1
    assert checked > 100


def test_send_parts_and_first_argument_lookup() -> None:
    text = 'new api in { api!("set", 1, ) | api!?("get").  | x!!(@{y}) }'
    tree = parse(text).tree
    sends = [ast.Send.cast(n) for n in tree.walk() if n.kind in (K.SEND, K.SYNC_SEND)]
    ops = [s.op.text for s in sends if s is not None and s.op is not None]
    assert ops == ["!", "!?", "!!"]
    first = sends[0]
    assert first is not None and len(first.args) >= 2
    assert [text[a.start : a.end] for a in first.written_args] == ['"set"', "1"]
    set_tok = tree.token_at(text.index('"set"'))
    assert set_tok is not None and ast.send_of_first_arg(set_tok) is not None
    one = tree.token_at(text.index("1,"))
    assert one is not None and ast.send_of_first_arg(one) is None  # second argument
    name = sends[2].channel if sends[2] is not None else None
    assert name is not None and ast.Name(name).inner is not None
    assert ast.Name(name).inner.kind == K.VAR  # type: ignore[union-attr]


def test_source_file_process() -> None:
    assert ast.SourceFile(parse("").tree).process is None
    proc = ast.SourceFile(parse("  Nil ").tree).process
    assert proc is not None and proc.kind == K.LITERAL


def test_quote_method_call_and_args_views() -> None:
    text = 'new x in { @x!("set", [1].nth(0)) | x!(1,) | x!(2 }'
    tree = parse(text).tree
    quote = ast.Quote(next(n for n in tree.walk() if n.kind == K.QUOTE))
    assert quote.process is not None and text[quote.process.start : quote.process.end] == "x"
    call = ast.MethodCall(next(n for n in tree.walk() if n.kind == K.METHOD_CALL))
    assert call.receiver is not None and text[call.receiver.start : call.receiver.end] == "[1]"
    assert call.method is not None and call.method.text == "nth"
    assert call.args_node is not None and text[call.args_node.start : call.args_node.end] == "(0)"
    closes = [
        ast.Args(n).close for n in tree.walk() if n.kind == K.ARGS and n.parent.kind == K.SEND
    ]
    assert [c.kind if c is not None else None for c in closes] == [K.RPAREN, K.COMMA_RPAREN, None]
    assert all(ast.Args(n).open is not None for n in tree.walk() if n.kind == K.ARGS)
