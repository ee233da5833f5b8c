"""``file:`` URIs <-> filesystem paths, and workspace-folder containment."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit


def uri_to_path(uri: str) -> Path | None:
    """The local path of a ``file:`` URI, or None for other schemes."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if "\x00" in path:  # no file has one (``file:///%00``); the OS calls would raise
        return None
    if parts.netloc and parts.netloc != "localhost":
        path = f"//{parts.netloc}{path}"
    if os.name == "nt" and len(path) >= 3 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return Path(path)


def path_to_uri(path: str | os.PathLike[str]) -> str:
    return Path(os.path.abspath(path)).as_uri()


def is_under(path: str | os.PathLike[str], roots: list[Path]) -> bool:
    """True if ``path`` (resolved, symlinks followed) lies inside one of ``roots``."""
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError, ValueError):  # ValueError: an embedded NUL
        return False
    for root in roots:
        try:
            if resolved.is_relative_to(root.resolve()):
                return True
        except (OSError, RuntimeError):
            continue
    return False
