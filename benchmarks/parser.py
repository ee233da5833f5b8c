"""Parser figures, in process: ``python -m benchmarks.parser [--quick] [--tree-sitter-lib PATH]``.

* throughput of a full parse over the shared corpus and over the generated 1,000-file
  workspace (MB/s);
* side by side with F1R3FLY's tree-sitter grammar (issue 19; only when a prebuilt grammar is
  given, see ``benchmarks/treesitter.py``), in interleaved rounds of the same run:
  corpus throughput, a one-character edit inside a contract body of the 2,005-line file
  (our ``reparse`` vs tree-sitter's ``Tree.edit`` + reparse), and the memory of all corpus
  trees held (RSS growth in a fresh child process, per source byte);
* linearity: parse cost per KB of the 20,010-line file over the 2,005-line one
  (``file_with_lines``: the same contracts repeated), per round.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Context, Row, interleaved, ratios, run_alone, timed_held
from benchmarks.harness import CORPUS, ROOT
from benchmarks.treesitter import NoGrammar, point_of
from rholang_lsp.syntax import parse, reparse


def corpus_paths() -> list[Path]:
    return sorted(CORPUS.rglob("*.rho")) if CORPUS.is_dir() else []


def corpus_texts() -> list[str]:
    return [p.read_bytes().decode("utf-8", "replace") for p in corpus_paths()]


def file_with_lines(texts: list[str] | None, lines: int, *, declare_stores: bool = True) -> str:
    """Deterministic ~``lines``-line valid program: corpus-like contracts in one `new`
    (2,005 lines for 2,000, 20,010 for 20,000). ``declare_stores=False`` leaves the seven
    store channels undeclared, so every use of them is an unbound name."""
    body: list[str] = []
    i = 0
    count = 0
    while count < lines - 2:
        block = (
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
        body.append(block)
        count += block.count("\n") + 1  # lines of "\n".join(body) so far
        i += 1
    stores = ", " + ", ".join(f"store{j}" for j in range(7)) if declare_stores else ""
    return f"new log(`rho:io:stdout`){stores} in {{\n" + "\n".join(body) + "\n  Nil\n}\n"


def edit_point(text: str) -> int:
    """Inside the string of a ``log!("hit", i)`` in the middle of the file: a
    one-character edit inside a contract body."""
    return text.index('"hit"', len(text) // 2) + 1


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def parse_all(texts: list[str]) -> None:
    """A full parse of every text, each tree dropped before the next (as an indexer does)."""
    for t in texts:
        parse(t)


# ------------------------------------------------------------------ incremental reparse


class OursEdits:
    """One-character edits at ``pos``, typed then deleted, each on the previous tree."""

    def __init__(self, text: str, pos: int) -> None:
        self.pos = pos
        self.result = parse(text)
        self.typed = False
        self.incremental = True

    def one(self) -> float:
        pos = self.pos
        before = self.result.tree
        t0 = time.perf_counter()
        if self.typed:
            self.result = reparse(self.result, pos, pos + 1, "")
        else:
            self.result = reparse(self.result, pos, pos, "z")
        dt = time.perf_counter() - t0
        self.typed = not self.typed
        self.incremental = self.incremental and self.result.tree is before
        return dt


class TreeSitterEdits:
    """The same edits on tree-sitter: ``Tree.edit`` then ``Parser.parse(new, old_tree)``."""

    def __init__(self, ts: Any, text: str, pos: int) -> None:
        self.parser = ts.parser()
        self.data = text.encode("utf-8")
        self.pos = len(text[:pos].encode("utf-8"))
        self.tree = self.parser.parse(self.data)
        self.typed = False

    def one(self) -> float:
        pos, data = self.pos, self.data
        p = point_of(data, pos)
        t0 = time.perf_counter()
        if self.typed:
            new = data[:pos] + data[pos + 1 :]
            self.tree.edit(pos, pos + 1, pos, p, (p[0], p[1] + 1), p)
        else:
            new = data[:pos] + b"z" + data[pos:]
            self.tree.edit(pos, pos, pos + 1, p, p, (p[0], p[1] + 1))
        self.tree = self.parser.parse(new, self.tree)
        dt = time.perf_counter() - t0
        self.data = new
        self.typed = not self.typed
        return dt


def _block(fn: Callable[[], float], n: int) -> Callable[[], float]:
    """``n`` calls of ``fn``; the block's median (one interleaved sample)."""

    def run() -> float:
        return statistics.median(fn() for _ in range(n))

    return run


