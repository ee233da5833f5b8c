"""Editing-features benchmark (not a test): ``python benchmarks/bench_editing.py [--quick]``.

On a generated ~2,000-line file (``workspace_gen.generate_large_file``):

* completion latency p50/p99 over many cursor positions, with the document's
  analysis cached (the usual case: the client asks after diagnostics ran) and
  "cold" (parse + bind of the edited text included, i.e. the first request after
  a keystroke);
* semantic tokens (full, classification + LSP encoding), folding, formatting.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks.workspace_gen import generate_large_file  # noqa: E402
from rholang_lsp.features.completion import complete  # noqa: E402
from rholang_lsp.features.folding import folding_ranges  # noqa: E402
from rholang_lsp.features.formatting import format_edits  # noqa: E402
from rholang_lsp.features.semantic_tokens import semantic_tokens  # noqa: E402
from rholang_lsp.features.signature_help import signature_help  # noqa: E402
from rholang_lsp.server.handlers.editing import encode_semantic_tokens  # noqa: E402
from rholang_lsp.syntax.line_index import LineIndex  # noqa: E402
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot  # noqa: E402

URI = "file:///bench/large.rho"


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def _time_ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    return statistics.median(_time_ms(fn) for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer samples")
    ap.add_argument("--lines", type=int, default=2000)
    args = ap.parse_args(argv)
    samples = 60 if args.quick else 400
    runs = 3 if args.quick else 10

    text = generate_large_file(lines=args.lines, seed=42)
    n_lines = text.count("\n") + 1
    snap = Snapshot({URI: SimpleDocument(URI, text, 1)})
    t_analysis = _time_ms(lambda: snap.analysis(URI))
    a = snap.analysis(URI)
    assert a is not None
    print(f"file: {n_lines} lines, {len(text)} chars; parse+bind {t_analysis:.1f} ms "
          f"(syntax errors: {a.parse.has_errors})")

    rng = random.Random(7)
    positions = [rng.randrange(len(text)) for _ in range(samples)]
    warm: list[float] = []
    counts: list[int] = []
    for off in positions:
        t0 = time.perf_counter()
        res = complete(snap, URI, off)
        warm.append((time.perf_counter() - t0) * 1000)
        counts.append(len(res.items))
    print(f"completion (analysis cached), {samples} positions: p50 {_pct(warm, 50):.2f} ms, "
          f"p99 {_pct(warm, 99):.2f} ms, max {max(warm):.2f} ms (mean items {statistics.mean(counts):.0f})")

    sig: list[float] = []
    for off in positions:
        sig.append(_time_ms(lambda off=off: signature_help(snap, URI, off)))  # type: ignore[misc]
    print(f"signature help (cached): p50 {_pct(sig, 50):.2f} ms, p99 {_pct(sig, 99):.2f} ms")

    cold: list[float] = []
    for i, off in enumerate(positions[: max(10, samples // 10)]):
        edited = text[:off] + " " + text[off:]
        s2 = Snapshot({URI: SimpleDocument(URI, edited, 100 + i)})
        cold.append(_time_ms(lambda s2=s2, off=off: complete(s2, URI, off + 1)))  # type: ignore[misc]
    print(f"completion incl. parse+bind of the edited file: p50 {_pct(cold, 50):.1f} ms, "
          f"p99 {_pct(cold, 99):.1f} ms")

    index = LineIndex(text)
    classify = _median_ms(lambda: semantic_tokens(a.parse, a.model), runs)
    toks = semantic_tokens(a.parse, a.model)
    encode = _median_ms(lambda: encode_semantic_tokens(index, toks, "utf-16"), runs)
    print(f"semantic tokens full: {classify + encode:.1f} ms ({len(toks)} tokens; classify "
          f"{classify:.1f} ms + encode {encode:.1f} ms)")
    print(f"folding: {_median_ms(lambda: folding_ranges(a.parse, index), runs):.1f} ms")
    print(f"formatting (parse + layout + edits): {_median_ms(lambda: format_edits(text), runs):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
