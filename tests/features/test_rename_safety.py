"""Rename never changes what a program means.

Property: for renames of variables in real corpus programs (to fresh names and to names
the file already uses, the likely captures), either the server refuses the rename, or,
with its edits applied, the re-analysed program groups the occurrences exactly as before:
two occurrences share a binder after the rename iff they shared one before, and an unbound
occurrence stays unbound. The oracle compares groupings (a partition of occurrences), not
binder positions, so it is independent of how the rename check maps binders.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from rholang_lsp.features.formatting import TextEdit as Replacement
from rholang_lsp.features.formatting import apply_edits
from rholang_lsp.features.rename import RenameError, rename
from rholang_lsp.semantics.model import SemanticModel
from rholang_lsp.workspace.analysis import analyze
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
URI = "file:///corpus/file.rho"


def _partition(model: SemanticModel, at: dict[int, int]) -> set[frozenset[int]]:
    """Occurrences (by their old start, via ``at``: new start -> old start) grouped by binder;
    each unbound occurrence alone."""
    groups: dict[object, set[int]] = {}
    for r in model.references:
        if r.start not in at:
            continue
        key: object = ("sym", r.symbol) if r.symbol is not None else ("free", r.start)
        groups.setdefault(key, set()).add(at[r.start])
    return {frozenset(g) for g in groups.values()}


def _check(text: str, offset: int, new_name: str) -> bool:
    """True when the rename was applied (and proven meaning-preserving)."""
    snap = Snapshot({URI: SimpleDocument(URI, text, 1)})
    before = analyze(URI, text)
    try:
        edits = rename(snap, URI, offset, new_name)
    except RenameError:
        return False
    assert edits is not None
    reps = [Replacement(e.start, e.end, e.new_text) for e in edits[URI]]
    new_text = apply_edits(text, reps)
    after = analyze(URI, new_text)
    assert len(after.parse.diagnostics) <= len(before.parse.diagnostics)
    # old start -> new start for every old occurrence
    shift = 0
    old_to_new: dict[int, int] = {}
    bounds = sorted((e.start, e.end, len(e.new_text)) for e in reps)
    j = 0
    for r in sorted(before.model.references, key=lambda r: r.start):
        while j < len(bounds) and bounds[j][1] <= r.start:
            shift += bounds[j][2] - (bounds[j][1] - bounds[j][0])
            j += 1
        old_to_new[r.start] = r.start + shift
    new_to_old = {n: o for o, n in old_to_new.items()}
    old_groups = _partition(before.model, {r.start: r.start for r in before.model.references})
    assert _partition(after.model, new_to_old) == old_groups
    return True


def _samples(n_files: int, seed: int) -> list[tuple[str, str]]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["category"] == "valid"]
    rng = random.Random(seed)
    rng.shuffle(rows)
    out = []
    for r in rows[:n_files]:
        out.append((r["path"], (CORPUS / r["path"]).read_text(encoding="utf-8", errors="replace")))
    return out


@pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(), reason="shared corpus absent")
def test_corpus_renames_preserve_meaning() -> None:
    rng = random.Random(7)
    applied = refused = fresh = 0
    for _path, text in _samples(25, seed=11):
        model = analyze(URI, text).model
        if not model.symbols:
            continue
        names = sorted({s.name for s in model.symbols} | {r.name for r in model.references})
        for sym in rng.sample(model.symbols, min(6, len(model.symbols))):
            if not sym.name.isidentifier() or text[sym.start : sym.end] != sym.name:
                continue
            # a fresh name is always safe: it must be accepted
            assert _check(text, sym.start, "zzFresh9"), (_path, sym)
            fresh += 1
            # a name the file already uses: accepted only when the meaning is kept
            other = rng.choice(names)
            if other != sym.name and other.isidentifier():
                if _check(text, sym.start, other):
                    applied += 1
                else:
                    refused += 1
    print(f"renames: {fresh} fresh, {applied} applied, {refused} refused")
    assert fresh >= 40 and refused > 0 and applied > 0, (fresh, applied, refused)


def test_known_captures_are_refused() -> None:
    text = (
        "new out(`rho:io:stdout`) in {\n"
        "  contract f(@amount, ret) = { for (@balance <- ret) { out!(amount + balance) } }\n"
        "}"
    )
    ret = text.index("ret")
    amount = text.index("amount")
    assert not _check(text, ret, "out")
    assert not _check(text, ret, "amount")
    assert not _check(text, amount, "balance")
    assert _check(text, ret, "reply")
    # a free name captured by a new binder of the same spelling
    assert not _check("new x in { x!(1) } | y!(2)", 4, "y")
