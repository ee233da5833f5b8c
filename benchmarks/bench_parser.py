"""Parser benchmark (not a test): ``python -m benchmarks.bench_parser [--quick]``.

Reports full-parse throughput over the shared corpus (median of N runs), and the
time to parse and to reparse after an in-block edit for a ~120-line and a
~2,000-line file (the latter built deterministically from corpus files).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rholang_lsp.syntax import SyntaxKind, parse, reparse

ROOT = Path(__file__).resolve().parents[1]

CORPUS = ROOT.parent / "shared" / "corpus"


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def corpus_texts() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return [p.read_bytes().decode("utf-8", "replace") for p in sorted(CORPUS.rglob("*.rho"))]


def file_with_lines(texts: list[str], lines: int) -> str:
    """Deterministic ~``lines``-line valid program: corpus-like contracts in one `new`."""
    body: list[str] = []
    i = 0
    while len("\n".join(body).splitlines()) < lines - 2:
        body.append(
            f"  contract get{i}(@key, ret) = {{\n"
            f"    for (@map <<- store{i % 7}) {{\n"
            f"      match map.get(key) {{\n"
            f'        Nil => ret!((false, "missing"))\n'
            f'        value => {{ ret!((true, value)) | log!("hit", {i}) }}\n'
            f"      }}\n"
            f"    }}\n"
            f"  }} |\n"
            f"  contract put{i}(@key, @value, ack) = {{\n"
            f"    for (@map <- store{i % 7}) {{\n"
            f"      store{i % 7}!(map.set(key, value)) | ack!(Nil)\n"
            f"    }}\n"
            f"  }} |"
        )
        i += 1
    stores = ", ".join(f"store{j}" for j in range(7))
    return f"new log(`rho:io:stdout`), {stores} in {{\n" + "\n".join(body) + "\n  Nil\n}\n"


def run(quick: bool = False) -> dict[str, Any]:
    """Measure; return ``{"rows": [(name, value text)], "corpus": {...} | None, ...}``.

    ``corpus``: files, bytes, ``seconds`` (median full parse of all files) and
    ``mb_per_s``; ``files``: per generated file size, ``parse_ms`` and ``reparse_ms``.
    """
    runs = 3 if quick else 7
    rows: list[tuple[str, str]] = []
    out: dict[str, Any] = {"runs": runs, "corpus": None, "files": {}}
    texts = corpus_texts()
    if texts:
        size = sum(len(t.encode("utf-8")) for t in texts)

        def all_files() -> None:
            for t in texts:
                parse(t)

        ms = _median_ms(all_files, runs)
        out["corpus"] = {
            "files": len(texts),
            "bytes": size,
            "seconds": ms / 1000,
            "mb_per_s": size / 1e6 / (ms / 1000),
        }
        rows.append(
            (
                f"corpus full parse ({len(texts)} files, {size / 1e6:.2f} MB)",
                f"{ms:.0f} ms = {size / 1e6 / (ms / 1000):.2f} MB/s",
            )
        )
    small = file_with_lines(texts, 120)
    big = file_with_lines(texts, 2000)
    for label, text in (("~120-line file", small), ("~2,000-line file", big)):
        nlines = text.count("\n")
        ms = _median_ms(lambda text=text: parse(text), runs)  # type: ignore[misc]
        rows.append((f"{label} ({nlines} lines) full parse", f"{ms:.2f} ms"))
        # in-block edit in the middle: change a string literal inside a block
        pos = text.index('"hit"', len(text) // 2) + 1
        times = []
        incremental = True
        for i in range(runs * 5):
            old = parse(text)
            tree_before = old.tree
            t0 = time.perf_counter()
            new = reparse(old, pos, pos + 3, "hit" if i % 2 else "miss!")
            times.append(time.perf_counter() - t0)
            incremental = incremental and new.tree is tree_before
        rms = statistics.median(times) * 1000
        tag = "incremental" if incremental else "FULL (fallback)"
        rows.append((f"{label} in-block edit reparse [{tag}]", f"{rms:.3f} ms"))
        out["files"][nlines] = {
            "lines": nlines,
            "bytes": len(text.encode("utf-8")),
            "parse_ms": ms,
            "reparse_ms": rms,
            "incremental": incremental,
        }
    out["rows"] = rows
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    args = ap.parse_args()
    rows = run(args.quick)["rows"]
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark'.ljust(width)}  result")
    print(f"{'-' * width}  ------")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    assert SyntaxKind.SOURCE_FILE  # keep import used
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
