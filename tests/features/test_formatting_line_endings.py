"""Formatting (and every edit the server proposes) keeps a file's line endings.

Issue 20, finding 4: the line-comment token kept the ``\\r`` of a CRLF line, so
``// c\\r\\n`` became ``// c\\r\\r\\n`` and gained one more ``\\r`` per run (307 of 786
CRLF/CR variants of the corpus); CR-only files were rewritten to LF.

The property is checked on the LF, CRLF and CR variants of a sample of the corpus
(every file with ``RHOLANG_LSP_LONG_TESTS=1``): the output uses only the variant's
line ending, has the same tokens, is a fixed point, and the minimal edits give it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from rholang_lsp.features.code_actions import code_actions
from rholang_lsp.features.formatting import apply_edits, format_edits, format_text, line_ending
from rholang_lsp.syntax import parse
from rholang_lsp.workspace.analysis import analyze

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
BREAKS = re.compile(r"\r\n|\r|\n")


def _corpus_sample() -> list[Path]:
    files = sorted(CORPUS.rglob("*.rho")) if CORPUS.is_dir() else []
    if os.environ.get("RHOLANG_LSP_LONG_TESTS"):
        return files
    return files[::8]


def _tokens(text: str) -> list[str]:
    return [t.text for t in parse(text).tokens()]


def _check_variant(text: str, eol: str) -> None:
    out = format_text(text)
    if out is None:
        return  # syntax errors: nothing is formatted
    if BREAKS.search(text):
        assert set(BREAKS.findall(out)) <= {eol}, "line endings changed"
    else:
        assert "\r" not in out
    assert _tokens(out) == _tokens(text)
    assert format_text(out) == out, "not idempotent"
    edits = format_edits(text)
    assert edits is not None and apply_edits(text, edits) == out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_corpus_variants_keep_their_line_endings(eol: str) -> None:
    checked = 0
    for path in _corpus_sample():
        base = path.read_bytes().decode("utf-8", errors="replace")
        variant = BREAKS.sub(eol, base)
        _check_variant(variant, eol)
        checked += 1
    assert checked >= 40


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_comments_do_not_grow_carriage_returns(eol: str) -> None:
    src = eol.join(["// c", "new x in {", "  /// doc", "  x!(1) // tail", "}", ""])
    once = format_text(src)
    assert once is not None
    assert format_text(once) == once
    assert "\r\r" not in once and set(BREAKS.findall(once)) == {eol}


def test_mixed_line_endings_are_kept_where_the_layout_keeps_a_break() -> None:
    src = "new x in {\r\n  x!(1) |\n  x!(2)\r\n}\n"
    out = format_text(src)
    assert out == src  # already formatted: nothing changes, not even the endings
    messy = "new x in {\r\n x!(1) |\n     x!(2)\r\n}\n"
    assert format_text(messy) == src


def test_dominant_line_ending() -> None:
    assert line_ending("a\r\nb\r\nc\n") == "\r\n"
    assert line_ending("a\rb\rc\n") == "\r"
    assert line_ending("a\nb") == "\n"
    assert line_ending("") == "\n"


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_code_action_wrap_uses_the_file_line_ending(eol: str) -> None:
    text = eol.join(["x!(1) |", "x!(2)", ""])
    a = analyze("file:///ws/a.rho", text)
    acts = code_actions(a, 0, len(text), a.model.diagnostics)
    wraps = [e for act in acts for e in act.edits if e.new_text.startswith("new ")]
    assert wraps
    for e in wraps:
        assert set(BREAKS.findall(e.new_text)) == {eol}
