"""Every feature does work linear in its input (issue 20, finding 1 and its class).

Each family below grows one shape of program (nesting, long compositions, many
overloads, long operator chains...). Every feature runs on the program at size k
and 4k; linear work grows about 4x, quadratic 16x, exponential without bound. The
assertion allows 9x plus a fixed slack, measured in CPU time of this process (not
wall time) with the garbage collector paused, so a loaded machine does not make it
flaky while a quadratic walk still fails it by a wide margin.

The shapes are the issue's inputs and the quadratic walks found by the audit:
``match 1 { 1 => @@@@x!(1) }`` (``Node.last_token`` was 2^depth), unbound names in
a long ``|`` (the binder rescanned the siblings per name), many overloads with many
sends (inlay hints and the arity check compared every send with every contract),
many cases (formatting listed the cases per case), code actions over a whole file
(one wrap of the file per diagnostic), and one ``"`` typed into a real file.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rholang_lsp.features.code_actions import code_actions
from rholang_lsp.features.completion import complete
from rholang_lsp.features.definition import definition
from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.features.folding import folding_ranges
from rholang_lsp.features.formatting import format_edits
from rholang_lsp.features.highlight import document_highlights
from rholang_lsp.features.hover import hover
from rholang_lsp.features.inlay_hints import inlay_hints
from rholang_lsp.features.references import references
from rholang_lsp.features.rename import prepare_rename
from rholang_lsp.features.selection_range import selection_chain
from rholang_lsp.features.semantic_tokens import semantic_tokens
from rholang_lsp.features.signature_help import signature_help
from rholang_lsp.features.symbols import document_symbols
from rholang_lsp.syntax.diagnostic import Diagnostic
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///ws/a.rho"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _feature_times(text: str, offsets: int = 8) -> dict[str, float]:
    """CPU seconds per feature on ``text`` (position features at ``offsets`` places)."""
    times: dict[str, float] = {}

    def timed(name: str, f: Callable[[], object]) -> None:
        t0 = time.process_time()
        f()
        times[name] = times.get(name, 0.0) + time.process_time() - t0

    gc.collect()
    gc.disable()
    try:
        snap = Snapshot({URI: SimpleDocument(URI, text, 1)})
        timed("analysis", lambda: snap.analysis(URI))
        a = snap.analysis(URI)
        assert a is not None
        diags: list[Diagnostic] = []
        timed(
            "diagnostics", lambda: diags.extend(document_diagnostics(text, uri=URI, snapshot=snap))
        )
        timed("folding", lambda: folding_ranges(a.parse, LineIndex(text)))
        timed("semanticTokens", lambda: semantic_tokens(a.parse, a.model))
        timed("formatting", lambda: format_edits(text, None, parsed=a.parse))
        timed("documentSymbol", lambda: document_symbols(snap, URI))
        timed("inlayHint", lambda: inlay_hints(snap, URI))
        # a code action request over the whole file, with every diagnostic of it
        timed("codeAction(all)", lambda: code_actions(a, 0, len(text), a.model.diagnostics))
        n = len(text)
        for o in sorted({(n * i) // offsets for i in range(offsets + 1)}):
            timed("selectionRange", lambda o=o: selection_chain(a.parse, o))
            timed("hover", lambda o=o: hover(snap, URI, o))
            timed("definition", lambda o=o: definition(snap, URI, o))
            timed("references", lambda o=o: references(snap, URI, o))
            timed("highlight", lambda o=o: document_highlights(snap, URI, o))
            timed("completion", lambda o=o: complete(snap, URI, o))
            timed("signatureHelp", lambda o=o: signature_help(snap, URI, o))
            timed("prepareRename", lambda o=o: prepare_rename(snap, URI, o))
            timed("codeAction", lambda o=o: code_actions(a, o, o))
    finally:
        gc.enable()
    return times


FAMILIES: dict[str, tuple[Callable[[int], str], int]] = {
    # name: (program of size k, k) -- depths stay under the parser's bound of 400
    "nested quotes": (lambda k: "match 1 { 1 => " + "@" * k + "x!(1) }", 60),
    "nested blocks": (lambda k: "{" * k + "Nil" + "}" * k, 90),
    "nested new": (lambda k: "".join(f"new x{i} in {{ " for i in range(k)) + "Nil" + " }" * k, 90),
    "nested match": (lambda k: "match 1 { 1 => " * k + "Nil" + " }" * k, 90),
    "nested for": (
        lambda k: "".join(f"for (y{i} <- x) {{ " for i in range(k)) + "Nil" + " }" * k,
        90,
    ),
    "plus chain": (lambda k: "x!(" + " + ".join(["1"] * k) + ")", 300),
    "long par": (lambda k: " | ".join(["Nil"] * k), 300),
    "unbound in par": (lambda k: "\n".join("x!(1) |" for _ in range(k)) + "Nil", 300),
    "many args": (lambda k: "x!(" + ", ".join(["1"] * k) + ")", 300),
    "many news": (lambda k: "new " + ", ".join(f"a{i}" for i in range(k)) + " in { Nil }", 300),
    "many cases": (lambda k: "match 1 { " + " ".join(f"{i} => Nil" for i in range(k)) + " }", 600),
    "overloads and sends": (
        lambda k: (
            "new x in { " + " | ".join(f"contract x(@{i}) = {{ x!({i}) }}" for i in range(k)) + " }"
        ),
        150,
    ),
    "quoted overloads": (
        lambda k: " | ".join(f'contract @"s"(@{i}, r) = {{ @"s"!({i}) }}' for i in range(k)),
        150,
    ),
    "method chain": (lambda k: "x!(y" + ".foo()" * k + ")", 300),
    # one long line the formatter wraps (issue 14): sends with nested arguments in a
    # composition, a long join, and nested one-line blocks that each open up
    "wrapped sends": (
        lambda k: " | ".join(f'x!("m{i}", [1, (2, {{"a": {i}}})], *y)' for i in range(k)),
        150,
    ),
    "long join": (
        lambda k: "for (" + " & ".join(f"@a{i} <- x" for i in range(k)) + ") { Nil }",
        150,
    ),
    "nested one-line bodies": (
        lambda k: "".join(f"for (@a{i} <- x) {{ " for i in range(k)) + "Nil" + " }" * k,
        30,  # 4k = 120 levels: under the parser's bound
    ),
    "unterminated string": (lambda k: 'x!("' + "a b c\n" * k, 300),
}


def _ratio_failures(small: dict[str, float], big: dict[str, float]) -> list[str]:
    slack = 0.03  # CPU seconds: timer granularity, a stray allocation burst
    return [
        f"{name}: {small[name] * 1000:.1f} ms -> {big[name] * 1000:.1f} ms"
        for name in small
        if big[name] > 9 * small[name] + slack
    ]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_feature_work_grows_linearly(family: str) -> None:
    make, k = FAMILIES[family]
    small = _feature_times(make(k))
    big = _feature_times(make(4 * k))
    failures = _ratio_failures(small, big)
    if failures:  # one retry: a burst of load can hit one measurement
        small = _feature_times(make(k))
        big = _feature_times(make(4 * k))
        failures = _ratio_failures(small, big)
    assert not failures, f"{family}: superlinear {failures}"


def test_parser_bound_depth_is_fast() -> None:
    """Nesting at the parser's 400-level bound: every feature well under a second."""
    for text in (
        "match 1 { 1 => " + "@" * 400 + "x!(1) }",
        "[" * 400 + "1" + "]" * 400,
        "x!(" + " + ".join(["1"] * 1000) + ")",
    ):
        times = _feature_times(text, offsets=4)
        slow = {k: v for k, v in times.items() if v > 1.0}
        assert not slow, slow


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_typing_a_quote_into_a_large_real_file() -> None:
    """One ``"`` typed into the largest corpus test file (it froze clients for 42 s)."""
    path = max(CORPUS.rglob("*.rho"), key=lambda p: p.stat().st_size)
    text = path.read_text(encoding="utf-8", errors="replace")
    worst = 0.0
    for i in range(1, 6):
        o = len(text) * i // 6
        times = _feature_times(text[:o] + '"' + text[o:], offsets=3)
        worst = max(worst, max(times.values()))
    assert worst < 2.0, f"slowest feature took {worst:.2f} s of CPU"
