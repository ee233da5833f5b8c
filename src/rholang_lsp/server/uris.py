"""``file:`` URIs <-> filesystem paths, and workspace-folder containment."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from rholang_lsp.workspace.files import contained


def uri_to_path(uri: str) -> Path | None:
    """The local path of a ``file:`` URI, or None for other schemes."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if "\x00" in path:
        return None  # `file:///%00`: no such path (the OS would refuse it anyway)
    if parts.netloc and parts.netloc != "localhost":
        path = f"//{parts.netloc}{path}"
    if os.name == "nt" and len(path) >= 3 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return Path(path)


def path_to_uri(path: str | os.PathLike[str]) -> str:
    return Path(os.path.abspath(path)).as_uri()


def is_under(path: str | os.PathLike[str], roots: list[Path]) -> bool:
    """True if ``path`` (resolved, symlinks followed) lies inside one of ``roots`` (resolved)."""
    return contained(path, roots)
