"""``--version`` of both commands: the version and which build runs (compiled or pure Python)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from rholang_lsp import __version__


def version_line(prog: str) -> str:
    """``rholang-lsp 0.1.0 (compiled (mypyc))`` or ``... (pure Python)``."""
    from rholang_lsp.compiled import build_name  # only when asked: not on the start-up path

    return f"{prog} {__version__} ({build_name()})"


class VersionAction(argparse.Action):
    """Like argparse's ``version`` action, but the build is looked up only when asked for."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str = argparse.SUPPRESS,
        default: Any = argparse.SUPPRESS,
        help: str = "print the version and the build (compiled with mypyc or pure Python)",
    ) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        print(version_line(parser.prog))
        parser.exit()
