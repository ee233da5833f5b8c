"""What the suite modules share: the run context, generated workspaces, result rows.

A suite module (``benchmarks/suite_*.py``) exposes ``async def run(ctx: Context)
-> list[Row]``. Each :class:`Row` is one line of ``BENCHMARKS.md``: what is
measured, the seed's target, our goal, and the measured samples (median and
spread are computed by the report), or the reason it could not be measured.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
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
    section: str = "criteria"  # "criteria" or another table name of the report
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
    _workspaces: dict[tuple[int, int], WorkspaceInfo] = field(default_factory=dict)
    _warm_caches: dict[Path, Path] = field(default_factory=dict)
    _started: float = field(default_factory=time.perf_counter)

    @classmethod
    def create(cls, quick: bool, *, seed: int = SEED, log: Callable[[str], None] = print) -> Context:
        return cls(quick=quick, workdir=Path(tempfile.mkdtemp(prefix="rho-bench-")), seed=seed, log=log)

    def cleanup(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    def reps(self, quick: int, full: int) -> int:
        return quick if self.quick else full

    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    def say(self, msg: str) -> None:
        self.log(f"[{self.elapsed():6.1f}s] {msg}")

    def workspace(self, files: int) -> WorkspaceInfo:
        """The generated workspace of ``files`` files (deterministic, generated once per run)."""
        key = (files, self.seed)
        info = self._workspaces.get(key)
        if info is None:
            root = self.workdir / f"ws{files}"
            t0 = time.perf_counter()
            info = generate_workspace(root, files, seed=self.seed)
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
        self.say(f"filled the index cache of {len(info.files)} files in {time.perf_counter() - t0:.1f}s")
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
