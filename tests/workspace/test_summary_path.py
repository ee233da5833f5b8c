"""The indexer's summary of a closed file (``summarize_text``: ``bind_for_summary``, which
skips references, facts, file checks and most doc comments) equals the summary of the
full analysis (``analyze(...).summary``, what an open document gets), field for field.

On every corpus file and on generated workspace files, whole and broken (cut short, a
middle third deleted), for both dialects; and on a program that exercises every binding
form the summary depends on (contract names bound or free, `new`s in outer and inner
scopes, global names in and out of patterns, synchronous sends, doc comments).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.workspace_gen import generate_workspace
from hypothesis import given, settings
from hypothesis import strategies as st

from rholang_lsp.semantics.binder import bind, bind_for_summary
from rholang_lsp.semantics.summarize import build_summary
from rholang_lsp.semantics.summary import FileSummary
from rholang_lsp.syntax import parse
from rholang_lsp.workspace.analysis import analyze, summarize_text

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
TARGETS = ("f1r3fly", "rnode")

PROGRAM = """\
/// The registry's front door.
/// @param x what to look up
contract @"Front"(@x, @"lit", ...@rest) = {
  @"Back"!(x) | @"Back"!?(1). | @"Back"!method(2, 3). | @{"Back"}!(4)
}
|
/** Plain contract, free name */
contract freeOne(a, b) = { a!(*b) }
|
new out(`rho:io:stdout`), impl, other, lookup(`rho:registry:lookup`) in {
  /// Implemented: not listed as a variable
  contract impl(@n) = { out!(n) | @"Front"!(n, "lit") } |
  new inner in { inner!(1) | contract inner(_) = { Nil } } |
  for (@{@"InPattern"!(z)} <- other; y <- @"Chan") {
    new hidden in { hidden!(y) | @"Back"!(z) } |
    contract y(k) = { @"Back"!(k) }
  } |
  for (@{new notOuter in { notOuter!(1) }} <- other) { Nil } |
  match 1 { 1 => { contract freeTwo(q) = { @"Front"!(q) } } _ => Nil } |
  let v = 1; w = 2 in { @"Back"!(v, *w) } |
  select { x <- @"Sel" => @"Back"!(*x) } |
  contract @{*other}(p) = { Nil } |
  lookup!(`rho:lang:treeHashMap`, *other) |
  @"Back"!(1) | other!?(2). | @"Tail"!?(3).
}
"""


def _same(uri: str, text: str, target: str) -> None:
    cheap = summarize_text(uri, text, target=target)
    full = analyze(uri, text, None, target=target).summary
    assert isinstance(cheap, FileSummary)
    for field in FileSummary.__struct_fields__:
        assert getattr(cheap, field) == getattr(full, field), (uri, target, field)
    assert cheap == full


def _variants(text: str) -> list[str]:
    n = len(text)
    return [text, text[: n // 2], text[: n // 3] + text[2 * n // 3 :]]


def test_summary_path_on_a_program_with_every_binding_form() -> None:
    full = analyze("file:///w/p.rho", PROGRAM).summary
    # the program reaches every part of the summary the cheap bind must keep
    assert full.contracts and full.refs and full.plain_contracts and full.calls
    assert any(c.doc_markdown for c in full.contracts)
    assert any(c.literals != (None,) * len(c.literals) for c in full.contracts)
    assert any(s.kind == 13 for s in full.symbols)  # outer `new` names
    for target in TARGETS:
        for text in _variants(PROGRAM):
            _same("file:///w/p.rho", text, target)


def test_summary_path_on_generated_files(tmp_path: Path) -> None:
    info = generate_workspace(tmp_path / "ws", 60)
    for path in info.files:
        text = path.read_text(encoding="utf-8")
        for target in TARGETS:
            for variant in _variants(text):
                _same(path.as_uri(), variant, target)


def test_summary_path_on_the_corpus() -> None:
    files = sorted(CORPUS.rglob("*.rho")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip("corpus not available")
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for i, variant in enumerate(_variants(text)):
            # both dialects on the whole file, f1r3fly on the broken ones (time)
            for target in TARGETS if i == 0 else TARGETS[:1]:
                _same(path.as_uri(), variant, target)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(PROGRAM)), st.integers(0, len(PROGRAM)), st.sampled_from(TARGETS))
def test_summary_path_on_program_fragments(a: int, b: int, target: str) -> None:
    """Any slice of the program cut out (broken trees, names left free or unbound)."""
    lo, hi = min(a, b), max(a, b)
    text = PROGRAM[:lo] + PROGRAM[hi:]
    result = parse(text, target=target)
    cheap = build_summary("file:///w/f.rho", text, bind_for_summary(result, target=target))
    full = build_summary("file:///w/f.rho", text, bind(result, target=target))
    assert cheap == full


def test_summarize_text_leaves_no_cycles_for_the_gc(tmp_path: Path) -> None:
    """The indexer's tree is released once summarised (``syntax.tree.release``): reference
    counting frees all of it, so the workers need no collection per file, and the summary
    is the same as with the tree kept."""
    import gc

    texts = [PROGRAM, *(p.read_text() for p in generate_workspace(tmp_path / "ws", 20).files)]
    kept = [build_summary("file:///w/f.rho", t, bind(parse(t))) for t in texts]
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        released = [summarize_text("file:///w/f.rho", t) for t in texts]
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
    assert released == kept
    assert left == []
