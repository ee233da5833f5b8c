"""``lex`` (``findall`` over ``_SCAN``, kinds read off the token texts) against the oracle
(``lexer_oracle``: the lexer that took every token's kind from its ``_MASTER`` match):
the same tokens (kind, offset, text, trivia), the same diagnostics, the same sharing of
texts and trivia, on the corpus, the examples, the snippets of the syntax tests, slices
(``pos``/``endpos``, as the incremental reparse lexes) and generated text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.syntax import lexer
from rholang_lsp.syntax.kinds import PUNCT
from rholang_lsp.syntax.lexer import LexResult

from . import lexer_oracle as oracle
from .conftest import CORPUS

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ("f1r3fly", "rnode")


def stream(res: LexResult | oracle.LexResult) -> tuple[list[object], list[object]]:
    toks = [(t.kind, t.start, t.text, t._trivia) for t in res.tokens]
    diags = [
        (d.start, d.end, d.severity, d.message, d.code, d.source, d.related, d.tags, d.data)
        for d in res.diagnostics
    ]
    return toks, diags


def sharing(res: LexResult | oracle.LexResult, known: object, ws_trivia: object) -> list[object]:
    """Which token texts and trivia are the shared copies of the process-wide tables."""
    assert isinstance(known, dict) and isinstance(ws_trivia, dict)
    out: list[object] = []
    for t in res.tokens:
        hit = known.get(t.text)
        trivia = t._trivia
        shared_trivia = len(trivia) == 1 and ws_trivia.get(trivia[0][1]) is trivia
        out.append((hit is not None and hit[1] is t.text, shared_trivia))
    return out


def assert_same(text: str, target: str, pos: int = 0, endpos: int | None = None) -> None:
    want = oracle.lex(text, target, pos, endpos)
    got = lexer.lex(text, target, pos, endpos)
    assert stream(got) == stream(want), (target, pos, endpos, text[:200])
    # again, now that the short literals and identifiers are known (the other path)
    got = lexer.lex(text, target, pos, endpos)
    assert stream(got) == stream(want), (target, pos, endpos, text[:200])
    if (
        len(lexer._KNOWN) < lexer._KNOWN_MAX
        and len(oracle._KNOWN) < oracle._KNOWN_MAX
        and len(lexer._WS_TRIVIA) < lexer._KNOWN_MAX
        and len(oracle._WS_TRIVIA) < oracle._KNOWN_MAX
    ):
        # every text the oracle shared is shared (and the texts of `bundle+`, `bundle-`,
        # `bundle0` and `BigInt(` now too: the oracle kept the regex's copies of those)
        got_sharing = sharing(got, lexer._KNOWN, lexer._WS_TRIVIA)
        want_sharing = sharing(want, oracle._KNOWN, oracle._WS_TRIVIA)
        for tok, (got_text, got_trivia), (want_text, want_trivia) in zip(
            got.tokens, got_sharing, want_sharing, strict=True
        ):
            assert got_trivia == want_trivia, (tok, text[:200])
            assert got_text or not want_text, (tok, text[:200])
            assert got_text == want_text or tok.text in PUNCT, (tok, text[:200])


def slices(text: str) -> list[tuple[int, int | None]]:
    """Full text, halves, thirds, and windows starting or ending inside tokens."""
    n = len(text)
    cuts = sorted({0, n // 7, n // 3, n // 2, (2 * n) // 3, n - n // 7, n})
    out: list[tuple[int, int | None]] = [(0, None)]
    out += [(a, b) for a in cuts for b in cuts if a <= b]
    out += [(n // 2, n // 2 - 1), (-5, n + 5)]  # empty and out-of-range windows
    return out


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.rho")) if CORPUS.is_dir() else []


def test_corpus_files(corpus: Path) -> None:
    paths = corpus_files()
    assert paths
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for target in TARGETS:
            assert_same(text, target)


def test_corpus_slices(corpus: Path) -> None:
    for path in corpus_files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        for pos, endpos in slices(text):
            assert_same(text, "f1r3fly", pos, endpos)
        assert_same(text, "rnode", len(text) // 3, (2 * len(text)) // 3)


def examples() -> list[Path]:
    return sorted((ROOT / "examples").rglob("*.rho")) + sorted((ROOT / "tests").rglob("*.rho"))


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_examples(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for target in TARGETS:
        for pos, endpos in slices(text):
            assert_same(text, target, pos, endpos)


def test_snippets_of_the_syntax_tests() -> None:
    """Every string constant in the syntax tests (their Rholang snippets and more)."""
    found = 0
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += 1
                for target in TARGETS:
                    for pos, endpos in slices(node.value):
                        assert_same(node.value, target, pos, endpos)
    assert found > 100


# Rholang's tricky characters: quotes, backticks, backslashes, digits, dots, the letters of
# number suffixes and escapes, comment and template openers, line ends, non-ASCII (a letter,
# a digit of another script, a number that is no digit, a space that is no whitespace), NUL
ALPHABET = (
    "\"`\\'0123456789.eEfiupnr/*$_ \n\r\t\f\vxbB+-=<>!?|&{}()[],;:%~@#^"
    "é\u00df\u0663\u00b2\u00a0\u2028\x00\x1c\x85"
)
FRAGMENTS = [
    "bundle",
    "bundle0",
    "bundle+",
    "bundle-",
    "BigInt(",
    "BigInt",
    "///",
    "////",
    "//",
    "/**",
    "/***/",
    "/**/",
    "/*",
    "*/",
    "/\\",
    "\\/",
    "1.5f64",
    "1e3f32",
    ".25p2",
    "255u8",
    "1i7",
    "5n",
    "3r",
    "1.5",
    "1.",
    "007",
    "...",
    "..",
    "<<-",
    "$$x$$",
    "$x",
    "$",
    '"a\\"b"',
    '"\\',
    '"\\q"',
    '"\\r"',
    '"\\0"',
    '"\\\\"',
    "`a\\q`",
    "`rho:io:stdout`",
    "``",
    "`a\\`",
    "'x'",
    "Nil",
    "_",
    "x'",
    "new",
    "contract",
]
texts = st.lists(
    st.one_of(st.text(alphabet=ALPHABET, max_size=12), st.sampled_from(FRAGMENTS)),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, data=st.data())
def test_generated_text(text: str, data: st.DataObject) -> None:
    target = data.draw(st.sampled_from(TARGETS))
    pos = data.draw(st.integers(-2, len(text) + 2))
    endpos = data.draw(st.one_of(st.none(), st.integers(-2, len(text) + 2)))
    assert_same(text, target)
    assert_same(text, target, pos, endpos)
