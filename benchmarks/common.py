"""What the area modules share: the run context, generated workspaces, result rows.

Every area module (``benchmarks/parser.py``, ``editing.py``, ...: one per area, listed in
``benchmarks.__main__.AREAS``) measures and declares its own report rows: it exposes
``async def run(ctx: Context) -> list[Row]`` and ends with
``raise SystemExit(run_alone(run, __doc__))`` so that ``python -m benchmarks.<area>
[--quick]`` runs it alone and prints its rows. Each :class:`Row` is one line of
``BENCHMARKS.md``: what is measured, the target, and the measured samples (median and
spread are computed by the report), or the reason it could not be measured.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import CORPUS, Summary, summarize
from benchmarks.workspace_gen import WorkspaceInfo, generate_workspace

SEED = 42


@dataclass
class Row:
    """One measured line of the report.

    ``samples`` are in ``unit`` (one per repetition or per request); the report
    shows their median and spread. ``passed`` is None when there is no pass/fail.
    """

    key: str
    title: str
    unit: str
    samples: list[float] = field(default_factory=list)
    target: str = ""  # the seed's target (empty: not a roadmap criterion)
    goal: str = ""  # ours
    passed: bool | None = None
    note: str = ""
    not_measured: str | None = None  # reason, when there is no figure
    section: str = "criteria"  # "criteria", "issue19" or another table name of the report
    digits: int = 2
    extra: dict[str, Any] = field(default_factory=dict)  # machine-readable details

    @property
    def summary(self) -> Summary | None:
        return summarize(self.samples) if self.samples else None

    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "key": self.key,
            "title": self.title,
            "unit": self.unit,
            "target": self.target,
            "goal": self.goal,
            "passed": self.passed,
            "note": self.note,
            "not_measured": self.not_measured,
            "section": self.section,
            "summary": s.to_json() if s else None,
            "samples": self.samples,
            "extra": self.extra,
        }


@dataclass
class Context:
    """One run of the suite: mode, scratch directory, generated workspaces, progress log."""

    quick: bool
    workdir: Path
    seed: int = SEED
    log: Callable[[str], None] = print
    #: a prebuilt tree-sitter grammar (shared library) and its language function, for the
    #: side-by-side rows of issue 19 (``--tree-sitter-lib``); None: those rows say "not run"
    tree_sitter_lib: Path | None = None
    tree_sitter_symbol: str = "tree_sitter_rholang"
    _tree_sitter: Any = None
    _workspaces: dict[tuple[int, int, tuple[int, int]], WorkspaceInfo] = field(default_factory=dict)
    _warm_caches: dict[Path, Path] = field(default_factory=dict)
    _started: float = field(default_factory=time.perf_counter)

    @classmethod
    def create(
        cls,
        quick: bool,
        *,
        seed: int = SEED,
        log: Callable[[str], None] = print,
        tree_sitter_lib: Path | None = None,
        tree_sitter_symbol: str = "tree_sitter_rholang",
    ) -> Context:
        return cls(
            quick=quick,
            workdir=Path(tempfile.mkdtemp(prefix="rho-bench-")),
            seed=seed,
            log=log,
            tree_sitter_lib=tree_sitter_lib,
            tree_sitter_symbol=tree_sitter_symbol,
        )

    def tree_sitter(self) -> Any:
        """The reference parser (:class:`benchmarks.treesitter.TreeSitter`), or raise
        :class:`benchmarks.treesitter.NoGrammar` saying why there is none."""
        from benchmarks.treesitter import NoGrammar, TreeSitter

        if self._tree_sitter is None:
            if self.tree_sitter_lib is None:
                raise NoGrammar("not run: no grammar given (--tree-sitter-lib)")
            self._tree_sitter = TreeSitter.load(self.tree_sitter_lib, self.tree_sitter_symbol)
        return self._tree_sitter

    def cleanup(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    def reps(self, quick: int, full: int) -> int:
        return quick if self.quick else full

    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    def say(self, msg: str) -> None:
        self.log(f"[{self.elapsed():6.1f}s] {msg}")

    def workspace(self, files: int, lines_per_file: tuple[int, int] = (40, 160)) -> WorkspaceInfo:
        """The generated workspace of ``files`` files (deterministic, generated once per run)."""
        key = (files, self.seed, lines_per_file)
        info = self._workspaces.get(key)
        if info is None:
            lo, hi = lines_per_file
            root = self.workdir / f"ws{files}-{lo}-{hi}"
            t0 = time.perf_counter()
            info = generate_workspace(root, files, seed=self.seed, lines_per_file=lines_per_file)
            self.say(
                f"generated {files} files ({info.total_bytes / 1e6:.2f} MB, {info.total_lines} lines)"
                f" in {time.perf_counter() - t0:.2f}s"
            )
            self._workspaces[key] = info
        return info

    def fresh_dir(self, name: str) -> Path:
        """A new empty directory under the scratch directory (e.g. an index cache)."""
        base = self.workdir / name
        i = 0
        while (p := base.with_name(f"{base.name}-{i}")).exists():
            i += 1
        p.mkdir(parents=True)
        return p

    def register_warm_cache(self, root: Path, cache: Path) -> None:
        """``cache`` holds a complete index of ``root`` (e.g. after a cold run)."""
        self._warm_caches.setdefault(root, cache)

    async def warm_cache(self, info: WorkspaceInfo) -> Path:
        """An index cache directory already filled for ``info.root`` (indexes once if needed)."""
        cache = self._warm_caches.get(info.root)
        if cache is not None:
            return cache
        from benchmarks.harness import ServerProcess, wait_indexed

        cache = self.fresh_dir("cache-warm")
        t0 = time.perf_counter()
        sp = await ServerProcess.start("stdio", cache_dir=cache)
        try:
            client = await sp.client()
            await client.initialize(info.root)
            await wait_indexed(client)
            await client.shutdown()
        finally:
            await sp.stop()
        self.say(
            f"filled the index cache of {len(info.files)} files in {time.perf_counter() - t0:.1f}s"
        )
        self._warm_caches[info.root] = cache
        return cache

    def corpus_workspace(self) -> Path | None:
        """A copy of ``../shared/corpus`` (``.rho`` files only), or None when absent."""
        if not CORPUS.is_dir():
            return None
        dest = self.workdir / "corpus"
        if not dest.exists():
            for src in sorted(CORPUS.rglob("*.rho")):
                target = dest / src.relative_to(CORPUS)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
        return dest


def ms(seconds: float) -> float:
    return seconds * 1000.0


def not_measured(row: Row, reason: str) -> Row:
    row.not_measured = reason
    return row


def interleaved(
    cases: dict[str, Callable[[], float]], rounds: int, *, warmup: int = 1
) -> dict[str, list[float]]:
    """Run each case once per round, alternating the order every round (ABBA...), so that
    both sides of a ratio see the same machine; returns each case's samples."""
    names = list(cases)
    for _ in range(warmup):
        for name in names:
            cases[name]()
    out: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            out[name].append(cases[name]())
    return out


