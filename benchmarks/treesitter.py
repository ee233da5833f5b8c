"""The reference parser of issue 19's side-by-side rows: F1R3FLY's tree-sitter grammar of
Rholang, prebuilt as a shared library, driven from Python through the PyPI ``tree-sitter``
package (the ``bench`` extra; never a dependency of the server).

The grammar is not on PyPI or npm and nothing in this repository builds it: the suite
takes the path of a library the reader built (``--tree-sitter-lib PATH`` or the
environment variable ``RHOLANG_TREE_SITTER_LIB``; the language function's name with
``--tree-sitter-symbol``, default ``tree_sitter_rholang``). BENCHMARKS.md says which
source and compiler flags the recorded run used. Without it the rows say
"not run: no grammar given".
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class NoGrammar(Exception):
    """No reference grammar: the text is the reason shown in the report."""


@dataclass
class TreeSitter:
    language: Any
    path: Path
    abi: int
    package_version: str

    @classmethod
    def load(cls, path: Path, symbol: str = "tree_sitter_rholang") -> TreeSitter:
        try:
            import tree_sitter
        except ImportError as e:
            raise NoGrammar(
                "not run: the tree-sitter package is not installed (pip install -e '.[bench]')"
            ) from e
        if not Path(path).is_file():
            raise NoGrammar(f"not run: no grammar at {path}")
        lib = ctypes.CDLL(str(path))
        fn = getattr(lib, symbol)
        fn.restype = ctypes.c_void_p
        # the package takes a PyCapsule named "tree_sitter.Language" around TSLanguage*
        new_capsule = ctypes.pythonapi.PyCapsule_New
        new_capsule.restype = ctypes.py_object
        new_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        capsule = new_capsule(fn(), b"tree_sitter.Language", None)
        try:
            language = tree_sitter.Language(capsule)
        except ValueError as e:  # incompatible ABI
            raise NoGrammar(f"not run: {e}") from e
        abi = int(getattr(language, "abi_version", getattr(language, "version", 0)))
        version = getattr(tree_sitter, "__version__", "")
        if not version:
            from importlib.metadata import version as _v

            version = _v("tree-sitter")
        return cls(language, Path(path), abi, version)

    def parser(self) -> Any:
        import tree_sitter

        return tree_sitter.Parser(self.language)

    def describe(self) -> str:
        return (
            f"tree-sitter {self.package_version} (Python package), grammar {self.path.name} "
            f"(ABI {self.abi})"
        )


def point_of(data: bytes, offset: int) -> tuple[int, int]:
    """(row, byte column) of a byte offset, as tree-sitter's edit API wants it."""
    row = data.count(b"\n", 0, offset)
    col = offset - (data.rfind(b"\n", 0, offset) + 1)
    return row, col


def count_nodes(tree: Any) -> int:
    """Nodes of a tree (named and anonymous), walked with a cursor."""
    cursor = tree.walk()
    n = 0
    while True:
        n += 1
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return n