# ------------------------------------------------------------------ memory (child process)

_CHILD = """
import ctypes, gc, json, sys
import psutil
from pathlib import Path
kind, lib, symbol = sys.argv[1], sys.argv[2], sys.argv[3]
paths = json.loads(sys.stdin.read())
datas = [Path(p).read_bytes() for p in paths]
texts = [d.decode("utf-8", "replace") for d in datas]
if kind == "ours":
    from rholang_lsp.syntax import parse
    parse("new x in { x!(1) }")
    run = lambda: [parse(t) for t in texts]
elif kind == "flat":  # the same trees as flat arrays, the trees themselves dropped
    from array import array
    from rholang_lsp.syntax import parse
    def flatten(root):
        kinds, starts, widths = array("H"), array("i"), array("i")
        parents, sizes = array("i"), array("i")
        index = {}
        for i, el in enumerate(root.walk_elements()):
            index[id(el)] = i
            kinds.append(int(el.kind))
            starts.append(el.start)
            widths.append(el.end - el.start)
            parents.append(index[id(el.parent)] if el.parent is not None else -1)
            sizes.append(1)
        for i in range(len(sizes) - 1, 0, -1):
            sizes[parents[i]] += sizes[i]
        return kinds, starts, widths, parents, sizes
    # made through the Python trees, then kept as bytes and the trees freed, so that the
    # arrays measured are made where a flat parser would make them (not between the freed
    # trees' objects, which would pin their memory)
    import pickle
    blob = pickle.dumps([flatten(parse(t).tree) for t in texts])
    run = lambda: pickle.loads(blob)
else:
    from benchmarks.treesitter import TreeSitter
    parser = TreeSitter.load(Path(lib), symbol).parser()
    parser.parse(b"new x in { x!(1) }")
    run = lambda: [parser.parse(d) for d in datas]
def rss():
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    return psutil.Process().memory_info().rss
before = rss()
held = run()
after = rss()
print(json.dumps({"bytes": sum(len(d) for d in datas), "growth": after - before, "trees": len(held)}))
"""


def memory_per_source_byte(paths: list[Path], kind: str, lib: Path | None, symbol: str) -> float:
    """RSS growth of a fresh interpreter holding the trees of ``paths``, per source byte."""
    env = dict(os.environ)
    # --compiled put its build first on PYTHONPATH: this checkout's src would shadow it
    src = [] if env.get("RHOLANG_LSP_EXPECT_COMPILED") == "1" else [str(ROOT / "src")]
    env["PYTHONPATH"] = os.pathsep.join([*src, str(ROOT), env.get("PYTHONPATH", "")])
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(lib or ""), symbol],
        input=json.dumps([str(p) for p in paths]),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return float(r["growth"]) / float(r["bytes"])


# ------------------------------------------------------------------ rows


def _corpus_rows(ctx: Context, texts: list[str], ts: Any, no_ts: str) -> list[Row]:
    datas = [t.encode("utf-8") for t in texts]
    size = sum(len(d) for d in datas)
    mb = size / 1e6
    rounds = ctx.reps(2, 7)
    label = f"{len(texts)} files, {mb:.2f} MB"

    cases: dict[str, Callable[[], float]] = {"ours": lambda: _timed(lambda: parse_all(texts))}
    if ts is not None:
        parser = ts.parser()

        def ts_all() -> None:
            for d in datas:
                parser.parse(d)

        cases["ts"] = lambda: _timed(ts_all)
    ctx.say(f"parse throughput: corpus ({label}), {rounds} interleaved rounds")
    got = interleaved(cases, rounds)
    rate = [mb / s for s in got["ours"]]
    rows = [
        Row(
            "parse_corpus",
            f"parse throughput, shared corpus ({label}), full parse",
            "MB/s",
            rate,
            section="further",
        ),
        Row(
            "i19_parse_mbs",
            f"parse throughput on the corpus ({label})",
            "MB/s",
            rate,
            target="≥ 4 MB/s",
            passed=statistics.median(rate) >= 4.0,
            section="issue19",
        ),
    ]
    if ts is not None:
        ts_rate = [mb / s for s in got["ts"]]
        ratio = ratios(got["ours"], got["ts"])
        rows.append(
            Row(
                "i19_parse_vs_ts",
                "parse time on the corpus, ours / tree-sitter's",
                "×",
                ratio,
                target="≤ 5×",
                passed=statistics.median(ratio) <= 5.0,
                section="issue19",
                note=f"tree-sitter {statistics.median(ts_rate):.1f} MB/s "
                f"({min(ts_rate):.1f}–{max(ts_rate):.1f}); per round",
            )
        )
    else:
        rows.append(
            Row(
                "i19_parse_vs_ts",
                "parse time on the corpus, ours / tree-sitter's",
                "×",
                target="≤ 5×",
                section="issue19",
                not_measured=no_ts,
            )
        )
    return rows


