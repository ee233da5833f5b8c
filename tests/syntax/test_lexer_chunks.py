"""``lex`` scans in windows of about ``lexer.CHUNK`` characters (so that a worker thread does
not hold the GIL for a whole large file): with windows made tiny, the tokens, diagnostics and
sharing are those of one scan of the whole text (``lexer_oracle``, and ``lex`` with one
window), also for tokens that straddle a window's end: strings, comments, URIs, numbers,
punctuation and identifiers whose reading depends on what follows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.syntax import lexer
from rholang_lsp.syntax.lexer import lex

from .checkpoint_support import checkpoint_calls
from .test_lexer_oracle import ALPHABET, FRAGMENTS, assert_same, corpus_files, slices, stream

WHOLE = 1 << 40


@contextmanager
def chunk(size: int) -> Iterator[None]:
    saved = lexer.CHUNK
    lexer.CHUNK = size
    try:
        yield
    finally:
        lexer.CHUNK = saved


def same_as_whole(text: str, target: str, pos: int = 0, endpos: int | None = None) -> None:
    with chunk(WHOLE):
        want = stream(lex(text, target, pos, endpos))
    for size in (1, 2, 3, 5, 8, 13, 64):
        with chunk(size):
            got = stream(lex(text, target, pos, endpos))
        assert got == want, (size, target, pos, endpos, text[:200])


# whitespace-heavy, so that windows end often, right next to the tricky fragments
texts = st.lists(
    st.one_of(
        st.text(alphabet=ALPHABET, max_size=12),
        st.sampled_from(FRAGMENTS),
        st.sampled_from([" ", "\n", "  ", " \n ", "\t", "\r\n"]),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, data=st.data())
def test_generated_text(text: str, data: st.DataObject) -> None:
    target = data.draw(st.sampled_from(("f1r3fly", "rnode")))
    same_as_whole(text, target)
    pos = data.draw(st.integers(-2, len(text) + 2))
    endpos = data.draw(st.one_of(st.none(), st.integers(-2, len(text) + 2)))
    same_as_whole(text, target, pos, endpos)


STRADDLING = [
    # strings, URIs and comments running over many windows, closed and not
    '"a b c d e f g h" x',
    '"a b \\" c \\\\ d \\ e" x',
    '"a b c d e f g h',
    '"a b c \\',
    '"a b c \\ ',
    "`rho:io:a b c d` x",
    "`a b c \\` d e` x",
    "`a b c d",
    "/* a b c d e f */ x",
    "/** a b c d e */ x",
    "/* a b c * / d e",
    "/* a b c d e f",
    "// a b c d e f\nx",
    "/// a b c d\nx",
    "//// a b c d\nx",
    "x // a b c",
    # tokens whose reading depends on what follows them
    "a <<- b <- c <= d",
    "1.5f64 1e3f32 .25p2 255u8 1i7 5n 3r 1.5 1. 007 123.456e10 123.456ex 1e 1e+ 1e+5f32",
    "bundle0 bundle0x bundle+ bundle- BigInt( BigInt x'",
    "$$x$$ $x $ $$ a... .. . !! !? ?! /\\ \\/ {| |} ,) && || ++ -- %%",
    # whitespace runs of every kind at the window ends
    "a \n\n  \t\f\v\r\n b  \n  c\n",
    "   \n   ",
    "\n",
    "",
    "x",
]


def test_straddling_tokens() -> None:
    for text in STRADDLING:
        for target in ("f1r3fly", "rnode"):
            same_as_whole(text, target)
            for size in (1, 2, 3, 7):
                with chunk(size):
                    for pos, endpos in slices(text):
                        assert_same(text, target, pos, endpos)


def test_corpus_in_small_windows(corpus: object) -> None:
    paths = corpus_files()
    assert paths
    texts = [path.read_bytes().decode("utf-8", errors="replace") for path in paths]
    joined = "\n".join(texts)
    for size in (7, 100, 1000, 4096):
        with chunk(size):
            assert_same(joined, "f1r3fly")
            assert_same(joined, "rnode", len(joined) // 3, (2 * len(joined)) // 3)
    with chunk(16):
        for text in texts:
            assert_same(text, "f1r3fly")


def test_long_tokens_and_no_whitespace() -> None:
    """A token longer than many windows (scanned again in longer windows) and a text with no
    whitespace at all (one window)."""
    for text in (
        "x!(" + '"' + "ab " * 5000 + '")',
        "/*" + " *" * 5000 + "*/ Nil",
        "/*" + " *" * 5000,
        "x!(" + "1+" * 5000 + "1)",
        "x!(1+" + " " * 5000 + "1)",
        "1" * 3000 + ".5e" + " x",
    ):
        same_as_whole(text, "f1r3fly")
        with chunk(100):
            assert_same(text, "f1r3fly")


def test_a_large_lex_calls_the_checkpoint_between_windows() -> None:
    text = "new x in {\n" + '  x!(1, "s") |\n' * 4000 + "  Nil\n}\n"
    setup = f"from rholang_lsp.syntax.lexer import lex, CHUNK\nTEXT = {text!r}\n"
    calls = checkpoint_calls(setup, "lex(TEXT)")
    assert calls >= len(text) // lexer.CHUNK - 1, (calls, len(text))
