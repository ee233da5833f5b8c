"""Edit latency benchmark (not a test): ``python -m benchmarks.bench_edit_latency [--quick]``.

On the generated ~2,000-line file (``workspace_gen.generate_large_file(2000, seed=42)``):

1. **In process**: the time one diagnostics run blocks the event loop, i.e. what
   ``DiagnosticsPublisher._run`` does (session snapshot -> cached analysis ->
   syntax + semantic + cross-file diagnostics), for a *full* analysis (didOpen, or
   an edit the incremental path cannot take) and for an *incremental* one (one
   single-character edit inside a ``{ ... }`` block: replayed with ``reparse``,
   then a full bind). Also the parse alone, full vs reparse.
2. **Over stdio**: ``didChange`` -> ``publishDiagnostics`` latency through the
   real server (``rholang-language-server --stdio``, spawned by the benchmark
   harness, started with ``--diagnostics-debounce 0`` so that the debounce delay
   is not measured). The file is opened, then N single-character in-block edits
   are sent one at a time; each is timed from its send to the arrival of the
   publish of its version. p50 / p99.

``run(quick) -> dict`` returns the figures (used by the benchmark suite);
``main`` prints them (``--json`` for JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import ServerProcess, percentile
from benchmarks.workspace_gen import generate_large_file
from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.syntax import parse, reparse
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.analysis import AnalysisCache
from rholang_lsp.workspace.documents import TextDocument
from rholang_lsp.workspace.snapshot import Snapshot

ROOT = Path(__file__).resolve().parents[1]

URI = "file:///bench/edit-latency.rho"
LINES = 2000
SEED = 42


def in_block_offsets(text: str) -> list[int]:
    """Offsets right after a ``{`` followed by a space or newline: inserting a space
    there is a single-character edit inside a balanced block."""
    return [i + 1 for i, c in enumerate(text) if c == "{" and text[i + 1 : i + 2] in (" ", "\n")]


def _ms(xs: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(xs, 50) * 1000, 3),
        "p99_ms": round(percentile(xs, 99) * 1000, 3),
        "mean_ms": round(statistics.fmean(xs) * 1000, 3),
        "max_ms": round(max(xs) * 1000, 3),
        "min_ms": round(min(xs) * 1000, 3),
    }


def _diagnostics_run(doc: TextDocument, cache: AnalysisCache) -> float:
    """What one publisher run costs on the loop (seconds)."""
    t0 = time.perf_counter()
    snap = Snapshot({doc.uri: doc}, cache=cache)
    document_diagnostics(doc.text, uri=doc.uri, snapshot=snap)
    return time.perf_counter() - t0


def in_process(text: str, samples: int, rng: random.Random) -> dict[str, Any]:
    gc.collect()
    full_runs: list[float] = []
    incr_runs: list[float] = []
    parse_full: list[float] = []
    parse_incr: list[float] = []
    fell_back = 0
    for _ in range(samples):
        doc = TextDocument(URI, text, 1)
        cache = AnalysisCache()
        full_runs.append(_diagnostics_run(doc, cache))  # cold: full parse + bind
        at = rng.choice(in_block_offsets(doc.text))
        line, ch = doc.line_index.position(at)
        doc.apply_edit(line, ch, line, ch, " ")
        doc.version = 2
        incr_runs.append(_diagnostics_run(doc, cache))
        if cache.stats["reparsed_edits"] != 1:
            fell_back += 1
        t0 = time.perf_counter()
        old = parse(text)
        parse_full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        reparse(old, at, at, " ")
        parse_incr.append(time.perf_counter() - t0)
    return {
        "file_chars": len(text),
        "file_lines": text.count("\n") + 1,
        "samples": samples,
        "diagnostics_run_full": _ms(full_runs),
        "diagnostics_run_incremental": _ms(incr_runs),
        "parse_full": _ms(parse_full),
        "reparse_in_block": _ms(parse_incr),
        "incremental_fallbacks": fell_back,
    }


async def over_stdio(text: str, edits: int, rng: random.Random) -> dict[str, Any]:
    sp = await ServerProcess.start("stdio", "--diagnostics-debounce", "0")
    try:
        client = await sp.client()
        await client.initialize(None, progress=False)
        t0 = time.perf_counter()
        uri = URI
        await client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": text}},
        )
        first = await asyncio.wait_for(
            client.wait_for("textDocument/publishDiagnostics", lambda p: p.get("version") == 1),
            60,
        )
        open_s = first.at - t0
        latencies: list[float] = []
        current = text
        for v in range(2, edits + 2):
            at = rng.choice(in_block_offsets(current))
            line, ch = LineIndex(current).position(at)
            since = len(client.notifications)
            waiter = client.wait_for(
                "textDocument/publishDiagnostics",
                lambda p, v=v: p.get("version") == v,  # type: ignore[misc]
                since=since,
            )
            sent = time.perf_counter()
            await client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": v},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": line, "character": ch},
                                "end": {"line": line, "character": ch},
                            },
                            "text": " ",
                        }
                    ],
                },
            )
            note = await asyncio.wait_for(waiter, 60)
            latencies.append(note.at - sent)
            current = current[:at] + " " + current[at:]
        await client.request("shutdown")
        await client.notify("exit")
    finally:
        await sp.stop()
    return {
        "edits": edits,
        "debounce_s": 0.0,
        "open_to_publish_ms": round(open_s * 1000, 3),
        "did_change_to_publish": _ms(latencies),
    }


async def arun(quick: bool = False) -> dict[str, Any]:
    """``run`` for callers already inside an event loop."""
    text = generate_large_file(lines=LINES, seed=SEED)
    rng = random.Random(SEED)
    local = in_process(text, 5 if quick else 30, rng)
    remote = await over_stdio(text, 20 if quick else 200, rng)
    return {"benchmark": "edit_latency", "quick": quick, "in_process": local, "stdio": remote}


def run(quick: bool = False) -> dict[str, Any]:
    """All figures as a dict (the suite's entry point; starts its own event loop)."""
    return asyncio.run(arun(quick))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer samples")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args(argv)
    out = run(args.quick)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    loc, rem = out["in_process"], out["stdio"]
    print(f"file: {loc['file_lines']} lines, {loc['file_chars']} chars")
    print("in process (one diagnostics run = time the event loop is blocked):")
    for key in (
        "diagnostics_run_full",
        "diagnostics_run_incremental",
        "parse_full",
        "reparse_in_block",
    ):
        s = loc[key]
        print(
            f"  {key:30s} min {s['min_ms']:8.2f}  p50 {s['p50_ms']:8.2f}  p99 {s['p99_ms']:8.2f} ms"
        )
    print(f"  incremental fallbacks: {loc['incremental_fallbacks']}/{loc['samples']}")
    d = rem["did_change_to_publish"]
    print(f"over stdio (--diagnostics-debounce 0), {rem['edits']} single-character in-block edits:")
    print(f"  didOpen -> publish              {rem['open_to_publish_ms']:8.2f} ms")
    print(f"  didChange -> publishDiagnostics p50 {d['p50_ms']:8.2f} ms  p99 {d['p99_ms']:8.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
