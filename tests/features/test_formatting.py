"""The formatter: layout rules, options, edits, and a round trip over the shared corpus."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from rholang_lsp.features.formatting import FormatOptions, apply_edits, format_edits, format_text
from rholang_lsp.syntax import parse

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def fmt(src: str, **kw: object) -> str:
    out = format_text(src, FormatOptions(**kw))  # type: ignore[arg-type]
    assert out is not None
    return out


def test_canonical_layout() -> None:
    src = (
        "new out(`rho:io:stdout`),x in{\n"
        "contract x( @a,ret )={ret!(a+1)}|\n"
        "for(y<-x;@z<-y){ match z { [h ...t] => out!(h)\n"
        " _ => Nil } }\n"
        "   | x!(1, *out) // call\n"
        "}\n"
    )
    assert fmt(src) == (
        "new out(`rho:io:stdout`), x in {\n"
        "  contract x(@a, ret) = { ret!(a + 1) } |\n"
        "  for (y <- x; @z <- y) {\n"
        "    match z {\n"
        "      [h ...t] => out!(h)\n"
        "      _ => Nil\n"
        "    }\n"
        "  } |\n"
        "  x!(1, *out) // call\n"
        "}\n"
    )


def test_spacing_rules() -> None:
    assert fmt('new x in { x!!({"a":1}, [1,2], *x, -1, not true) | @"k" ! (1) }') == (
        'new x in { x!!({"a": 1}, [1, 2], *x, -1, not true) | @"k"!(1) }\n'
    )
    assert fmt("new x in { x!?(1) ; Nil }") == "new x in { x!?(1); Nil }\n"
    assert fmt("new x in { bundle+ {*x} | x.nth( 0 ) }") == "new x in { bundle+{*x} | x.nth(0) }\n"
    # `- -1` must not become `--1` (set difference)
    assert fmt("new x in { x!(1 - -1) }") == "new x in { x!(1 - -1) }\n"


def test_braces_join_and_comments_preserved() -> None:
    src = "contract c(x) =\n{\n  // keep me\n\n\n  x!(1)\n}\n"
    assert fmt(src) == "contract c(x) = {\n  // keep me\n\n  x!(1)\n}\n"
    src = "if (true) { Nil }\nelse { Nil }"
    assert fmt(src) == "if (true) { Nil } else { Nil }\n"


def test_leading_pipe_and_comma_move_up() -> None:
    assert (
        fmt("new a\n, b in {\n  a!(1)\n  | b!(2)\n}")
        == "new a,\n    b in {\n  a!(1) |\n  b!(2)\n}\n"
    )


def test_options_tabs_and_width() -> None:
    src = "new x in {\nx!(1)\n}"
    assert fmt(src, tab_size=4) == "new x in {\n    x!(1)\n}\n"
    assert fmt(src, insert_spaces=False) == "new x in {\n\tx!(1)\n}\n"


def test_syntax_errors_are_never_formatted() -> None:
    assert format_text("new x in { x!(") is None
    assert format_edits("for (y <- ") is None


def test_minimal_edits_and_range() -> None:
    src = "new x in {\nx!(1)|x!(2)\n}\n"
    edits = format_edits(src)
    assert edits is not None
    assert apply_edits(src, edits) == format_text(src)
    assert all(src[e.start : e.end].strip() == "" for e in edits)  # whitespace only
    # range formatting: only the gaps touching line 1
    s = src.index("x!(1)")
    partial = format_edits(src, start=s, end=s + 5)
    assert partial is not None and 0 < len(partial) < len(edits)
    assert format_edits(format_text(src) or "") == []


def test_crlf_is_kept() -> None:
    assert fmt("new x in {\r\nx!(1)\r\n}") == "new x in {\r\n  x!(1)\r\n}\r\n"


def _tokens(src: str) -> list[tuple[int, str]]:
    return [(int(t.kind), t.text) for t in parse(src).tokens()]


def _comments(src: str) -> collections.Counter[str]:
    return collections.Counter(
        text
        for t in parse(src).tokens()
        for kind, text in t._trivia
        if not kind.name == "WHITESPACE"
    )


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.rglob("*.rho"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
@pytest.mark.parametrize(
    "options",
    [FormatOptions(), FormatOptions(line_width=60), FormatOptions(line_width=0)],
    ids=["width-100", "width-60", "no-wrap"],
)
def test_corpus_round_trip(options: FormatOptions) -> None:
    """Every corpus file: same tokens and comments, a fixed point; at the default width,
    at a narrow one that wraps thousands of lines, and without wrapping."""
    checked = 0
    failures: list[str] = []
    for path in _corpus_files():
        src = path.read_text(encoding="utf-8", errors="surrogateescape")
        if parse(src).has_errors:
            continue
        out = format_text(src, options)
        assert out is not None
        checked += 1
        problems = []
        if parse(out).has_errors:
            problems.append("syntax errors after formatting")
        elif _tokens(out) != _tokens(src):
            problems.append("token sequence changed")
        if _comments(out) != _comments(src):
            problems.append("comments changed")
        again = format_text(out, options)
        if again != out:
            problems.append("not idempotent")
        elif format_text(again, options) != again:
            problems.append("third run differs")
        if problems:
            failures.append(f"{path}: {', '.join(problems)}")
    assert checked > 0
    assert not failures, "\n".join(failures[:20])
