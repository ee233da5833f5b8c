"""No false positives on the shared corpus.

Every error/warning the semantic analysis reports on a `valid` corpus file must be one
of the reviewed true positives in ``corpus_semantic_expected.tsv`` (see its header):
a new diagnostic there is a false positive until reviewed. Every other category must
at least analyse without crashing. Reads ``<repo>/../shared/corpus``; skipped when absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Severity

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
EXPECTED = Path(__file__).with_name("corpus_semantic_expected.tsv")

pytestmark = pytest.mark.skipif(
    not (CORPUS / "MANIFEST.tsv").is_file(), reason="shared corpus absent"
)


def _rows() -> list[dict[str, str]]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _found(path: str) -> list[tuple[str, int, str, str]]:
    text = (CORPUS / path).read_text(encoding="utf-8", errors="replace")
    out = []
    for d in semantic_diagnostics(parse(text), uri="file:///corpus/" + path):
        assert d.source == "rholang-semantic"
        if d.severity <= Severity.WARNING:
            out.append((path, text.count("\n", 0, d.start) + 1, d.code, text[d.start : d.end]))
    return out


def _expected() -> set[tuple[str, int, str, str]]:
    out = set()
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        path, ln, code, text = line.split("\t")
        out.add((path, int(ln), code, text))
    return out


def test_valid_corpus_has_no_unreviewed_semantic_diagnostics() -> None:
    expected = _expected()
    found: set[tuple[str, int, str, str]] = set()
    n = 0
    for row in _rows():
        if row["category"] != "valid":
            continue
        n += 1
        found.update(_found(row["path"]))
    assert n > 200
    new = sorted(found - expected)
    assert not new, "unreviewed semantic diagnostics (false positives?):\n" + "\n".join(
        map(str, new)
    )
    stale = sorted(expected - found)
    assert not stale, "reviewed diagnostics no longer reported (update the list):\n" + "\n".join(
        map(str, stale)
    )


def test_most_valid_files_are_clean() -> None:
    rows = [r for r in _rows() if r["category"] == "valid"]
    dirty = {p for p, *_ in _expected()}
    assert len(rows) - len(dirty) >= 180


def test_every_corpus_file_analyses_without_crashing() -> None:
    for row in _rows():
        text = (CORPUS / row["path"]).read_text(encoding="utf-8", errors="replace")
        for target in ("rnode", "f1r3fly"):
            semantic_diagnostics(parse(text, target=target), uri="file:///x.rho", target=target)