def _reparse_rows(ctx: Context, ts: Any, no_ts: str) -> list[Row]:
    text = file_with_lines(None, 2000)
    nlines = text.count("\n")
    pos = edit_point(text)
    per_block = ctx.reps(10, 50)
    rounds = ctx.reps(2, 10)
    ours = OursEdits(text, pos)
    cases: dict[str, Callable[[], float]] = {"ours": _block(ours.one, per_block)}
    if ts is not None:
        cases["ts"] = _block(TreeSitterEdits(ts, text, pos).one, per_block)
    ctx.say(f"incremental reparse: {nlines}-line file, {rounds} rounds × {per_block} edits")
    got = interleaved(cases, rounds)
    ms = [s * 1000 for s in got["ours"]]
    mode = "incremental" if ours.incremental else "full fallback"
    rows = [
        Row(
            "reparse_2k",
            f"one-character edit in a contract body, reparse ({nlines}-line file)",
            "ms",
            ms,
            section="further",
            digits=3,
            note=f"{mode}; median of {per_block} edits per round",
        )
    ]
    if ts is not None:
        ratio = ratios(got["ours"], got["ts"])
        ts_ms = [s * 1000 for s in got["ts"]]
        rows.append(
            Row(
                "i19_reparse_vs_ts",
                f"incremental reparse vs tree-sitter edit + reparse, same edit ({nlines} lines)",
                "×",
                ratio,
                target="≤ 5×",
                passed=statistics.median(ratio) <= 5.0,
                section="issue19",
                note=f"ours {statistics.median(ms):.3f} ms ({mode}), tree-sitter "
                f"{statistics.median(ts_ms):.3f} ms; per round (median of {per_block} edits each)",
            )
        )
    else:
        rows.append(
            Row(
                "i19_reparse_vs_ts",
                "incremental reparse vs tree-sitter edit + reparse, same edit",
                "×",
                target="≤ 5×",
                section="issue19",
                not_measured=no_ts,
                note=f"ours {statistics.median(ms):.3f} ms ({mode})",
            )
        )
    return rows


def _linearity_rows(ctx: Context, ts: Any) -> list[Row]:
    small = file_with_lines(None, 2000)
    big = file_with_lines(None, 20000)
    ls, lb = small.count("\n"), big.count("\n")
    bs, bb = len(small.encode()), len(big.encode())
    rounds = ctx.reps(2, 7)
    # CPU time, each tree held until the clock stops and freed outside it (``timed_held``)
    in_gc: dict[str, list[float]] = {"small": [], "big": []}
    cases: dict[str, Callable[[], float]] = {
        "small": lambda: timed_held(lambda: parse(small), in_gc["small"]),
        "big": lambda: timed_held(lambda: parse(big), in_gc["big"]),
    }
    if ts is not None:
        parser = ts.parser()
        ds, db = small.encode(), big.encode()
        cases["ts_small"] = lambda: timed_held(lambda: parser.parse(ds))
        cases["ts_big"] = lambda: timed_held(lambda: parser.parse(db))
    ctx.say(f"parse cost per KB: {lb} vs {ls} lines, {rounds} rounds")
    got = interleaved(cases, rounds)
    per_kb = [(b / bb) / (s / bs) for b, s in zip(got["big"], got["small"], strict=True)]
    gc_small, gc_big = (statistics.median(in_gc[k][-rounds:]) * 1000 for k in ("small", "big"))
    note = (
        f"full parse {statistics.median(got['small']) * 1000:.1f} ms ({ls} lines) and "
        f"{statistics.median(got['big']) * 1000:.0f} ms ({lb} lines), CPU time, of which the "
        f"cyclic GC's collections {gc_small:.1f} and {gc_big:.0f} ms; per "
        "round; each tree held until the clock stops, earlier samples' garbage collected "
        "outside it"
    )
    if ts is not None:
        ts_kb = [(b / bb) / (s / bs) for b, s in zip(got["ts_big"], got["ts_small"], strict=True)]
        note += f"; tree-sitter {statistics.median(ts_kb):.2f}×"
    return [
        Row(
            "i19_parse_per_kb",
            f"parse cost per KB, {lb:,}-line vs {ls:,}-line file",
            "×",
            per_kb,
            target="≤ 1.1× (linear)",
            passed=statistics.median(per_kb) <= 1.1,
            section="issue19",
            note=note,
        ),
        Row(
            "parse_2000",
            f"full parse, {ls}-line file",
            "ms",
            [s * 1000 for s in got["small"]],
            section="further",
        ),
        Row(
            "parse_20000",
            f"full parse, {lb}-line file",
            "ms",
            [s * 1000 for s in got["big"]],
            section="further",
            digits=0,
        ),
    ]


