"""The checkable claims of ARCHITECTURE.md.

* Layers: each layer imports only the layers below it (absolute and relative imports).
* Protocol knows no Rholang: ``protocol/`` and ``transports/`` import no language layer.
* Offsets inside, positions at the edge: only ``server/positions.py`` converts offsets
  to LSP positions (a short list of modules with a stated reason may touch line maps).
* Typed params for every method: ``tests/server/test_typed_params.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rholang_lsp"

# layer -> the rholang_lsp layers it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "syntax": set(),
    "semantics": {"syntax"},
    "workspace": {"syntax", "semantics"},
    "features": {"syntax", "semantics", "workspace"},
    "metrics": set(),
    "node": set(),
    "protocol": set(),
    "transports": {"protocol", "metrics"},
    "server": {
        "syntax",
        "semantics",
        "workspace",
        "features",
        "metrics",
        "node",
        "protocol",
        "transports",
    },
    "cli": {
        "syntax",
        "semantics",
        "workspace",
        "features",
        "metrics",
        "node",
        "protocol",
        "transports",
        "server",
    },
}


def _modules_imported(path: Path, text: str | None = None) -> list[tuple[str, int]]:
    """Every module a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    package = ["rholang_lsp", *path.relative_to(PACKAGE).parts[:-1]]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = (node.module or "").split(".")
            else:
                up = package[: len(package) - (node.level - 1)]
                base = up + (node.module.split(".") if node.module else [])
            if node.module is None or node.level > 0:
                # ``from . import x`` / ``from .. import syntax``: the names may be modules
                found.extend((".".join([*base, alias.name]), node.lineno) for alias in node.names)
            found.append((".".join(base), node.lineno))
    return found


def _imported_layers(path: Path, text: str | None = None) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for name, line in _modules_imported(path, text):
        parts = name.split(".")
        if parts[0] == "rholang_lsp" and len(parts) > 1:
            found.add((parts[1], line))
    return found


def test_relative_imports_are_resolved() -> None:
    probe = PACKAGE / "protocol" / "probe.py"  # never written: the text is given
    text = "from ..syntax import parse\nfrom .. import semantics\nfrom .framing import x\n"
    layers = {layer for layer, _ in _imported_layers(probe, text)}
    assert layers == {"syntax", "semantics", "protocol"}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_lower_layers(layer: str) -> None:
    folder = PACKAGE / layer
    if not folder.is_dir():
        pytest.skip(f"no {layer} layer yet")
    bad = []
    for path in sorted(folder.rglob("*.py")):
        for target, line in _imported_layers(path):
            if target in ALLOWED and target != layer and target not in ALLOWED[layer]:
                bad.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
    assert not bad, "layer rule broken:\n" + "\n".join(bad)


# ----------------------------------------------------------------- protocol knows no Rholang

LANGUAGE_LAYERS = {"syntax", "semantics", "workspace", "features", "server", "cli"}


@pytest.mark.parametrize("layer", ["protocol", "transports"])
def test_protocol_and_transports_know_no_rholang(layer: str) -> None:
    bad = [
        f"{path.relative_to(PACKAGE)}:{line} imports {target}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for target, line in _imported_layers(path)
        if target in LANGUAGE_LAYERS
    ]
    assert not bad, "\n".join(bad)


# ----------------------------------------------------------------- positions only at the edge

EDGE = "server/positions.py"
#: modules that may touch line maps or encodings, and why (everything else speaks offsets)
POSITION_EXCEPTIONS = {
    "syntax/line_index.py": "defines LineIndex",
    "semantics/summary.py": "CompactLineMap: the line starts an indexed file keeps for the edge",
    "workspace/documents.py": "caches the open document's LineIndex for the edge; apply_edit"
    " (LSP positions) serves tests and tools, the server calls replace() with offsets",
    "features/folding.py": "folding ranges are whole lines: line numbers, no characters",
    "features/rename_safety.py": "a line:column in a human-readable refusal message",
    "server/session.py": "negotiates the position encoding",
    "server/config.py": "holds the negotiated encoding",
    "cli/check.py": "the command line's own edge: terminal, GitHub and SARIF columns",
    "cli/format.py": "the command line's own edge: the column of a format error",
}
#: conversions: ``x.position(offset, encoding)`` / ``x.offset(line, character[, encoding])``
_CONVERTERS = {"position": 2, "offset": 2, "offset_at": 1, "apply_edit": 1, "apply_change": 1}


def _position_conversions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for name, line in _modules_imported(path):
        if name.startswith("rholang_lsp.syntax.line_index"):
            found.append(f"{line}: imports {name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "position_encoding":
            found.append(f"{node.lineno}: reads position_encoding")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            least = _CONVERTERS.get(node.func.attr)
            nargs = len(node.args) + len(node.keywords)
            if least is not None and nargs >= least:
                found.append(f"{node.lineno}: calls .{node.func.attr}() with {nargs} argument(s)")
    return found


def test_positions_only_at_the_edge() -> None:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == EDGE or rel in POSITION_EXCEPTIONS:
            continue
        bad.extend(f"{rel}:{hit}" for hit in _position_conversions(path))
    assert not bad, "position conversion outside server/positions.py:\n" + "\n".join(bad)


def test_the_edge_check_can_fail() -> None:
    # the exceptions still convert (else they should leave the list), the edge does too
    assert _position_conversions(PACKAGE / EDGE)
    for rel in POSITION_EXCEPTIONS:
        if rel == "syntax/line_index.py":
            continue  # defines the conversions
        assert _position_conversions(PACKAGE / rel), f"{rel} no longer converts: drop it"
