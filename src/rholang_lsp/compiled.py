"""Which build runs: the mypyc-compiled modules or pure Python.

``COMPILED_PACKAGES`` is the one list of what a compiled build compiles: ``setup.py`` (a
non-editable install), the test of the compiled build and ``python -m benchmarks --compiled``
all read it from here. Every module directly in a listed package is compiled except its
``__init__.py`` (a package's ``__init__`` loads names lazily with a module ``__getattr__``,
which mypyc cannot compile); subpackages are compiled only when listed themselves.

This module imports nothing of the package and only the standard library: ``setup.py`` runs
it by path before the package is installed.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import pkgutil
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Final

#: The packages under ``rholang_lsp`` whose modules a compiled build compiles, dotted.
COMPILED_PACKAGES: Final[tuple[str, ...]] = (
    "syntax",
    "syntax.metta",
    "semantics",
    "semantics.checks",
    "semantics.embedded",
    "semantics.metta",
)

#: Modules of those packages left interpreted, dotted: ``semantics.summary`` defines
#: ``msgspec.Struct``s, which mypyc does not compile faithfully (frozen Structs became
#: unhashable, their decoder failed; ``tests/test_compilable.py``).
INTERPRETED: Final[tuple[str, ...]] = ("semantics.summary",)

COMPILED: Final = "compiled (mypyc)"
PURE: Final = "pure Python"


def source_files(src: Path) -> list[Path]:
    """The files a compiled build compiles, under ``src`` (the folder holding ``rholang_lsp``)."""
    files: list[Path] = []
    for package in COMPILED_PACKAGES:
        folder = src.joinpath("rholang_lsp", *package.split("."))
        files += sorted(
            p
            for p in folder.glob("*.py")
            if p.name != "__init__.py" and f"{package}.{p.stem}" not in INTERPRETED
        )
    return files


def module_states() -> dict[str, bool]:
    """Each module of ``COMPILED_PACKAGES`` as installed -> whether it is an extension module.

    Found without importing the modules themselves (only the light package ``__init__``s):
    the import system prefers an extension module to a ``.py`` file of the same name.
    """
    states: dict[str, bool] = {}
    for package in COMPILED_PACKAGES:
        name = f"rholang_lsp.{package}"
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.iter_modules(list(spec.submodule_search_locations)):
            if info.ispkg or f"{package}.{info.name}" in INTERPRETED:
                continue
            module = f"{name}.{info.name}"
            sub = importlib.util.find_spec(module)
            origin = sub.origin if sub is not None else None
            states[module] = origin is not None and origin.endswith(
                tuple(importlib.machinery.EXTENSION_SUFFIXES)
            )
    return states


def build_name() -> str:
    """``"compiled (mypyc)"``, ``"pure Python"``, or which modules are compiled when only some are."""
    states = module_states()
    compiled = sorted(m for m, yes in states.items() if yes)
    if not compiled:
        return PURE
    if len(compiled) == len(states):
        return COMPILED
    return f"partly compiled (mypyc: {len(compiled)} of {len(states)} modules)"


def compiler_problem() -> str | None:
    """Why this interpreter cannot build C extensions here, or None when it can.

    Checks what a compiled build needs besides mypy: the C compiler Python was built with
    (``CC``) on the PATH and Python's headers (``Python.h``; Debian's ``python3-dev``).
    """
    cc = os.environ.get("CC") or str(sysconfig.get_config_var("CC") or "cc")
    words = cc.split()
    if not words or shutil.which(words[0]) is None:
        return f"no C compiler: {words[0] if words else 'CC'!r} is not on the PATH"
    include = sysconfig.get_paths().get("include", "")
    if not Path(include, "Python.h").is_file():
        major, minor = sys.version_info[:2]
        return (
            f"no Python headers: {include}/Python.h is missing (Debian: apt-get install "
            f"python{major}.{minor}-dev or python3-dev)"
        )
    return None
