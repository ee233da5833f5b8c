"""The compiled build: mypyc compiles the modules listed in ``src/rholang_lsp/compiled.py``.

Metadata lives in pyproject.toml; this file only adds the compiled modules, and only where
they cannot go stale:

* a non-editable build (``pip install .``, ``pip wheel .``, ``pipx install .``) compiles
  them: the wheel holds the ``.py`` sources and, beside each, its extension module, which
  the import system prefers;
* an editable install (``pip install -e .``, what ``./scripts/test`` and ``./scripts/demo``
  use) stays pure Python, so no ``.so`` ever shadows a source being edited. Setuptools'
  PEP 660 hook runs the ``editable_wheel`` command, which sets ``editable_mode`` on the build
  commands it runs (``build_ext`` among them); that flag is what is read here;
* ``RHOLANG_LSP_COMPILE=0`` forces the pure build, ``RHOLANG_LSP_COMPILE=1`` the compiled
  one (then a failure to compile fails the build instead of falling back).

Without a C compiler or Python's headers, without mypy, or when compiling fails, the build
falls back to pure Python with one message on stderr (``pip install -v`` shows it), never a
failed install. ``rholang-lsp --version`` says which build is installed.

mypy is a build requirement only where it will be used: the in-tree build backend
(``_build_backend/rholang_build_backend.py``) asks for it for a wheel, not for an editable
install. mypyc is run from ``build_ext`` itself, not when this file is loaded: the frontend
loads it for every hook (build requirements, metadata, the wheel), and only the last one
compiles.
"""

from __future__ import annotations

import os
import runpy
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.dist import Distribution

ROOT = Path(__file__).resolve().parent
COMPILED = runpy.run_path(str(ROOT / "src" / "rholang_lsp" / "compiled.py"))
ENV = "RHOLANG_LSP_COMPILE"


def compile_choice() -> bool | None:
    """``RHOLANG_LSP_COMPILE``: True (1), False (0) or None (unset: compile unless editable)."""
    value = os.environ.get(ENV, "").strip()
    if value in ("", "auto"):
        return None
    if value in ("0", "1"):
        return value == "1"
    raise SystemExit(f"{ENV} must be 0 or 1 (or unset), not {value!r}")


class CompiledDistribution(Distribution):
    """Reports extension modules before they exist, so that ``build`` runs ``build_ext`` (which
    makes them) and the wheel is tagged for this platform; ``build_ext`` clears the flag when
    the build ends up pure."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        self.compiled_build = compile_choice() is not False
        super().__init__(attrs)

    def has_ext_modules(self) -> bool:
        return self.compiled_build or super().has_ext_modules()


class BuildCompiled(build_ext):
    """``build_ext`` that runs mypyc first, or leaves the build pure (see the module's doc)."""

    # the name its options are filed under (else the class's name: reinitialize_command
    # below would lose the command line's options, ``--inplace`` among them)
    command_name = "build_ext"

    def run(self) -> None:
        choice = compile_choice()
        if choice is False or (choice is None and self.editable_mode):
            self._go_pure()
            return
        try:
            extensions = self._mypycify()
        except (Exception, SystemExit) as e:  # mypyc's type errors arrive as SystemExit
            self._fall_back(choice, f"mypyc could not compile them: {_one_line(e)}")
            return
        if extensions is None:
            return
        editable = self.editable_mode
        self.distribution.ext_modules = extensions
        # the same object, initialised again with the extensions and the command line's options
        self.reinitialize_command("build_ext")
        self.editable_mode = editable
        self.ensure_finalized()
        self._remove_stale({self.get_ext_fullpath(ext.name) for ext in self.extensions})
        try:
            super().run()
        except Exception as e:  # noqa: BLE001 - any failure of the C build means "pure"
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self._fall_back(choice, f"the C build failed: {_one_line(e)}")

    def _mypycify(self) -> list[Any] | None:
        choice = compile_choice()
        problem = COMPILED["compiler_problem"]()
        if problem is not None:
            self._fall_back(choice, problem)
            return None
        try:
            from mypyc.build import mypycify
        except ImportError as e:
            self._fall_back(choice, f"mypy is not installed where the build runs ({e})")
            return None
        paths = [os.path.relpath(p) for p in COMPILED["source_files"](ROOT / "src")]
        # one shared library for all of them, named after the project rather than a hash
        return list(mypycify(paths, group_name="rholang_lsp"))

    def _fall_back(self, choice: bool | None, why: str) -> None:
        if choice:
            raise SystemExit(f"{ENV}=1, but the compiled modules cannot be built: {why}")
        print(
            f"rholang-language-server: installing the pure-Python build, not the compiled one: "
            f"{why}",
            file=sys.stderr,
        )
        self._go_pure()

    def _remove_stale(self, keep: set[str]) -> None:
        """Delete extension modules an earlier build left in the build folder (``build/``), but
        not in ``keep``: the wheel is made of that whole folder, and a stale one would shadow
        its source."""
        build_lib = Path(self.build_lib)
        found = [*build_lib.glob("rholang_lsp__mypyc.*"), *build_lib.glob("rholang_lsp/**/*")]
        kept = {str(Path(p).resolve()) for p in keep}
        for path in found:
            stale = (
                path.name.endswith(tuple(EXTENSION_SUFFIXES)) and str(path.resolve()) not in kept
            )
            if stale and path.is_file():
                path.unlink()

    def _go_pure(self) -> None:
        if not self.editable_mode:
            self._remove_stale(set())
        dist = self.distribution
        assert isinstance(dist, CompiledDistribution)
        dist.compiled_build = False
        dist.ext_modules = []
        self.extensions = []
        wheel = dist.command_obj.get("bdist_wheel")
        if wheel is not None:  # tagged py3-none-any again, files in purelib
            wheel.root_is_pure = True  # type: ignore[attr-defined]


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:500]}" if text else type(e).__name__


setup(distclass=CompiledDistribution, cmdclass={"build_ext": BuildCompiled})
