"""The files a CLI command works on: paths, folders (the ``*.rho`` files the server would
index there) and ``-`` (stdin).

Shared by ``check`` and ``format`` so that both treat bad input the same way: a missing
path, a device such as ``/dev/null`` or a folder without any ``.rho`` file is a problem
reported on stderr (exit 2), and a binary file gets one message instead of a screenful of
syntax errors.
"""

from __future__ import annotations

import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rholang_lsp.workspace.indexer import RHOLANG_EXTENSIONS, discover_files

STDIN: Final = "-"
#: Bytes inspected for a NUL to tell a binary file from source text (as git and grep do).
BINARY_PROBE: Final = 8192


@dataclass(slots=True)
class Inputs:
    """What the command line names: files in order, whether stdin is one, and problems."""

    files: list[Path] = field(default_factory=list)
    stdin: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.files and not self.stdin


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def collect(paths: list[str]) -> Inputs:
    """Expand ``paths``: folders to their ``*.rho`` files (sorted, recursive), ``-`` to stdin."""
    found = Inputs()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.files.append(path)

    for raw in paths:
        if raw == STDIN:
            found.stdin = True
            continue
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            found.problems.append(f"{raw}: no such file or directory")
            continue
        except OSError as exc:
            found.problems.append(f"{raw}: cannot access ({exc.strerror or exc})")
            continue
        if stat.S_ISDIR(mode):
            # the files the server would index there (no node_modules, .git, .venv, ...)
            inside = [Path(f.path) for f in discover_files(path, extensions=RHOLANG_EXTENSIONS)]
            if not inside:
                found.problems.append(f"{raw}: no .rho files in this folder")
            for p in inside:
                add(p)
        elif stat.S_ISREG(mode):
            add(path)
        else:
            found.problems.append(f"{raw}: {_kind(mode)}, not a Rholang source file")
    return found


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_PROBE]


def read_stdin() -> bytes:
    return sys.stdin.buffer.read()


def display_name(stdin_filename: str | None) -> str:
    return stdin_filename or "<stdin>"
