"""Finding the files of a workspace root: extensions, excluded folders, bounds, stat."""

from __future__ import annotations

import logging
import os
import stat as stat_mod
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import msgspec

from rholang_lsp.semantics.metta.summary import METTA_EXTENSIONS
from rholang_lsp.workspace.files import (
    MAX_FILE_BYTES,
    is_within,
)

RHOLANG_EXTENSIONS: Final = (".rho",)
#: what the index covers: Rholang files and MeTTa files (their functions for workspace/symbol)
INDEXED_EXTENSIONS: Final = RHOLANG_EXTENSIONS + METTA_EXTENSIONS
EXCLUDED_DIRS: Final = frozenset(
    {".git", ".hg", ".svn", "node_modules", "target", ".venv", "venv", "__pycache__", ".tox"}
)
DEFAULT_MAX_FILE_BYTES: Final = MAX_FILE_BYTES
#: discovery bounds per workspace root (ARCHITECTURE "Limits"): a folder such as `/` or
#: `/dev` is indexed up to here and no further (a warning says so)
MAX_WORKSPACE_FILES: Final = 20_000
MAX_WORKSPACE_BYTES: Final = 512 * 1024 * 1024
MAX_DISCOVERY_ENTRIES: Final = 500_000  # directory entries looked at

_log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- discovery


class FileStat(msgspec.Struct, frozen=True):
    path: str
    size: int
    mtime_ns: int


_is_under = is_within


def discover_files(
    root: Path | str,
    *,
    extensions: Sequence[str] = INDEXED_EXTENSIONS,
    excluded_dirs: frozenset[str] = EXCLUDED_DIRS,
    max_files: int = MAX_WORKSPACE_FILES,
    max_bytes: int = MAX_WORKSPACE_BYTES,
    max_entries: int = MAX_DISCOVERY_ENTRIES,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> list[FileStat]:
    """Every Rholang file under ``root`` (sorted by path). Blocking: run it in a thread.

    Directory symlinks are not followed; a file symlink is taken only if its
    target lies under the root. Only regular files are taken (no FIFO, device,
    socket); one over ``max_file_bytes`` is left to the reader to refuse (and count
    as such). Unreadable directories are skipped.
    Discovery stops, with a warning, after ``max_files`` files, ``max_bytes`` bytes
    of them or ``max_entries`` directory entries (a root of `/` stays bounded).
    """
    real_root = os.path.realpath(root)
    out: list[FileStat] = []
    stack = [str(root)]
    seen = 0
    total = 0
    suffixes = tuple(extensions)
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as e:
            _log.info("skipping directory %s: %s", current, e)
            continue
        seen += len(entries)
        if seen > max_entries:
            _log.warning(
                "indexing %s: stopped after %d directory entries (limit %d)",
                root,
                seen,
                max_entries,
            )
            break
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in excluded_dirs and not entry.name.startswith("."):
                        stack.append(entry.path)
                    continue
                if not entry.name.endswith(suffixes):
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not _is_under(target, real_root):
                        continue
                st = entry.stat()
                if not stat_mod.S_ISREG(st.st_mode):
                    continue
                size = min(st.st_size, max_file_bytes + 1)  # a larger one is refused unread
                if len(out) >= max_files or total + size > max_bytes:
                    _log.warning(
                        "indexing %s: stopped at %d files, %d bytes (limits %d files, %d bytes)",
                        root,
                        len(out),
                        total,
                        max_files,
                        max_bytes,
                    )
                    stack.clear()
                    break
                total += size
                out.append(FileStat(entry.path, st.st_size, st.st_mtime_ns))
            except OSError:
                continue
    out.sort(key=lambda f: f.path)
    return out


def stat_file(path: str) -> FileStat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat_mod.S_ISREG(st.st_mode):
        return None
    return FileStat(path, st.st_size, st.st_mtime_ns)


# ---------------------------------------------------------------------------- worker side
