from __future__ import annotations

import pytest

from rholang_lsp.syntax import SyntaxKind as K
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.lexer import lex


def kinds(text: str, target: str = "f1r3fly") -> list[K]:
    return [t.kind for t in lex(text, target).tokens[:-1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "bundle+ bundle- bundle0 bundle",
            [K.KW_BUNDLE_WRITE, K.KW_BUNDLE_READ, K.KW_BUNDLE_NONE, K.KW_BUNDLE],
        ),
        ("bundle0x", [K.IDENT]),
        ("BigInt(5)", [K.BIGINT_OPEN, K.INT, K.RPAREN]),
        ("BigInt (5)", [K.KW_BIGINT, K.LPAREN, K.INT, K.RPAREN]),
        ("=* = == =>", [K.EQ_STAR, K.EQ, K.EQ_EQ, K.FAT_ARROW]),
        ("{| |}", [K.LBRACE_PIPE, K.PIPE_RBRACE]),
        ("(a,)", [K.LPAREN, K.IDENT, K.COMMA_RPAREN]),
        ("(a, )", [K.LPAREN, K.IDENT, K.COMMA, K.RPAREN]),
        ("1--1", [K.INT, K.MINUS_MINUS, K.INT]),
        ("x<-1", [K.IDENT, K.LARROW, K.INT]),
        (
            "<<- <= <- !! !? ?! ! ...",
            [
                K.PEEK_ARROW,
                K.LE,
                K.LARROW,
                K.BANG_BANG,
                K.BANG_QUESTION,
                K.QUESTION_BANG,
                K.BANG,
                K.ELLIPSIS,
            ],
        ),
        ("/\\ \\/ ~ %% ++", [K.CONJ, K.DISJ, K.TILDE, K.PERCENT_PERCENT, K.PLUS_PLUS]),
        ("x' st'' _a _ Nil nil", [K.IDENT, K.IDENT, K.IDENT, K.UNDERSCORE, K.KW_NIL, K.IDENT]),
        ("1i64 255u8 5n 3r 1.5f64 10p1 .25p2 1e3f32", [K.TYPED_NUMBER] * 8),
        ("42 007", [K.INT, K.INT]),
        ("1.5", [K.FLOAT]),
        ("x.length()", [K.IDENT, K.DOT, K.IDENT, K.LPAREN, K.RPAREN]),
        ('"a // not a comment" `rho:io:stdout`', [K.STRING, K.URI]),
    ],
)
def test_token_kinds(text: str, expected: list[K]) -> None:
    assert kinds(text) == expected


def test_trivia_and_doc_comments() -> None:
    text = "// plain\n/// first line\n/// second\nnew x in { Nil } /* c */ // end"
    res = parse(text)
    toks = list(res.tokens())
    new_tok = toks[0]
    assert [t.kind for t in new_tok.leading_trivia] == [
        K.LINE_COMMENT,
        K.WHITESPACE,
        K.DOC_COMMENT,
        K.WHITESPACE,
        K.DOC_COMMENT,
        K.WHITESPACE,
    ]
    assert new_tok.doc_comment() == "first line\nsecond"
    assert toks[-1].kind is K.EOF
    assert [t.kind for t in toks[-1].leading_trivia] == [
        K.WHITESPACE,
        K.BLOCK_COMMENT,
        K.WHITESPACE,
        K.LINE_COMMENT,
    ]
    trivia = new_tok.leading_trivia
    assert all(text[p.start : p.end] == p.text for p in trivia)


def test_block_doc_comment_and_blank_line_detaches() -> None:
    res = parse("/** Counter\n * object */\ncontract c(x) = { Nil }")
    assert next(res.tokens()).doc_comment() == "Counter\nobject"
    res = parse("/// detached\n\nNil")
    assert next(res.tokens()).doc_comment() is None


def test_block_comments_do_not_nest() -> None:
    res = parse("/* a /* b */ */ Nil")
    assert any(d.severity == 1 for d in res.diagnostics)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('"abc', "Unterminated string starting at 1:1"),
        ("Nil /* x", "Unterminated comment starting at 1:5"),
        ("x!(`rho:io", "Unterminated URI starting at 1:4"),
    ],
)
def test_unterminated(text: str, needle: str) -> None:
    res = parse(text)
    errors = [d for d in res.diagnostics if d.severity == 1]
    assert len(errors) == 1
    assert needle in errors[0].message


def test_escapes_by_target() -> None:
    assert not parse(r'x!("a\n\t\"\\")').diagnostics
    rn = parse(r'x!("a\r")', target="rnode").diagnostics
    fl = parse(r'x!("a\r")', target="f1r3fly").diagnostics
    assert [d.severity for d in rn] == [1] and fl == []
    bad = parse(r'x!("\u0041")').diagnostics
    assert len(bad) == 1 and "Unsupported escape sequence" in bad[0].message


def test_float_literal_message() -> None:
    d = parse("x!(1.5)").diagnostics
    assert len(d) == 1 and "Rholang has no floating-point literals" in d[0].message
    assert "1.5f64" in d[0].message
    d = parse("x!(1.5)", target="rnode").diagnostics
    assert "1.5f64" not in d[0].message


def test_typed_numbers_by_target() -> None:
    assert not parse("x!(1i64 + 5n)").diagnostics
    assert len(parse("x!(1i64)", target="rnode").diagnostics) == 1
    assert parse("x!(1i7)").diagnostics[0].code == "bad-number-width"


def test_offsets_are_code_points() -> None:
    text = 'x!("héllo 😀") | y!(1)'
    res = parse(text)
    y = [t for t in res.tokens() if t.text == "y"][0]
    assert text[y.start : y.end] == "y"


def test_trees_share_repeated_texts_and_trivia_and_hold_children_in_tuples() -> None:
    # memory of the trees held for a workspace (issue 19): one copy of a repeated literal's
    # text, one trivia tuple per whitespace run (its piece shared by trivia with comments),
    # children in tuples
    src = 'new x in {\n  x!("hit", 42) |\n  // note\n  x!("hit", 42)\n}\n'
    res = parse(src)
    toks = list(res.tokens())
    strings = [t for t in toks if t.kind is K.STRING]
    ints = [t for t in toks if t.kind is K.INT]
    assert len(strings) == len(ints) == 2
    assert strings[0].text is strings[1].text and ints[0].text is ints[1].text
    space = [t for t in toks if t._trivia and t._trivia[0] == (K.WHITESPACE, " ")]
    assert len(space) >= 2 and all(t._trivia is space[0]._trivia for t in space)
    indent = [t for t in toks if t._trivia == ((K.WHITESPACE, "\n  "),)]
    commented = next(t for t in toks if len(t._trivia) > 1)
    assert [k for k, _ in commented._trivia] == [K.WHITESPACE, K.LINE_COMMENT, K.WHITESPACE]
    assert commented._trivia[0] is indent[0]._trivia[0]
    assert all(type(n.children) is tuple for n in res.tree.walk())
    assert "".join("".join(x.text for x in t.leading_trivia) + t.text for t in toks) == src
