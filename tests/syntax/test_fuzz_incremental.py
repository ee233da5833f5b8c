"""Hypothesis: garbage never crashes and is lossless; incremental == full parse."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.syntax import parse, reparse
from rholang_lsp.syntax.tree import Node

from .conftest import CORPUS, roundtrip, signature

FRAGMENTS = [
    "new",
    "in",
    "for",
    "contract",
    "match",
    "select",
    "if",
    "else",
    "let",
    "bundle+",
    "x",
    "y",
    "@",
    "*",
    "=",
    "=*",
    "!",
    "!!",
    "!?",
    "?!",
    "<-",
    "<=",
    "<<-",
    "=>",
    "|",
    "&",
    ";",
    ",",
    ",)",
    ".",
    "...",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "{|",
    "|}",
    "Set",
    "Nil",
    "1",
    "1.5",
    "1i64",
    '"s"',
    '"\\q"',
    "`rho:io:stdout`",
    "_",
    "+",
    "-",
    "--",
    "not",
    "and",
    "or",
    "matches",
    "where",
    "agent",
    "method",
    "//c\n",
    "/* c */",
    "/** d */",
    "///d\n",
    " ",
    "\n",
    "'",
    "$",
    "\x00",
    '"',
    "`",
    "/*",
    "é",
]

token_soup = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
any_text = st.text(max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(token_soup, any_text), st.sampled_from(["rnode", "f1r3fly"]))
def test_garbage_never_crashes_and_round_trips(text: str, target: str) -> None:
    res = parse(text, target=target)
    assert roundtrip(res) == text
    for d in res.diagnostics:
        assert 0 <= d.start <= d.end <= len(text)
    for n in res.tree.walk():
        for c in n.children:
            assert c.parent is n


def _snippets() -> list[str]:
    files = sorted(Path(CORPUS).rglob("*.rho"))[::9] if CORPUS.is_dir() else []
    out = [p.read_bytes().decode("utf-8", "replace")[:1500] for p in files]
    out.append(
        "new a, b in {\n  contract a(@x, ret) = {\n    match x { 1 => ret!(1)  _ => { Nil } }\n"
        '  } |\n  for (@m <- b) { b!({"k": m}) | a!(m, *b) }\n}\n'
    )
    return out


SNIPPETS = _snippets()
EDITS = [
    "",
    "x",
    "}",
    "{",
    "(",
    ")",
    "|",
    " | y!(1)",
    '"',
    "/*",
    "*/",
    "//",
    "\n",
    "Nil",
    "for (a <- b) { Nil }",
    ":",
    ",",
    "{|",
    "|}",
    "`",
    "@",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_reparse_equals_full_parse(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(SNIPPETS))
    target = data.draw(st.sampled_from(["rnode", "f1r3fly"]))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 8)))
    insert = data.draw(st.one_of(st.sampled_from(EDITS), st.text(max_size=5)))
    old = parse(text, target=target)
    new = reparse(old, start, end, insert)
    full = parse(text[:start] + insert + text[end:], target=target)
    assert new.text == full.text
    assert signature(new) == signature(full)
    # chained edits keep working on the reused tree
    again = reparse(new, 0, 0, " ")
    assert signature(again) == signature(parse(" " + full.text, target=target))


def test_reparse_is_incremental_inside_a_block() -> None:
    text = "new a in {\n  a!(1) | for (x <- a) { x!(2) }\n} | Nil"
    old = parse(text)
    tree = old.tree
    pos = text.index("x!(2)") + 3
    new = reparse(old, pos, pos + 1, "42")
    assert new.tree is tree  # block spliced into the existing tree
    assert signature(new) == signature(parse(new.text))


def test_reparse_equals_full_parse_when_a_string_spans_lines_in_a_broken_block() -> None:
    # found by the embedded-MeTTa property test: the full parse may read a string that
    # spans lines as unclosed (syntax.recovery); the in-block splice must not differ from it
    text = (
        "new mc(`rho:metta:compile`), ret, body in {\n"
        '  mc!("(= (sq $x) (* $x $x))\\n(= (bad $a) (sq $a $b)) ; u", *ret) |\n'
        '  @"rho:metta:eval"!("!(sq \\"e\\" 1)") |\n'
        '  for (r <- @"rho:metta:repl") { r!("(= (h $y) " ++ *body ++ ")") } |\n'
        "  contract c(@v) = { ret!(v) }\n"
        "}\n"
    )
    at = text.index("(= (sq")
    first = reparse(parse(text), at, at + 1, '\\"')  # `(` -> `\"`: still one string
    second = reparse(first, at, at + 1, "\n")  # `\` -> a line break: `"` + newline + `"`
    full = parse(first.text[:at] + "\n" + first.text[at + 1 :])
    assert second.text == full.text
    assert signature(second) == signature(full)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_chained_in_block_reparses_equal_full_parses(data: st.DataObject) -> None:
    """A run of edits, each reparsed on the previous result: the flat preorder list the
    shifts go through (built by the first in-block reparse, spliced by the next ones)
    stays the tree's preorder, and every step equals a full parse."""
    text = data.draw(st.sampled_from(SNIPPETS))
    result = parse(text)
    for _ in range(data.draw(st.integers(2, 6))):
        opens = [i + 1 for i, c in enumerate(result.text) if c == "{"]
        if opens and data.draw(st.booleans()):
            start = data.draw(st.sampled_from(opens))  # inside a block: the splice path
        else:
            start = data.draw(st.integers(0, len(result.text)))
        end = data.draw(st.integers(start, min(len(result.text), start + 3)))
        insert = data.draw(st.one_of(st.sampled_from(EDITS), st.text(max_size=3)))
        result = reparse(result, start, end, insert)
        full = parse(result.text)
        assert signature(result) == signature(full)
        pre = result._flat
        if pre is not None:
            order = list(result.tree.walk_elements())[1:]
            assert pre.elements == order
            assert pre.nodes == [e for e in order if isinstance(e, Node)]
            assert pre.tokens == [e for e in order if not isinstance(e, Node)]