def timed_held(fn: Callable[[], object], gc_seconds: list[float] | None = None) -> float:
    """CPU seconds of one ``fn()`` whose result is held until the clock stops; the garbage
    of earlier samples is collected before the clock starts and this sample's after it
    stops. With ``gc_seconds``, the CPU seconds the cyclic GC's collections took inside the
    timed region are appended to it.

    Dropping a result inside the timed region frees nothing at once (a syntax tree is cyclic:
    parent pointers): the cyclic GC frees it later, at whichever allocation comes next,
    often in the other side's sample of an interleaved pair. So a ratio of a large and a
    small input swung from 0.24x to 20x between rounds before (the small side charged with
    freeing the large side's tree, or the other way round). The clock is the process's CPU
    time (``time.process_time``): these samples are single-threaded work in process, and on
    a shared machine the wall clock also counts the time other processes held the core."""
    clock = time.process_time
    in_gc = [0.0, 0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            in_gc[1] = clock()
        else:
            in_gc[0] += clock() - in_gc[1]

    gc.collect()
    if gc_seconds is not None:
        gc.callbacks.append(on_gc)
    try:
        t0 = clock()
        result = fn()
        dt = clock() - t0
    finally:
        if gc_seconds is not None:
            gc.callbacks.remove(on_gc)
    del result
    gc.collect()
    if gc_seconds is not None:
        gc_seconds.append(in_gc[0])
    return dt


def ratios(num: list[float], den: list[float]) -> list[float]:
    """Per-round ratios of two interleaved sample lists."""
    return [a / b for a, b in zip(num, den, strict=True) if b > 0]


def add_common_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (< 2 min on 2 cores)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument(
        "--tree-sitter-lib",
        type=Path,
        default=os.environ.get("RHOLANG_TREE_SITTER_LIB") or None,
        help="a prebuilt tree-sitter grammar of Rholang (shared library) for the side-by-side "
        "rows (env RHOLANG_TREE_SITTER_LIB); needs the `bench` extra (the tree-sitter package)",
    )
    ap.add_argument(
        "--tree-sitter-symbol",
        default=os.environ.get("RHOLANG_TREE_SITTER_SYMBOL", "tree_sitter_rholang"),
        help="the grammar's language function (env RHOLANG_TREE_SITTER_SYMBOL)",
    )
    ap.add_argument(
        "--compiled",
        action="store_true",
        help="run against the mypyc-compiled build (rholang_lsp.compiled): built into "
        ".build/mypyc/ when missing or stale, then this command runs again with it first on "
        "PYTHONPATH, server subprocesses included; the report header names the build",
    )


def context_from_args(args: argparse.Namespace, log: Callable[[str], None]) -> Context:
    if args.compiled:  # re-executes this command with the compiled build, once
        from benchmarks.compiled import reexec_compiled

        reexec_compiled(log)
    return Context.create(
        args.quick,
        seed=args.seed,
        log=log,
        tree_sitter_lib=args.tree_sitter_lib,
        tree_sitter_symbol=args.tree_sitter_symbol,
    )


def log_stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_alone(
    run: Callable[[Context], Coroutine[Any, Any, list[Row]]],
    doc: str | None,
    argv: list[str] | None = None,
) -> int:
    """``python -m benchmarks.<area> [--quick]``: run one area and print its rows."""
    from benchmarks.report import rows_table

    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawTextHelpFormatter)
    add_common_args(ap)
    args = ap.parse_args(argv)
    ctx = context_from_args(args, log_stderr)
    try:
        rows = asyncio.run(run(ctx))
    finally:
        ctx.cleanup()
    from rholang_lsp.compiled import build_name

    print(f"build: {build_name()}")
    print("\n".join(rows_table(rows)))
    return 0
