"""What keeps ``syntax/`` and ``semantics/`` compilable with mypyc (the same source, compiled
optionally): the rules below were each a crash or a wrong answer of the compiled build.

* A class body's annotations name types imported at run time, not only under
  ``TYPE_CHECKING``: a compiled dataclass reads its fields' types when its module is loaded,
  and a type the module never imported is a NULL pointer there (the import segfaults).
* A module ``__getattr__`` (lazy names, PEP 562) only in a package ``__init__.py``, which stays
  interpreted.
* ``msgspec.Struct`` classes only in modules a compiled build leaves interpreted
  (``rholang_lsp.compiled.INTERPRETED``: ``semantics/summary.py``): compiled,
  a Struct's class options are lost (``frozen=True`` instances became unhashable, the decoder
  read field types as ``type``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rholang_lsp.compiled import INTERPRETED

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rholang_lsp"
LAYERS = ("syntax", "semantics")
#: the modules a compiled build leaves interpreted, as paths
LEFT_INTERPRETED = {m.replace(".", "/") + ".py" for m in INTERPRETED}


def _modules() -> list[Path]:
    return sorted(p for layer in LAYERS for p in (PACKAGE / layer).rglob("*.py"))


def _name(p: Path) -> str:
    return p.relative_to(PACKAGE).as_posix()


def _type_checking_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom | ast.Import):
                    names |= {(a.asname or a.name).split(".")[0] for a in sub.names}
    return names


def _annotation_names(annotation: ast.expr) -> set[str]:
    out: set[str] = set()
    for n in ast.walk(annotation):
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):  # a quoted annotation
            try:
                out |= _annotation_names(ast.parse(n.value, mode="eval").body)
            except SyntaxError:
                pass
    return out


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_class_annotations_name_run_time_imports(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    only_typing = _type_checking_names(tree)
    bad = [
        f"{cls.name}: {ast.unparse(stmt)}"
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
        for stmt in cls.body
        if isinstance(stmt, ast.AnnAssign) and _annotation_names(stmt.annotation) & only_typing
    ]
    assert not bad, f"{_name(path)}: class fields typed by TYPE_CHECKING-only imports: {bad}"


def _module_level_functions(body: list[ast.stmt]) -> list[ast.FunctionDef]:
    """The functions a module defines at its top level, also under ``if`` (not methods)."""
    out: list[ast.FunctionDef] = []
    for node in body:
        if isinstance(node, ast.FunctionDef):
            out.append(node)
        elif isinstance(node, ast.If):
            out += _module_level_functions(node.body) + _module_level_functions(node.orelse)
    return out


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_lazy_module_attributes_only_in_package_inits(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy = [f.lineno for f in _module_level_functions(tree.body) if f.name == "__getattr__"]
    assert not lazy or path.name == "__init__.py", f"{_name(path)}: module __getattr__ at {lazy}"


def test_msgspec_structs_only_where_left_interpreted() -> None:
    found = set()
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in ast.walk(tree):
            if isinstance(cls, ast.ClassDef) and any(
                "msgspec" in ast.unparse(b) or ast.unparse(b) == "Struct" for b in cls.bases
            ):
                found.add(_name(path))
    assert found <= LEFT_INTERPRETED, found - LEFT_INTERPRETED