def _memory_rows(ctx: Context, paths: list[Path], ts: Any, no_ts: str) -> list[Row]:
    rounds = ctx.reps(1, 3)
    cases: dict[str, Callable[[], float]] = {
        "ours": lambda: memory_per_source_byte(paths, "ours", None, ctx.tree_sitter_symbol)
    }
    if ts is not None:
        cases["ts"] = lambda: memory_per_source_byte(paths, "ts", ts.path, ctx.tree_sitter_symbol)
    # what would meet the target: the same trees as flat arrays (see the note)
    cases["flat"] = lambda: memory_per_source_byte(paths, "flat", None, ctx.tree_sitter_symbol)
    ctx.say(f"memory of the corpus trees: {rounds} rounds of fresh child processes")
    got = interleaved(cases, rounds, warmup=0)
    note = "RSS growth of a fresh interpreter holding every tree (gc + malloc_trim before reading)"
    if ts is not None:
        note += f"; tree-sitter {statistics.median(got['ts']):.1f} B/B (same method, same run)"
    else:
        note += f"; tree-sitter {no_ts}"
    note += (
        f"; the same trees as flat arrays (kind uint16; start, width, parent and subtree size"
        f" int32; token texts slices of the source, trivia the gaps between tokens):"
        f" {statistics.median(got['flat']):.1f} B/B (same method, same run): one Python"
        f" object per node and token (80 B each compiled, with its children tuple) cannot"
        f" reach 25, a flat tree with views made on demand would"
    )
    return [
        Row(
            "i19_memory",
            f"memory of all corpus trees held ({len(paths)} files)",
            "B per source B",
            got["ours"],
            target="≤ 25 (tree-sitter: 20.0)",
            passed=statistics.median(got["ours"]) <= 25.0,
            section="issue19",
            digits=1,
            note=note,
        )
    ]


def _parse_generated(ctx: Context, files: int) -> Row:
    info = ctx.workspace(files)
    texts = [p.read_text(encoding="utf-8") for p in info.files]
    size = sum(len(t.encode("utf-8")) for t in texts)
    rates = [size / 1e6 / _timed(lambda: parse_all(texts)) for _ in range(2)]
    return Row(
        "parse_generated",
        f"parse throughput, generated workspace ({files:,} files, {size / 1e6:.2f} MB)",
        "MB/s",
        rates,
        section="further",
    )


async def run(ctx: Context) -> list[Row]:
    try:
        ts = ctx.tree_sitter()
        no_ts = ""
        ctx.say(f"reference: {ts.describe()}")
    except NoGrammar as e:
        ts, no_ts = None, str(e)
    gc.collect()
    rows: list[Row] = []
    paths = corpus_paths()
    if paths:
        rows += _corpus_rows(ctx, corpus_texts(), ts, no_ts)
    else:
        why = "../shared/corpus not found next to the checkout"
        for key, unit in (("parse_corpus", "MB/s"), ("i19_parse_mbs", "MB/s")):
            sec = "issue19" if key.startswith("i19") else "further"
            rows.append(
                Row(key, "parse throughput, shared corpus", unit, section=sec, not_measured=why)
            )
    rows += _reparse_rows(ctx, ts, no_ts)
    rows += _linearity_rows(ctx, ts)
    if paths:
        rows += _memory_rows(ctx, paths, ts, no_ts)
    if not ctx.quick:
        rows.append(_parse_generated(ctx, 1000))
    return rows


if __name__ == "__main__":
    raise SystemExit(run_alone(run, __doc__))
