"""One home per check: every check module is registered, every code has exactly one home."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import rholang_lsp.semantics.checks as checks_pkg
from rholang_lsp.semantics.checks import FILE_CHECKS, WORKSPACE_CHECKS, DiagnosticCode

CHECKS_DIR = Path(checks_pkg.__file__).parent
SEMANTICS_DIR = CHECKS_DIR.parent
_INFRA = {"codes", "context", "run"}


def _check_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(CHECKS_DIR)]) if m.name not in _INFRA)


def test_every_check_module_is_registered_once() -> None:
    registered = [c.__module__.rsplit(".", 1)[-1] for c in FILE_CHECKS + WORKSPACE_CHECKS]
    assert sorted(registered) == _check_modules()


def test_every_code_is_emitted_by_exactly_one_check_module() -> None:
    homes: dict[str, list[str]] = {c.name: [] for c in DiagnosticCode}
    for name in _check_modules():
        src = (CHECKS_DIR / f"{name}.py").read_text(encoding="utf-8")
        for member in set(re.findall(r"\bC\.([A-Z_]+)\b", src)):
            homes[member].append(name)
    assert {code: mods for code, mods in homes.items() if len(mods) != 1} == {}


def test_no_diagnostic_is_built_outside_the_checks() -> None:
    for path in SEMANTICS_DIR.glob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert "Diagnostic(" not in src, path.name
        assert not re.search(r'"(unbound-variable|arity-mismatch|unused-name)"', src), path.name


def test_quick_fixes_name_codes_through_the_enum() -> None:
    features = SEMANTICS_DIR.parent / "features"
    literals = {f'"{c.value}"' for c in DiagnosticCode}
    for path in features.glob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert not [lit for lit in literals if lit in src], path.name
