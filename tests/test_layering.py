"""The layer rule of ARCHITECTURE.md: each layer imports only the layers below it."""

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
    "protocol": set(),
    "transports": {"protocol", "metrics"},
    "server": {"syntax", "semantics", "workspace", "features", "metrics", "protocol", "transports"},
    "cli": {
        "syntax",
        "semantics",
        "workspace",
        "features",
        "metrics",
        "protocol",
        "transports",
        "server",
    },
}


def _imported_layers(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "rholang_lsp" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


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
