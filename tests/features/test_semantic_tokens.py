"""Semantic tokens: classification (pure) and the relative encoding (handler helper)."""

from __future__ import annotations

from rholang_lsp.features.semantic_tokens import (
    M_DECLARATION,
    M_DEFAULT_LIBRARY,
    M_DOCUMENTATION,
    M_PROCESS,
    M_READONLY,
    TOKEN_TYPES,
    semantic_tokens,
)
from rholang_lsp.semantics.binder import bind
from rholang_lsp.server.positions import encode_semantic_tokens
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.line_index import LineIndex

SRC = """/// doc
new out(`rho:io:stdout`), x in {
  contract x(@a, ret) = { ret!(a.length()) } | // c
  x!("s", 1) | for (@v <- x) { out!(v) }
}"""


def classify(src: str) -> dict[str, list[tuple[str, int]]]:
    r = parse(src)
    out: dict[str, list[tuple[str, int]]] = {}
    for s, n, t, m in semantic_tokens(r, bind(r)):
        out.setdefault(src[s : s + n], []).append((TOKEN_TYPES[t], m))
    return out


def test_classification() -> None:
    c = classify(SRC)
    assert c["/// doc"] == [("comment", M_DOCUMENTATION)]
    assert c["// c"] == [("comment", 0)]
    assert c["new"] == [("keyword", 0)]
    assert c["`rho:io:stdout`"] == [("namespace", M_DEFAULT_LIBRARY)]
    assert c["out"][0] == ("variable", M_DECLARATION | M_READONLY | M_DEFAULT_LIBRARY)
    assert c["out"][1] == ("variable", M_READONLY | M_DEFAULT_LIBRARY)
    assert all(t == "function" for t, _ in c["x"])
    assert c["a"][0] == ("parameter", M_DECLARATION | M_PROCESS)
    assert c["ret"][0] == ("parameter", M_DECLARATION)
    assert c["length"] == [("method", M_DEFAULT_LIBRARY)]
    assert c['"s"'] == [("string", 0)]
    assert c["1"] == [("number", 0)]
    assert c["v"][0] == ("variable", M_DECLARATION | M_PROCESS)
    assert ("operator", 0) in c["!"] and ("operator", 0) in c["|"]


def test_range_filter() -> None:
    r = parse(SRC)
    m = bind(r)
    start = SRC.index("x!(")
    end = start + 10
    toks = semantic_tokens(r, m, start, end)
    assert toks and all(s < end and s + n > start for s, n, _, _ in toks)


def test_encoding_utf16_and_multiline_split() -> None:
    src = 'new x in { /* 😀 a\nb */ x!("é") }'
    r = parse(src)
    toks = semantic_tokens(r, bind(r))
    idx = LineIndex(src)
    data = encode_semantic_tokens(idx, toks, "utf-16")
    rows = [data[i : i + 5] for i in range(0, len(data), 5)]
    comment_type = TOKEN_TYPES.index("comment")
    comments = [row for row in rows if row[3] == comment_type]
    assert len(comments) == 2  # split per line
    assert comments[0][2] == len("/* 😀 a") + 1  # the emoji is 2 UTF-16 units
    assert comments[1][0] == 1 and comments[1][1] == 0 and comments[1][2] == 4
    # the string token after the emoji line: utf-16 start column
    multi = encode_semantic_tokens(idx, toks, "utf-8", multiline=True)
    assert len(multi) == len(data) - 5
    u32 = encode_semantic_tokens(idx, toks, "utf-32")
    u32_comments = [u32[i : i + 5] for i in range(0, len(u32), 5) if u32[i + 3] == comment_type]
    assert u32_comments[0][2] == len("/* 😀 a")  # one code point for the emoji in UTF-32


def test_broken_code_still_tokenizes() -> None:
    src = 'new x in { x!("unterminated'
    r = parse(src)
    assert semantic_tokens(r, bind(r))
