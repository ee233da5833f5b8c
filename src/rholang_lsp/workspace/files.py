"""The one way the server reads a source file from disk (indexer workers and requests).

A path a client names (a closed file in a definition, a watched-file event, a saved
file) is untrusted: it may be a FIFO that blocks a reader until someone writes to it,
a device such as ``/dev/zero`` that never ends, a 20 MB file, a symlink out of the
workspace, or a path with a NUL byte. ``read_source`` refuses all of them with a
``ReadRefused`` that says why, and never blocks:

* the path is resolved (symlinks followed) and, when ``roots`` are given, must lie
  inside one of them after *their* symlinks are resolved too;
* the file is opened with ``O_NONBLOCK`` (opening a FIFO does not wait for a writer)
  and checked with ``fstat`` on the open descriptor: only regular files are read;
* at most ``max_bytes`` (``MAX_FILE_BYTES``, 8 MiB) are read, whatever the size the
  file claims, and the bytes must be UTF-8.

Reading a regular file of at most 8 MiB takes a few milliseconds from the page
cache; the server's request path still runs it off the event loop where it can.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from typing import Final

#: the largest file the server reads (indexer and requests alike), in bytes
MAX_FILE_BYTES: Final = 8 * 1024 * 1024

_OPEN_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class ReadRefused(Exception):
    """The file was not read; the message says why (for logs and error replies)."""


def real_path(path: str | os.PathLike[str]) -> str:
    """``path`` with every symlink resolved; ``ReadRefused`` for an impossible path."""
    try:
        return os.path.realpath(os.fspath(path))
    except (ValueError, OSError) as e:  # ValueError: an embedded NUL byte
        raise ReadRefused(f"invalid path: {e}") from None


def is_within(path: str, root: str) -> bool:
    """Lexical containment of two already normalised paths."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def contained(path: str | os.PathLike[str], roots: Iterable[str | os.PathLike[str]]) -> bool:
    """True if ``path`` lies inside one of ``roots`` once both are fully resolved."""
    try:
        real = real_path(path)
    except ReadRefused:
        return False
    for root in roots:
        try:
            if is_within(real, real_path(root)):
                return True
        except ReadRefused:
            continue
    return False


def read_source_bytes(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    roots: Iterable[str | os.PathLike[str]] | None = None,
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (at most ``max_bytes``) and its ``fstat``.

    Raises ``ReadRefused`` (outside ``roots``, not a regular file, too large, bad
    path) or ``OSError`` (vanished, permission denied)."""
    real = real_path(path)
    if roots is not None:
        roots = list(roots)
        if not any(is_within(real, real_path(r)) for r in roots):
            raise ReadRefused("outside the workspace folders")
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except ValueError as e:
        raise ReadRefused(f"invalid path: {e}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ReadRefused("not a regular file")
        if st.st_size > max_bytes:
            raise ReadRefused(f"too large ({st.st_size} bytes, the limit is {max_bytes})")
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # it grew after the fstat
            raise ReadRefused(f"too large (over {max_bytes} bytes)")
        return b"".join(chunks), st
    finally:
        os.close(fd)


def read_source(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    roots: Iterable[str | os.PathLike[str]] | None = None,
) -> str:
    """The text of a regular UTF-8 file; see ``read_source_bytes`` for the checks."""
    data, _ = read_source_bytes(path, max_bytes=max_bytes, roots=roots)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ReadRefused(f"not UTF-8 ({e.reason} at byte {e.start})") from None
