"""``rholang-lsp index PATH``: index a folder the way the server does and print statistics."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from concurrent.futures import Executor
from pathlib import Path
from typing import TextIO

from rholang_lsp.workspace.cache import IndexCache
from rholang_lsp.workspace.indexer import (
    IndexStats,
    WorkspaceIndexer,
    default_workers,
    start_executor,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="folder to index")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the persistent index cache"
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="index cache directory (default $XDG_CACHE_HOME/rholang-language-server)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: one per CPU; 0: parse in this process)",
    )


def validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    path = Path(args.path)
    if not path.exists():
        parser.error(f"{args.path}: does not exist")
    if not path.is_dir():
        parser.error(f"{args.path}: not a directory (index takes a folder)")
    if args.jobs is not None and args.jobs < 0:
        parser.error("--jobs must be >= 0")


class _Bar:
    """A one-line progress bar on a terminal (nothing when not a tty)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        width = 30
        filled = width * done // total
        self.stream.write(
            f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files"
        )
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


async def index_folder(
    path: Path,
    *,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    progress: _Bar | None = None,
) -> IndexStats:
    root = Path(path).resolve()
    workers = default_workers() if jobs is None else jobs
    pool: list[Executor] = []

    async def factory() -> Executor | None:
        """Workers start only if some file must be read (not on a fully cached run)."""
        if workers <= 0:
            return None
        if not pool:
            pool.append(await start_executor(workers))
        return pool[0]

    try:
        indexer = WorkspaceIndexer(
            root,
            cache=IndexCache(root, directory=cache_dir, enabled=use_cache),
            executor_factory=factory,
        )
        stats = await indexer.run(progress=progress)
        if indexer.state.error:
            raise RuntimeError(indexer.state.error)
        return stats
    finally:
        for executor in pool:
            executor.shutdown(wait=True, cancel_futures=True)


def run(args: argparse.Namespace) -> int:
    bar = _Bar(sys.stderr)
    try:
        stats = asyncio.run(
            index_folder(
                Path(args.path),
                use_cache=not args.no_cache,
                cache_dir=Path(args.cache_dir) if args.cache_dir else None,
                jobs=args.jobs,
                progress=bar,
            )
        )
    except Exception as e:
        bar.finish()
        print(f"rholang-lsp index: {e}", file=sys.stderr)
        return 1
    bar.finish()
    for path, error in stats.errors:
        print(f"skipped {path}: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps(stats.to_json()))
    else:
        rate = stats.files / stats.seconds if stats.seconds > 0 else 0.0
        print(
            f"files: {stats.files}\nbytes: {stats.bytes}\nsymbols: {stats.symbols}\n"
            f"seconds: {stats.seconds:.3f}\n"
            f"({stats.from_cache} from cache, {stats.parsed} parsed, {stats.skipped} skipped; "
            f"{rate:.0f} files/s)"
        )
    return 0
