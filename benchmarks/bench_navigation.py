"""Navigation benchmark (not a test): index a generated workspace, then time the
navigation features as pure functions.

    python -m benchmarks.bench_navigation [--files 1000] [--quick] [--seed 42]

Measures the time to index the workspace (parse + bind + summarise every file into
the WorkspaceIndex, one process) and p50/p99 latency of definition, references,
rename, hover and workspace/symbol over the generator's probe positions, with the
probe's file open in the snapshot (analysis cached per version, as in the server)
and every other file known only through its summary. Results include converting
offsets back to LSP positions. Goals: definition and hover p99 < 5 ms; workspace-wide
references and rename p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.workspace_gen import Probe, generate_workspace
from rholang_lsp.features.definition import definition
from rholang_lsp.features.hover import hover
from rholang_lsp.features.references import references
from rholang_lsp.features.rename import rename
from rholang_lsp.features.symbols import workspace_symbols
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.analysis import AnalysisCache, summarize_text
from rholang_lsp.workspace.index import WorkspaceIndex
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

GOALS_MS = {"definition": 5.0, "hover": 5.0, "references": 50.0, "rename": 50.0}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--quick", action="store_true", help="200 files, fewer probes")
    ap.add_argument("--probes", type=int, default=300, help="probes per feature")
    args = ap.parse_args(argv)
    files = 200 if args.quick else args.files
    nprobes = 60 if args.quick else args.probes

    with tempfile.TemporaryDirectory(prefix="rho-nav-bench-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        info = generate_workspace(root, files, seed=args.seed)
        gen_s = time.perf_counter() - t0
        texts = {p.resolve().as_uri(): p.read_text(encoding="utf-8") for p in info.files}
        uri_of = {str(p.relative_to(root)): p.resolve().as_uri() for p in info.files}
        print(
            f"workspace: {files} files, {info.total_lines} lines, {info.total_bytes / 1e6:.2f} MB "
            f"(generated in {gen_s:.1f}s)"
        )

        # ---- index: parse + bind + summarise every file (single process)
        index = WorkspaceIndex()
        per_file: list[float] = []
        t0 = time.perf_counter()
        for uri, text in texts.items():
            t1 = time.perf_counter()
            index.update(uri, summarize_text(uri, text))
            per_file.append((time.perf_counter() - t1) * 1000)
        index_s = time.perf_counter() - t0
        print(
            f"index: {index_s:.2f}s total, {index_s / files * 1000:.2f} ms/file "
            f"(p50 {pct(per_file, 50):.2f} ms, p99 {pct(per_file, 99):.2f} ms)"
        )

        cache = AnalysisCache(capacity=256)
        line_indexes = {u: LineIndex(t) for u, t in texts.items()}

        def snap_for(uri: str) -> Snapshot:
            docs = {uri: SimpleDocument(uri, texts[uri], 1)}
            return Snapshot(docs, index, cache=cache, loader=texts.get)

        def offset(p: Probe) -> tuple[str, int]:
            uri = uri_of[p.file]
            return uri, line_indexes[uri].offset(p.line, p.character, "utf-16")

        def to_positions(snap: Snapshot, items: list[tuple[str, int, int]]) -> None:
            for uri, s, e in items:
                lm = snap.line_map(uri)
                if lm is not None:
                    lm.position(s, "utf-16")
                    lm.position(e, "utf-16")

        probes = {
            k: info.probes_of(k)[:nprobes]
            for k in ("global_send", "local_var", "contract_name", "doc_contract")
        }
        nav_probes = (probes["global_send"] + probes["local_var"] + probes["contract_name"])[
            : nprobes * 2
        ]
        ref_probes = (probes["global_send"] + probes["contract_name"])[:nprobes]

        results: dict[str, list[float]] = {}
        correct = [0, 0]

        def timed(
            name: str, plist: list[Probe], fn: Callable[[Snapshot, str, int, Probe], None]
        ) -> None:
            lat: list[float] = []
            for p in plist:
                uri, off = offset(p)
                snap = snap_for(uri)
                snap.analysis(uri)  # the open document is analysed once per version (cached)
                t1 = time.perf_counter()
                fn(snap, uri, off, p)
                lat.append((time.perf_counter() - t1) * 1000)
            results[name] = lat

        def do_def(snap: Snapshot, uri: str, off: int, p: Probe) -> None:
            locs = definition(snap, uri, off)
            to_positions(snap, [(loc.uri, loc.start, loc.end) for loc in locs])
            if p.definition is not None:
                correct[1] += 1
                want = (uri_of[p.definition.file], p.definition.line, p.definition.character)
                for loc in locs:
                    lm = snap.line_map(loc.uri)
                    if lm is not None and (loc.uri, *lm.position(loc.start, "utf-16")) == want:
                        correct[0] += 1
                        break

        def do_refs(snap: Snapshot, uri: str, off: int, p: Probe) -> None:
            locs = references(snap, uri, off)
            to_positions(snap, [(loc.uri, loc.start, loc.end) for loc in locs])

        def do_rename(snap: Snapshot, uri: str, off: int, p: Probe) -> None:
            edits = rename(snap, uri, off, "renamed_" + p.name.replace('"', "")) or {}
            to_positions(snap, [(u, e.start, e.end) for u, es in edits.items() for e in es])

        def do_hover(snap: Snapshot, uri: str, off: int, p: Probe) -> None:
            hover(snap, uri, off)

        timed("definition", nav_probes, do_def)
        timed("hover", nav_probes + probes["doc_contract"], do_hover)
        timed("references", ref_probes, do_refs)
        timed("rename", ref_probes, do_rename)

        queries = ["svc", "svc_01", "bal", "s1", "ordr", "vault", "x", "regacc", "tok", "ledger"]
        snap = snap_for(next(iter(texts)))
        lat = []
        nhits = 0
        for _ in range(3 if args.quick else 10):
            for q in queries:
                t1 = time.perf_counter()
                hits = workspace_symbols(snap, q)
                lat.append((time.perf_counter() - t1) * 1000)
                nhits += len(hits)
        results["workspace/symbol"] = lat

        print(f"{'feature':<18}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}  goal")
        ok = True
        for name, values in results.items():
            goal = GOALS_MS.get(name)
            p99 = pct(values, 99)
            mark = "" if goal is None else ("ok" if p99 < goal else f"MISSED (<{goal:g} ms)")
            ok = ok and (goal is None or p99 < goal)
            print(
                f"{name:<18}{len(values):>6}{statistics.median(values):>10.3f}{p99:>10.3f}"
                f"{max(values):>10.3f}  {mark}"
            )
        print(f"definition lands on the generator's expected location: {correct[0]}/{correct[1]}")
        print(f"symbols in index: {sum(1 for _ in index.iter_symbols())}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
