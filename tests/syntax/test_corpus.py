"""Corpus regression: categories of MANIFEST.tsv vs. our diagnostics; lossless round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from rholang_lsp.syntax import parse

from .conftest import corpus_rows, read_corpus, roundtrip

ROWS = corpus_rows()


def _errors(text: str, target: str) -> list[str]:
    return [d.message for d in parse(text, target=target).diagnostics if d.severity == 1]


def _ids(rows: list[dict[str, str]]) -> list[str]:
    return [r["path"] for r in rows]


def _by(category: str) -> list[dict[str, str]]:
    return [r for r in ROWS if r["category"] == category]


@pytest.mark.parametrize("row", _by("valid"), ids=_ids(_by("valid")))
def test_valid_files_have_no_errors(corpus: Path, row: dict[str, str]) -> None:
    text = read_corpus(row["path"])
    for target in ("rnode", "f1r3fly"):
        assert _errors(text, target) == [], target


@pytest.mark.parametrize("row", _by("rholang-rs-only"), ids=_ids(_by("rholang-rs-only")))
def test_rholang_rs_only_files(corpus: Path, row: dict[str, str]) -> None:
    text = read_corpus(row["path"])
    assert _errors(text, "f1r3fly") == []
    assert _errors(text, "rnode"), "RNode rejects these files"


@pytest.mark.parametrize("row", _by("rnode-only"), ids=_ids(_by("rnode-only")))
def test_rnode_only_files(corpus: Path, row: dict[str, str]) -> None:
    assert _errors(read_corpus(row["path"]), "rnode") == []


BROKEN = [r for r in ROWS if r["category"] in ("invalid", "legacy", "template")]


@pytest.mark.parametrize("row", BROKEN, ids=_ids(BROKEN))
def test_broken_files_have_errors(corpus: Path, row: dict[str, str]) -> None:
    text = read_corpus(row["path"])
    # every invalid/legacy/template file is rejected by RNode's grammar, and we agree
    assert _errors(text, "rnode")
    # Under f1r3fly we expect errors too, except for the legacy files the manifest marks
    # as accepted by the rholang-rs tree-sitter grammar ("tree-sitter happens to accept
    # it", rholang_rs_treesitter == yes): F1R3FLY's parser accepts them, so do we (as far
    # as syntax goes; e.g. top-level connectives are a semantic error).
    if row["rholang_rs_treesitter"] == "no":
        assert _errors(text, "f1r3fly")


@pytest.mark.parametrize("target", ["rnode", "f1r3fly"])
def test_every_file_round_trips(corpus: Path, target: str) -> None:
    for path in sorted(corpus.rglob("*.rho")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        res = parse(text, target=target)
        assert roundtrip(res) == text, path
        toks = list(res.tokens())
        for a, b in zip(toks, toks[1:], strict=False):
            assert a.end <= b.start


def test_manifest_categories_known(corpus: Path) -> None:
    cats = {r["category"] for r in ROWS}
    assert cats <= {"valid", "invalid", "legacy", "rholang-rs-only", "rnode-only", "template"}
