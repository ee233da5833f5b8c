"""The project's PEP 517 build backend: setuptools' own, asking for mypy only where it is used.

A wheel (``pip install .``, ``pip wheel .``) is compiled with mypyc (see ``setup.py``), so its
build requirements add mypy; an editable install (``pip install -e .``) stays pure Python and
does not download it. Neither does a build forced pure (``RHOLANG_LSP_COMPILE=0``) or one on a
machine that cannot build C extensions (no compiler or no Python headers: it would fall back
to pure Python anyway). This is setuptools' documented way to make build dependencies
dynamic: wrap ``setuptools.build_meta`` in an in-tree backend (``backend-path``).
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any

from setuptools import build_meta as _orig
from setuptools.build_meta import *  # noqa: F403 - every other hook is setuptools' own

#: What the compiled build needs to run mypyc (the version of the dev extra's mypy).
MYPY = "mypy>=1.10"


def _wants_mypy(*, editable: bool) -> bool:
    value = os.environ.get("RHOLANG_LSP_COMPILE", "").strip()
    if value == "0":
        return False
    if value == "1":
        return True
    if editable:
        return False
    compiled = runpy.run_path(str(Path("src", "rholang_lsp", "compiled.py")))
    return compiled["compiler_problem"]() is None


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    extra = [MYPY] if _wants_mypy(editable=False) else []
    return [*_orig.get_requires_for_build_wheel(config_settings), *extra]


def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    extra = [MYPY] if _wants_mypy(editable=True) else []
    return [*_orig.get_requires_for_build_editable(config_settings), *extra]
