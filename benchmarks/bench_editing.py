"""Editing-features benchmark (not a test): ``python -m benchmarks.bench_editing [--quick]``.

On a generated ~2,000-line file (``workspace_gen.generate_large_file``):

* completion latency p50/p99 over many cursor positions, with the document's
  analysis cached (the usual case: the client asks after diagnostics ran) and
  "cold" (parse + bind of the edited text included, i.e. the first request after
  a keystroke);
* completion right after an in-block edit (one character typed after a ``{``,
  then completion at the cursor): *before* = the analysis of the new version
  (incremental reparse through ``AnalysisCache`` + full bind) then completion;
  *after* = ``syntax.reparse`` of the previous tree then completion from the parse
  tree alone (local scope query, no bind). Same file, same edits, same run;
* semantic tokens (full, classification + LSP encoding), folding, formatting.

``run(quick) -> dict`` returns the figures (for the benchmark suite); ``main``
prints them (``--json``: as JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import ServerProcess
from benchmarks.workspace_gen import generate_large_file
from rholang_lsp.features.completion import complete
from rholang_lsp.features.folding import folding_ranges
from rholang_lsp.features.formatting import format_edits
from rholang_lsp.features.semantic_tokens import semantic_tokens
from rholang_lsp.features.signature_help import signature_help
from rholang_lsp.server.handlers.editing import encode_semantic_tokens
from rholang_lsp.syntax import ParseResult, parse, reparse
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.analysis import AnalysisCache
from rholang_lsp.workspace.documents import TextDocument
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

ROOT = Path(__file__).resolve().parents[1]

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


def _stats(xs: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_pct(xs, 50), 3),
        "p99_ms": round(_pct(xs, 99), 3),
        "max_ms": round(max(xs), 3),
        "n": len(xs),
    }


class _ParsedSnapshot(Snapshot):
    """A snapshot whose latest parse tree is given (pure-function benchmark: the tree
    comes from ``syntax.reparse`` of the previous version)."""

    def __init__(self, uri: str, result: ParseResult, version: int) -> None:
        super().__init__({uri: SimpleDocument(uri, result.text, version)})
        self._result = result

    def parse(self, uri: str) -> ParseResult | None:
        return self._result if uri in self.documents else None


def _edit_points(text: str) -> list[int]:
    """Offsets right after ``{ `` (a space follows the brace): typing there is an edit
    inside a balanced block, at the start of a process."""
    return [i + 2 for i in range(len(text) - 2) if text[i] == "{" and text[i + 1] == " "]


def completion_after_edit(text: str, samples: int, seed: int = 7) -> dict[str, Any]:
    """Type one character after a ``{ `` then ask for completion right after it.

    ``before``: analysis of the new version (the cache replays the edit with an
    incremental reparse, then binds the whole file) + completion from it -- what a
    completion request cost before completion stopped needing the bind.
    ``after``: ``reparse`` of the previous tree + completion from the tree alone.
    Both are applied to the same sequence of edits (one document each).
    """
    rng = random.Random(seed)
    doc = TextDocument(URI, text, 1)
    cache = AnalysisCache()
    Snapshot({URI: doc}, cache=cache).analysis(URI)  # the open document's first analysis
    parsed = parse(text)
    before: list[float] = []
    after: list[float] = []
    reparse_ms: list[float] = []
    items: list[int] = []
    version = 1
    for _ in range(samples):
        at = rng.choice(_edit_points(doc.text))
        ch = rng.choice("sxcr")
        version += 1
        # before: full analysis of the new version, then completion
        line, col = doc.line_index.position(at)
        doc.apply_changes(
            [
                {
                    "range": {
                        "start": {"line": line, "character": col},
                        "end": {"line": line, "character": col},
                    },
                    "text": ch,
                }
            ],
            version,
        )
        t0 = time.perf_counter()
        snap = Snapshot({URI: doc}, cache=cache)
        snap.analysis(URI)
        res_b = complete(snap, URI, at + 1)
        before.append((time.perf_counter() - t0) * 1000)
        del snap
        # after: reparse of the previous tree, then completion from the tree alone
        t0 = time.perf_counter()
        parsed = reparse(parsed, at, at, ch)
        t1 = time.perf_counter()
        res_a = complete(_ParsedSnapshot(URI, parsed, version), URI, at + 1)
        t2 = time.perf_counter()
        after.append((t2 - t0) * 1000)
        reparse_ms.append((t1 - t0) * 1000)
        items.append(len(res_a.items))
        assert parsed.text == doc.text
        assert [i.label for i in res_a.items] == [i.label for i in res_b.items], at
    return {
        "samples": samples,
        "before_analysis_then_completion": _stats(before),
        "after_reparse_then_completion": _stats(after),
        "after_reparse_only": _stats(reparse_ms),
        "mean_items": round(statistics.mean(items), 1),
    }


async def completion_over_stdio(text: str, edits: int, seed: int = 7) -> dict[str, Any]:
    """The real server (``rholang-language-server --stdio``, default settings): open the
    file, then per sample one ``didChange`` (a character typed after a ``{ ``) followed at
    once by ``textDocument/completion`` right after it; the time from sending the
    didChange to the completion response (p50/p99)."""
    rng = random.Random(seed)
    sp = await ServerProcess.start("stdio")
    try:
        client = await sp.client()
        await client.initialize(None, progress=False)
        await client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "rholang", "version": 1, "text": text}},
        )
        current = text
        await client.request(  # warm-up: the first analysis of the opened file
            "textDocument/completion",
            {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}},
        )
        latencies: list[float] = []
        for v in range(2, edits + 2):
            at = rng.choice(_edit_points(current))
            ch = rng.choice("sxcr")
            line, col = LineIndex(current).position(at)
            pos = {"line": line, "character": col}
            t0 = time.perf_counter()
            await client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": URI, "version": v},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": ch}],
                },
            )
            res = await client.request(
                "textDocument/completion",
                {"textDocument": {"uri": URI}, "position": {"line": line, "character": col + 1}},
            )
            latencies.append((time.perf_counter() - t0) * 1000)
            assert res is not None
            current = current[:at] + ch + current[at:]
        await client.request("shutdown")
        await client.notify("exit")
    finally:
        await sp.stop()
    return {"edits": edits, "did_change_then_completion": _stats(latencies)}


def run(quick: bool = False, lines: int = 2000, server: bool = True) -> dict[str, Any]:
    """All figures as a dict (the suite's entry point)."""
    samples = 60 if quick else 400
    runs = 3 if quick else 10
    out: dict[str, Any] = {"benchmark": "editing", "quick": quick}
    text = generate_large_file(lines=lines, seed=42)
    n_lines = text.count("\n") + 1
    snap = Snapshot({URI: SimpleDocument(URI, text, 1)})
    t_analysis = _time_ms(lambda: snap.analysis(URI))
    a = snap.analysis(URI)
    assert a is not None
    out["file"] = {"lines": n_lines, "chars": len(text), "parse_bind_ms": round(t_analysis, 3)}

    rng = random.Random(7)
    positions = [rng.randrange(len(text)) for _ in range(samples)]
    warm: list[float] = []
    counts: list[int] = []
    for off in positions:
        t0 = time.perf_counter()
        res = complete(snap, URI, off)
        warm.append((time.perf_counter() - t0) * 1000)
        counts.append(len(res.items))
    out["completion_cached"] = {**_stats(warm), "mean_items": round(statistics.mean(counts), 1)}

    sig: list[float] = []
    for off in positions:
        sig.append(_time_ms(lambda off=off: signature_help(snap, URI, off)))  # type: ignore[misc]
    out["signature_help_cached"] = _stats(sig)

    cold: list[float] = []
    for i, off in enumerate(positions[: max(10, samples // 10)]):
        edited = text[:off] + " " + text[off:]
        s2 = Snapshot({URI: SimpleDocument(URI, edited, 100 + i)})
        cold.append(_time_ms(lambda s2=s2, off=off: complete(s2, URI, off + 1)))  # type: ignore[misc]
    out["completion_cold_full_parse"] = _stats(cold)
    out["completion_after_edit"] = completion_after_edit(text, 30 if quick else 200)

    index = LineIndex(text)
    classify = _median_ms(lambda: semantic_tokens(a.parse, a.model), runs)
    toks = semantic_tokens(a.parse, a.model)
    encode = _median_ms(lambda: encode_semantic_tokens(index, toks, "utf-16"), runs)
    out["semantic_tokens_full"] = {
        "ms": round(classify + encode, 3),
        "tokens": len(toks),
        "classify_ms": round(classify, 3),
        "encode_ms": round(encode, 3),
    }
    out["folding_ms"] = round(_median_ms(lambda: folding_ranges(a.parse, index), runs), 3)
    out["formatting_ms"] = round(_median_ms(lambda: format_edits(text), runs), 3)
    # what the server pays: it passes the cached parse (layout + edits only)
    out["formatting_layout_ms"] = round(
        _median_ms(lambda: format_edits(text, parsed=a.parse), runs), 3
    )
    if server:
        out["completion_over_stdio"] = asyncio.run(
            completion_over_stdio(text, 20 if quick else 100)
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer samples")
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--no-server", action="store_true", help="skip the measurement over stdio")
    args = ap.parse_args(argv)
    out = run(args.quick, args.lines, server=not args.no_server)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    f = out["file"]
    print(f"file: {f['lines']} lines, {f['chars']} chars; parse+bind {f['parse_bind_ms']:.1f} ms")
    w = out["completion_cached"]
    print(
        f"completion (analysis cached), {w['n']} positions: p50 {w['p50_ms']:.2f} ms, "
        f"p99 {w['p99_ms']:.2f} ms, max {w['max_ms']:.2f} ms (mean items {w['mean_items']:.0f})"
    )
    s = out["signature_help_cached"]
    print(f"signature help (cached): p50 {s['p50_ms']:.2f} ms, p99 {s['p99_ms']:.2f} ms")
    c = out["completion_cold_full_parse"]
    print(
        f"completion incl. a full parse (+ bind, if needed) of the edited file: p50 {c['p50_ms']:.1f} ms, "
        f"p99 {c['p99_ms']:.1f} ms"
    )
    e = out["completion_after_edit"]
    for key, label in (
        ("before_analysis_then_completion", "before: analysis (reparse + bind) + completion"),
        ("after_reparse_then_completion", "after:  reparse + completion (no bind)"),
        ("after_reparse_only", "        of which reparse"),
    ):
        st = e[key]
        print(
            f"completion after an in-block edit, {label}: p50 {st['p50_ms']:.2f} ms, "
            f"p99 {st['p99_ms']:.2f} ms, max {st['max_ms']:.2f} ms"
        )
    t = out["semantic_tokens_full"]
    print(
        f"semantic tokens full: {t['ms']:.1f} ms ({t['tokens']} tokens; classify "
        f"{t['classify_ms']:.1f} ms + encode {t['encode_ms']:.1f} ms)"
    )
    print(f"folding: {out['folding_ms']:.1f} ms")
    print(f"formatting (parse + layout + edits): {out['formatting_ms']:.1f} ms")
    print(f"formatting, cached parse (layout + edits): {out['formatting_layout_ms']:.1f} ms")
    if "completion_over_stdio" in out:
        st = out["completion_over_stdio"]["did_change_then_completion"]
        print(
            f"over stdio, didChange then completion: p50 {st['p50_ms']:.1f} ms, p99 {st['p99_ms']:.1f} ms, "
            f"max {st['max_ms']:.1f} ms ({st['n']} edits)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
