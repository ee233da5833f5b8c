"""No false positives on the shared corpus, under each file's dialect.

Every error/warning (syntax or semantic) reported on a corpus file that a reference
grammar accepts must be one of the reviewed true positives in
``corpus_semantic_expected.tsv``, each with the reason it is right (see its header): a new
one is a false positive until reviewed. Every other file must at least analyse without
crashing. Reads ``<repo>/../shared/corpus``; skipped when absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.semantics.corpus_counts import ACCEPTED, CORPUS, hits, rows

from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse

EXPECTED = Path(__file__).with_name("corpus_semantic_expected.tsv")

pytestmark = pytest.mark.skipif(
    not (CORPUS / "MANIFEST.tsv").is_file(), reason="shared corpus absent"
)

Key = tuple[str, int, str, str]


def _expected() -> dict[Key, str]:
    out: dict[Key, str] = {}
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        path, ln, code, text, reason = line.split("\t")
        assert reason.strip(), f"no reason given for {line!r}"
        out[(path, int(ln), code, text)] = reason
    return out


def test_accepted_corpus_has_no_unreviewed_diagnostics() -> None:
    expected = _expected()
    found = {
        (h.path, h.line, h.code, h.text)
        for h in hits(accepted_only=True)
        if h.severity in ("error", "warning")
    }
    assert len({r["path"] for r in rows() if r["category"] in ACCEPTED}) > 300
    new = sorted(found - set(expected))
    assert not new, "unreviewed diagnostics (false positives?):\n" + "\n".join(map(str, new))
    stale = sorted(set(expected) - found)
    assert not stale, "reviewed diagnostics no longer reported (update the list):\n" + "\n".join(
        map(str, stale)
    )


def test_most_accepted_files_are_clean() -> None:
    accepted = [r for r in rows() if r["category"] in ACCEPTED]
    dirty = {p for p, *_ in _expected()}
    assert len(accepted) - len(dirty) >= 265


def test_every_corpus_file_analyses_without_crashing() -> None:
    for row in rows():
        text = (CORPUS / row["path"]).read_text(encoding="utf-8", errors="replace")
        for target in ("rnode", "f1r3fly"):
            semantic_diagnostics(parse(text, target=target), uri="file:///x.rho", target=target)
