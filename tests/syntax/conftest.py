from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rholang_lsp.syntax import ParseResult, Token

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def corpus_rows() -> list[dict[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def read_corpus(path: str) -> str:
    return (CORPUS / path).read_bytes().decode("utf-8", errors="replace")


def roundtrip(res: ParseResult) -> str:
    return "".join("".join(t.text for t in tok.leading_trivia) + tok.text for tok in res.tokens())


def signature(res: ParseResult) -> tuple[list[object], list[object]]:
    """Tree shape (kinds, offsets, texts, trivia) and diagnostics, for equality checks."""
    shape: list[object] = []
    for el in res.tree.walk_elements():
        if isinstance(el, Token):
            shape.append((el.kind, el.start, el.text, el._trivia))
        else:
            shape.append((el.kind, el.start, el.end, el.parent.kind if el.parent else None))
    diags = [(d.start, d.end, int(d.severity), d.message, d.code) for d in res.diagnostics]
    return shape, diags


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not available")
    return CORPUS
