"""The scripted session shared by the real-client tests (VS Code's vscode-jsonrpc, Neovim):
a workspace with one Rholang file holding a syntax error, a non-BMP character before the
hovered name (so UTF-16 columns differ from code points), and what the server must answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEXT = """new greet, stdout(`rho:io:stdout`) in {
  /// Says hello to `who` on `ret`.
  contract greet(@who, ret) = { ret!("hello " ++ who) } |
  new out in {
    /* \N{GRINNING FACE} */ greet!("world", *out) |
    for (@msg <- out) { stdout!(msg) }
  } |
  for (x <- ) { Nil }
}
"""
LINES = TEXT.splitlines()


def utf16_col(line: int, code_point: int) -> int:
    return len(LINES[line][:code_point].encode("utf-16-le")) // 2


def col_in(line: int, code_point: int, encoding: str) -> int:
    """The LSP column of ``code_point`` on ``line`` in ``encoding`` (utf-8/16/32)."""
    prefix = LINES[line][:code_point]
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-32":
        return len(prefix)
    return len(prefix.encode("utf-16-le")) // 2


def _find(line: int, needle: str) -> int:
    return LINES[line].index(needle)


# `greet` in `greet!("world", ...)`: after the emoji on line 4
USE_LINE = 4
USE_START_CP = _find(USE_LINE, "greet!")
USE_START = utf16_col(USE_LINE, USE_START_CP)
USE_END = USE_START + len("greet")
HOVER_POS = {"line": USE_LINE, "character": USE_START + 2}
# the contract's name on line 2
DEF_RANGE = {
    "start": {"line": 2, "character": _find(2, "greet(")},
    "end": {"line": 2, "character": _find(2, "greet(") + len("greet")},
}
# `for (x <- ) ...`: a name is missing before `)`
ERROR_LINE = 7
ERROR_COL = _find(ERROR_LINE, "<- )") + 3


@dataclass
class Workspace:
    root: Path
    file: Path

    @property
    def root_uri(self) -> str:
        return self.root.as_uri()

    @property
    def file_uri(self) -> str:
        return self.file.as_uri()


def make_workspace(tmp: Path) -> Workspace:
    root = tmp / "ws"
    root.mkdir()
    file = root / "main.rho"
    file.write_text(TEXT, encoding="utf-8")
    return Workspace(root, file)


def write_scenario(ws: Workspace, path: Path, *, repeat: int = 0) -> Path:
    """The scenario file read by ``tests/node/client.js``."""
    scenario: dict[str, Any] = {
        "rootUri": ws.root_uri,
        "rootPath": str(ws.root),
        "document": {"uri": ws.file_uri, "languageId": "rholang", "version": 1, "text": TEXT},
        "hover": HOVER_POS,
        "definition": HOVER_POS,
        "repeat": repeat,
        "timeoutMs": 15000,
    }
    path.write_text(json.dumps(scenario), encoding="utf-8")
    return path


def check_diagnostics(diagnostics: list[dict[str, Any]]) -> None:
    errors = [d for d in diagnostics if d.get("severity") == 1]
    assert errors, diagnostics
    assert any(
        d["range"]["start"] == {"line": ERROR_LINE, "character": ERROR_COL} for d in errors
    ), errors


def check_hover(hover: dict[str, Any] | None, encoding: str = "utf-16") -> None:
    assert hover is not None
    contents = hover["contents"]
    value = contents["value"] if isinstance(contents, dict) else str(contents)
    assert "greet" in value and "Says hello" in value, value
    if "range" in hover:
        start = col_in(USE_LINE, USE_START_CP, encoding)
        assert hover["range"] == {
            "start": {"line": USE_LINE, "character": start},
            "end": {"line": USE_LINE, "character": start + len("greet")},
        }


def check_definition(definition: Any, file_uri: str) -> None:
    """A Location, Location[] or LocationLink[] pointing at the contract's name."""
    locs = definition if isinstance(definition, list) else [definition]
    assert locs, definition
    loc = locs[0]
    uri = loc.get("uri", loc.get("targetUri"))
    rng = loc.get("range", loc.get("targetSelectionRange"))
    assert uri == file_uri and rng == DEF_RANGE, definition
